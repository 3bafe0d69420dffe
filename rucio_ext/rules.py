"""The user's own rules, quota and metadata filters of one Rucio instance, with no Tornado in it.

What users of the Rucio web UI rely on next to search: their rules with state,
lock counts and the reason a rule is stuck; extending or removing one; their
usage against their quota per RSE; and searching by metadata as
`rucio list-dids --filter` does, parsed by rucio-clients' own filter parser.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from rucio.client import Client
from rucio.common import exception as rucio_errors
from rucio.common.utils import parse_did_filter_from_string_fe

from vre_common.errors import BadRequest, Forbidden

from .models import FilterKeys, MyRule, MyRuleList, QuotaList, RSEQuota
from .session import RucioSession

RULE_ID_PATTERN = r"[0-9a-fA-F]{32}"
MAX_FILTER = 1000
MAX_RULES = 2000
# Columns of every DID that Rucio's default metadata plugin filters on, whatever the instance.
DID_COLUMNS = (
    "name",
    "length",
    "bytes",
    "events",
    "datatype",
    "project",
    "run_number",
    "stream_name",
    "prod_step",
    "version",
    "campaign",
    "task_id",
    "panda_id",
    "guid",
    "provenance",
    "phys_group",
    "is_open",
    "availability",
    "created_at",
    "updated_at",
)
# What rucio-clients raises when the server does not take a filter.
REFUSED_FILTER = (
    rucio_errors.InvalidObject,
    rucio_errors.KeyNotFound,
    rucio_errors.InvalidMetadata,
    rucio_errors.InvalidValueForKey,
    rucio_errors.InvalidType,
    rucio_errors.UnsupportedKeyType,
    rucio_errors.UnsupportedValueType,
    rucio_errors.UnsupportedOperation,
    rucio_errors.DIDFilterSyntaxError,
)
FILTER_HELP = (
    "key=value, key>number, 1<key<10; comma for AND, semicolon for OR, "
    "as `rucio list-dids --filter` takes them, e.g. datatype=AOD,length>2"
)


def parse_filter(text: str, name: str) -> list[dict[str, Any]]:
    """A filter string → rucio-clients' OR-list of AND-dicts, with `name` added; a clear 400 otherwise."""
    if len(text) > MAX_FILTER:
        raise BadRequest(f"Give a filter of at most {MAX_FILTER} characters.", code="invalid_filter")
    try:
        filters, _type = parse_did_filter_from_string_fe(text, name=name)
    except (rucio_errors.DIDFilterSyntaxError, rucio_errors.DuplicateCriteriaInDIDFilter) as err:
        raise BadRequest(
            f"Rucio cannot read the filter {text!r}: {err.args[0] if err.args else err}. Write it as {FILTER_HELP}.",
            code="invalid_filter",
        ) from None
    for group in filters:
        group.pop("type", None)  # the type is chosen apart, as in the panel
    return filters


def accepted_keys(registered: list[str]) -> list[str]:
    """The DID columns, then the keys registered on the instance."""
    return list(DID_COLUMNS) + sorted(k for k in set(registered) if k not in DID_COLUMNS)


def refused_filter(text: str, reason: str, registered: list[str]) -> BadRequest:
    """The error for a filter Rucio refused, naming the keys it accepts."""
    reason = " ".join(reason.split())
    return BadRequest(
        f"Rucio refused the filter {text!r}: {reason} Keys this instance accepts: {', '.join(accepted_keys(registered))}.",
        code="filter_refused",
    )


def registered_keys(client: Client) -> list[str]:
    """The instance's registered metadata keys (blocking: in a session call)."""
    try:
        return sorted(client.list_keys() or [])
    except rucio_errors.RucioException:
        return []  # an instance without meta conventions still filters on DID columns


async def filter_keys(session: RucioSession) -> FilterKeys:
    """The keys a metadata filter may use: the DID columns and the instance's registered keys."""
    return FilterKeys(keys=accepted_keys(await session.call(registered_keys)), help=FILTER_HELP)


