"""What the Rucio endpoints do, with no Tornado in it."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any, Literal

from rucio.client import Client

from vre_common.context import VREContext
from vre_common.errors import BadRequest, NotFound, VREError
from vre_common.models import ErrorBody, TaskInfo
from vre_common.paths import RESOLVED_PATHS_DIR
from vre_common.tasks import TaskRegistry

from . import rules
from .config import RucioInstance
from .downloads import Downloads
from .models import (
    Account,
    Attachment,
    AvailabilityList,
    DIDDetails,
    DIDItem,
    DIDPage,
    InstanceInfo,
    InstanceList,
    ResolvedAttachment,
    ResolveResult,
    RSEInfo,
    RSEList,
    RuleInfo,
    RuleList,
    ScopeList,
    UploadInput,
)
from .paging import StreamPages
from .replication import Replication
from .resolution import Resolutions
from .session import RucioSession
from .uploads import Uploads
from .verify import Verification

MAX_RSE_EXPRESSION = 500
MAX_PAGE = 1000
MAX_AVAILABILITY = 100
DID_PATTERN = re.compile(r"^(?P<scope>[A-Za-z0-9_.\-]{1,30}):(?P<name>[A-Za-z0-9_.\-/+*]{1,250})$")
SCOPE_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,30}$")
RSE_PATTERN = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
DIDType = Literal["all", "container", "dataset", "file", "collection"]


def parse_did(text: str, *, wildcards: bool) -> tuple[str, str]:
    """`scope:name` → (scope, name); a clear 400 otherwise."""
    match = DID_PATTERN.match(text.strip())
    if not match or (not wildcards and "*" in match["name"]):
        example = "user.jdoe:run2*" if wildcards else "user.jdoe:run2.root"
        raise BadRequest(f"Give a DID as scope:name, e.g. {example}.", code="invalid_did")
    return match["scope"], match["name"]


def check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise BadRequest(f"limit must be between 1 and {MAX_PAGE}.", code="invalid_limit")


def did_item(raw: dict[str, Any], scope: str | None = None) -> DIDItem:
    """One DID from any Rucio listing (they name its type `did_type`, `type`, or not at all for files)."""
    return DIDItem(
        scope=raw.get("scope") or scope or "",
        name=raw["name"],
        did_type=str(raw.get("did_type") or raw.get("type") or "FILE").upper(),  # type: ignore[arg-type]
        bytes=raw.get("bytes"),
        length=raw.get("length"),
        adler32=raw.get("adler32"),
    )


class RucioService:
    def __init__(
        self,
        instances: dict[str, RucioInstance],
        default: str | None,
        vre: VREContext,
        timeout: float,
        jupyter_root: Path,
        runtime_dir: Path,
        resolve_wait_seconds: float = 2,
    ) -> None:
        self.default = default
        self._sessions = {name: RucioSession(inst, vre, timeout) for name, inst in instances.items()}
        self._replication = {name: Replication(s, vre.tasks) for name, s in self._sessions.items()}
        self._downloads = {name: Downloads(s, vre.tasks, jupyter_root) for name, s in self._sessions.items()}
        self._uploads = {name: Uploads(s, vre.tasks, jupyter_root) for name, s in self._sessions.items()}
        self._verifications = {
            name: Verification(s, vre.tasks, self._where(name).locator) for name, s in self._sessions.items()
        }
        self._resolutions = Resolutions(vre.tasks, runtime_dir / RESOLVED_PATHS_DIR, resolve_wait_seconds)
        # Per instance, so that a cursor only continues a listing of the instance that opened it.
        self._pages = {name: StreamPages() for name in instances}
        self._resumable(vre.tasks)

    def _resumable(self, tasks: TaskRegistry) -> None:
        """After a server restart, each task starts again from the request it journalled."""

        def dids(params: dict[str, Any]) -> list[tuple[str, str]]:
            return [parse_did(str(did), wildcards=False) for did in params.get("dids") or []]

        async def make_available(params: dict[str, Any]) -> TaskInfo:
            self.session(params["instance"])
            return self._replication[params["instance"]].start(dids(params)).info()

        async def download(params: dict[str, Any]) -> TaskInfo:
            self.session(params["instance"])
            return self._downloads[params["instance"]].start(dids(params)).info()

        async def upload(params: dict[str, Any]) -> TaskInfo:
            self.session(params["instance"])
            dataset = parse_did(params["dataset"], wildcards=False) if params.get("dataset") else None
            task = await self._uploads[params["instance"]].start(
                params["path"], params["rse"], params["scope"], dataset, params.get("lifetime_days"), True
            )
            return task.info()

        tasks.resumable(
            "rucio.make_available",
            make_available,
            "Your Rucio rule kept running in Rucio; resuming follows the same rule again.",
        )
        tasks.resumable(
            "rucio.download", download, "Files already downloaded and verified are kept and skipped."
        )
        tasks.resumable(
            "rucio.upload", upload, "Files Rucio already registered with the same checksum are skipped."
        )

    def session(self, instance: str) -> RucioSession:
        try:
            return self._sessions[instance]
        except KeyError:
            raise NotFound(
                f"No Rucio instance {instance!r} is configured.", code="unknown_instance"
            ) from None

    def instances(self) -> InstanceList:
        return InstanceList(
            instances=[
                InstanceInfo(
                    name=i.name,
                    display_name=i.label,
                    mode=i.mode,
                    auth=i.auth_type or "oidc",
                    site_name=i.site_name,
                    webui_url=i.webui_url,
                    destination_rse=i.destination_rse or None,
                )
                for i in (s.instance for s in self._sessions.values())
            ],
            default_instance=self.default,
        )

    async def account(self, instance: str) -> Account:
        who = await self.session(instance).call(lambda c: c.whoami())
        return Account(
            account=who["account"],
            account_type=str(who.get("account_type", "USER")),
            email=who.get("email"),
            status=str(who.get("status", "ACTIVE")),
        )

    async def scopes(self, instance: str) -> ScopeList:
        scopes = await self.session(instance).call(lambda c: sorted(c.list_scopes()))
        return ScopeList(scopes=scopes)

    async def rses(self, instance: str, expression: str | None) -> RSEList:
        if expression is not None and not (0 < len(expression) <= MAX_RSE_EXPRESSION):
            raise BadRequest("Give an RSE expression of 1 to 500 characters.", code="invalid_rse_expression")

        def list_rses(client: Client) -> list[dict]:
            return list(client.list_rses(expression) if expression else client.list_rses())

        rses = await self.session(instance).call(list_rses)
        return RSEList(
            rses=sorted(
                (
                    RSEInfo(
                        rse=r["rse"],
                        rse_type=str(r.get("rse_type", "DISK")),
                        deterministic=bool(r.get("deterministic", True)),
                    )
                    for r in rses
                ),
                key=lambda r: r.rse,
            )
        )

    async def search(
        self,
        instance: str,
        query: str,
        did_type: DIDType,
        limit: int,
        cursor: str | None,
        meta_filter: str = "",
    ) -> DIDPage:
        """DIDs matching `scope:name` (with `*` wildcards) and a metadata filter, one page at a time."""
        session = self.session(instance)
        check_limit(limit)
        pages = self._pages[instance]
        if cursor:
            return await self._next_page(session, pages, cursor, limit)
        scope, name = parse_did(query, wildcards=True)
        filters = rules.parse_filter(meta_filter, name) if meta_filter.strip() else [{"name": name}]

        def first(client: Client) -> tuple[list[DIDItem], str | None]:
            try:
                stream = client.list_dids(scope, filters, did_type=did_type, long=True)
                return pages.first(stream, limit, lambda raw: did_item(raw, scope))
            except rules.REFUSED_FILTER as err:
                if not meta_filter.strip():
                    raise
                reason = str(err.args[0] if err.args else err)
                raise rules.refused_filter(meta_filter, reason, rules.registered_keys(client)) from None

        items, next_cursor = await session.call(first)
        return DIDPage(items=items, next_cursor=next_cursor)

    async def content(
        self, instance: str, did: str, limit: int, cursor: str | None, availability: bool = False
    ) -> DIDPage:
        """What a container holds (datasets, containers) or a dataset holds (files, with sizes and checksums).

        With `availability` (replica mode), a dataset's files come with their state on the mounted RSE,
        asked at the same time as the listing (see `Replication.page_availability`).
        """
        session = self.session(instance)
        check_limit(limit)
        pages = self._pages[instance]
        with_states = availability and session.instance.mode == "replica"
        if cursor:
            page = await self._next_page(session, pages, cursor, limit)
        else:
            scope, name = parse_did(did, wildcards=False)

            def first(client: Client) -> tuple[list[DIDItem], str | None]:
                kind = str(client.get_did(scope, name)["type"]).upper()
                if kind == "FILE":
                    raise BadRequest(f"{scope}:{name} is a file; it has no content.", code="not_a_collection")
                stream = (
                    client.list_files(scope, name) if kind == "DATASET" else client.list_content(scope, name)
                )
                return pages.first(stream, limit, did_item)

            if not with_states:
                items, next_cursor = await session.call(first)
                return DIDPage(items=items, next_cursor=next_cursor)
            # The dataset-level answer does not need the page: ask both at once.
            (items, next_cursor), dataset = await asyncio.gather(
                session.call(first),
                self._replication[instance].dataset_state(parse_did(did, wildcards=False)),
            )
            page = DIDPage(items=items, next_cursor=next_cursor)
            page.availability = await self._replication[instance].page_availability(page.items, dataset)
            return page
        if with_states:
            dataset = await self._replication[instance].dataset_state(parse_did(did, wildcards=False))
            page.availability = await self._replication[instance].page_availability(page.items, dataset)
        return page

    async def _next_page(self, session: RucioSession, pages: StreamPages, cursor: str, limit: int) -> DIDPage:
        # The stream continues reading from Rucio, so it runs in the executor too.
        items, next_cursor = await session.call(lambda _client: pages.next(cursor, limit))
        return DIDPage(items=items, next_cursor=next_cursor)

    def make_available(self, instance: str, dids: list[str]) -> TaskInfo:
        """Start bringing `dids` onto the mounted RSE; follow the returned task."""
        self.session(instance)  # 404 for an unknown instance
        parsed = [parse_did(did, wildcards=False) for did in dids]
        return self._replication[instance].start(parsed).info()

    def _where(self, instance: str) -> Replication | Downloads:
        """What finds an instance's files: the mounted RSE, or the download folder."""
        if self.session(instance).instance.mode == "download":
            return self._downloads[instance]
        return self._replication[instance]

    def verify(self, instance: str, dids: list[str]) -> TaskInfo:
        """Start reading every byte of `dids`' files where the notebook reads them, comparing adler32."""
        self.session(instance)
        parsed = [parse_did(did, wildcards=False) for did in dids]
        return self._verifications[instance].start(parsed).info()

    def download(self, instance: str, dids: list[str]) -> TaskInfo:
        """Start downloading `dids` into the instance's download folder; follow the returned task."""
        self.session(instance)
        parsed = [parse_did(did, wildcards=False) for did in dids]
        return self._downloads[instance].start(parsed).info()

    async def upload(self, instance: str, request: UploadInput) -> TaskInfo:
        """Start uploading a workspace file or folder; follow the returned task."""
        self.session(instance)
        if not SCOPE_PATTERN.match(request.scope):
            raise BadRequest("Give a Rucio scope such as user.jdoe.", code="invalid_scope")
        if not RSE_PATTERN.match(request.rse):
            raise BadRequest("Give the name of one RSE, such as SITE-DISK.", code="invalid_rse")
        dataset = parse_did(request.dataset, wildcards=False) if request.dataset else None
        task = await self._uploads[instance].start(
            request.path, request.rse, request.scope, dataset, request.lifetime_days
        )
        return task.info()

    async def availability(self, instance: str, dids: list[str]) -> AvailabilityList:
        """Each file's state: on the mounted RSE (replica mode) or in the download folder (download mode)."""
        if not 1 <= len(dids) <= MAX_AVAILABILITY:
            raise BadRequest(f"Ask for 1 to {MAX_AVAILABILITY} DIDs at a time.", code="invalid_dids")
        session = self.session(instance)
        parsed = [parse_did(did, wildcards=False) for did in dids]
        if session.instance.mode == "download":
            return self._downloads[instance].availability(parsed)
        return await self._replication[instance].availability(parsed)

    async def resolve(self, attachments: list[Attachment]) -> ResolveResult:
        """Local paths for a notebook's attached DIDs; each one that cannot resolve carries its own error.

        A file resolves to its path; a collection to a file listing its files' paths, once all of them
        are there (a background task checks them; see `resolution.py`).
        """

        async def one(attachment: Attachment) -> ResolvedAttachment:
            answer = ResolvedAttachment(**attachment.model_dump())
            try:
                session = self.session(attachment.instance)
                did = parse_did(attachment.did, wildcards=False)
                where = self._where(attachment.instance)
                kind = await session.call(lambda client: str(client.get_did(*did)["type"]).upper())
                if kind == "FILE":
                    answer.value = await where.file_path(did)
                else:
                    await self._resolutions.collection(
                        answer, did, lambda task, out: where.check(did, task, out=out), where.how
                    )
            except VREError as err:
                answer.error = ErrorBody(error=err.code, message=err.message)
            return answer

        return ResolveResult(attachments=list(await asyncio.gather(*(one(a) for a in attachments))))

    async def rules(self, instance: str, did: str) -> RuleList:
        """The rules on a DID, the user's first, with state, expiry and lock counts."""
        scope, name = parse_did(did, wildcards=False)
        session = self.session(instance)

        def list_rules(client: Client) -> tuple[str, list[dict[str, Any]]]:
            return client.account, list(client.list_did_rules(scope, name))

        me, rules = await session.call(list_rules)
        infos = [
            RuleInfo(
                id=r["id"],
                account=r["account"],
                rse_expression=r["rse_expression"],
                state=str(r["state"]),
                expires_at=str(r["expires_at"]) if r.get("expires_at") else None,
                locks_ok=r.get("locks_ok_cnt", 0),
                locks_replicating=r.get("locks_replicating_cnt", 0),
                locks_stuck=r.get("locks_stuck_cnt", 0),
            )
            for r in rules
        ]
        return RuleList(rules=sorted(infos, key=lambda r: (r.account != me, r.rse_expression)))

    async def details(self, instance: str, did: str) -> DIDDetails:
        """A DID's type, size, file count and metadata."""
        scope, name = parse_did(did, wildcards=False)

        def get(client: Client) -> DIDDetails:
            raw = client.get_did(scope, name, dynamic_depth="FILE")
            meta = client.get_metadata(scope, name)
            simple = (str, int, float, bool, type(None))
            return DIDDetails(
                did=did_item(raw, scope),
                metadata={k: (v if isinstance(v, simple) else str(v)) for k, v in meta.items()},
            )

        return await self.session(instance).call(get)