def _when(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = str(value)
    for fmt in ("%a, %d %b %Y %H:%M:%S %Z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def my_rule(raw: dict[str, Any]) -> MyRule:
    expires = _when(raw.get("expires_at"))
    created = _when(raw.get("created_at"))
    return MyRule(
        id=raw["id"],
        account=raw["account"],
        did=f"{raw['scope']}:{raw['name']}",
        did_type=str(raw.get("did_type", "")).upper() or None,
        rse_expression=raw["rse_expression"],
        state=str(raw["state"]),
        expires_at=expires.isoformat() if expires else None,
        created_at=created.isoformat() if created else None,
        locks_ok=raw.get("locks_ok_cnt", 0),
        locks_replicating=raw.get("locks_replicating_cnt", 0),
        locks_stuck=raw.get("locks_stuck_cnt", 0),
        error=raw.get("error") or None,
    )


async def my_rules(session: RucioSession, state: str | None, expiring_days: int | None) -> MyRuleList:
    """The account's rules, newest first; only stuck ones, or only those expiring within `expiring_days`."""
    if state is not None and state not in ("STUCK", "OK", "REPLICATING", "SUSPENDED"):
        raise BadRequest("state must be STUCK, OK, REPLICATING or SUSPENDED.", code="invalid_state")
    if expiring_days is not None and not 1 <= expiring_days <= 3650:
        raise BadRequest("expiring_days must be between 1 and 3650.", code="invalid_expiring_days")

    def mine(client: Client) -> tuple[list[dict[str, Any]], bool]:
        rules = []
        for raw in client.list_account_rules(client.account):
            rules.append(raw)
            if len(rules) > MAX_RULES:
                return rules[:MAX_RULES], True
        return rules, False

    raws, truncated = await session.call(mine)
    rules = [my_rule(r) for r in raws]
    if state:
        rules = [r for r in rules if r.state == state]
    if expiring_days is not None:
        until = datetime.now(UTC) + timedelta(days=expiring_days)
        rules = [r for r in rules if r.expires_at and datetime.fromisoformat(r.expires_at) <= until]
    rules.sort(key=lambda r: r.created_at or "", reverse=True)
    return MyRuleList(rules=rules, truncated=truncated)


def _policy_refused(what: str) -> Forbidden:
    return Forbidden(
        f"This Rucio instance does not let your account {what} (its permission policy leaves that to "
        "its admins). Ask them, or let the rule expire.",
        code="rule_change_refused",
    )


def _own_rule(client: Client, rule_id: str) -> dict[str, Any]:
    raw = client.get_replication_rule(rule_id)
    if raw["account"] != client.account:
        raise Forbidden(
            f"Rule {rule_id} belongs to {raw['account']}; you can change only your own rules.",
            code="not_your_rule",
        )
    return raw


async def extend_rule(session: RucioSession, rule_id: str, days: int) -> MyRule:
    """Set the rule to expire `days` from now."""
    if not 1 <= days <= 3650:
        raise BadRequest("Extend by 1 to 3650 days.", code="invalid_lifetime")

    def extend(client: Client) -> dict[str, Any]:
        _own_rule(client, rule_id)
        try:
            client.update_replication_rule(rule_id, {"lifetime": days * 86400})
        except rucio_errors.AccessDenied:
            raise _policy_refused("change a rule's lifetime") from None
        return client.get_replication_rule(rule_id)

    return my_rule(await session.call(extend))


async def remove_rule(session: RucioSession, rule_id: str) -> MyRule:
    """Remove one of the user's rules; the rule as Rucio now has it.

    Rucio's API deletes softly: the rule expires within the hour and its
    cleaner then deletes it, with the replicas no other rule protects.
    """

    def remove(client: Client) -> dict[str, Any]:
        raw = _own_rule(client, rule_id)
        try:
            client.delete_replication_rule(rule_id)
        except rucio_errors.AccessDenied:
            raise _policy_refused("remove a rule") from None
        try:
            return client.get_replication_rule(rule_id)
        except rucio_errors.RuleNotFound:
            return raw  # deleted at once

    return my_rule(await session.call(remove))


async def quota(session: RucioSession) -> QuotaList:
    """The account's usage and local limit on each RSE where it has either."""

    def usage(client: Client) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
        account = client.account
        return (
            account,
            list(client.get_local_account_usage(account)),
            client.get_local_account_limits(account),
        )

    account, used, limits = await session.call(usage)
    by_rse: dict[str, RSEQuota] = {}
    for row in used:
        limit = row.get("bytes_limit")
        by_rse[row["rse"]] = RSEQuota(
            rse=row["rse"],
            used_bytes=int(row.get("bytes") or 0),
            files=int(row.get("files") or 0),
            limit_bytes=None if limit is None or limit == float("inf") else int(limit),
        )
    for rse, limit in limits.items():
        if rse not in by_rse:
            by_rse[rse] = RSEQuota(
                rse=rse,
                used_bytes=0,
                files=0,
                limit_bytes=None if limit is None or limit == float("inf") else int(limit),
            )
    return QuotaList(account=account, rses=sorted(by_rse.values(), key=lambda q: q.rse))
