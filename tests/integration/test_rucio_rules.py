"""The user's rules, quota and metadata filters through /vre/api/rucio, on the dev stack's real Rucio."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from devstack_jupyter_config import on_mounted_rse
from vre_api import call, fails


@pytest.fixture(scope="module")
def stack(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("iam", "rucio")


@pytest.fixture
def jp_server_config(jp_server_config, stack, iam_tokens_config):
    rucio = stack["rucio"]
    return {
        **jp_server_config,
        "IAMTokens": iam_tokens_config,
        "RucioExtension": {
            "instances": [
                {
                    "name": "vre",
                    "rucio_base_url": rucio["rucio_host"],
                    **on_mounted_rse(rucio),
                },
            ]
        },
    }


async def search(jp_fetch, **params) -> list[str]:
    _, page = await call(jp_fetch, "rucio", "vre", "dids", "search", **params)
    return [item["name"] for item in page["items"]]


async def test_search_by_metadata_as_list_dids_filter_takes_it(jp_fetch, stack):
    datasets = {d["did"].split(":")[1] for d in stack["rucio"]["samples"]["datasets"]}
    physlite = await search(
        jp_fetch, query="atlas_open:*", type="collection", filter="datatype=DAOD_PHYSLITE"
    )
    assert "opendata.pp_13TeV.2016.periodA.PHYSLITE" in physlite
    assert "opendata.pp_13TeV.2016.lumi_tables" not in physlite  # another datatype
    # Comparisons and AND: only the dataset of more than two files.
    three = await search(
        jp_fetch, query="atlas_open:*", type="dataset", filter="datatype=DAOD_PHYSLITE,length>2"
    )
    assert three == ["opendata.pp_13TeV.2016.periodA.PHYSLITE"]
    assert set(three) <= datasets


async def test_a_filter_rucio_refuses_names_the_keys_it_accepts(jp_fetch):
    code, body = await fails(
        jp_fetch, "rucio", "vre", "dids", "search", query="atlas_open:*", type="collection", filter="nokey=1"
    )
    assert (code, body["error"]) == (400, "filter_refused")
    assert "nokey=1" in body["message"]
    assert "Keys this instance accepts:" in body["message"] and "datatype" in body["message"]


async def test_a_filter_that_cannot_be_read_is_a_400_saying_how_to_write_one(jp_fetch):
    code, body = await fails(
        jp_fetch, "rucio", "vre", "dids", "search", query="atlas_open:*", filter="length>1,length>2"
    )
    assert (code, body["error"]) == (400, "invalid_filter")
    assert "comma for AND" in body["message"]


async def test_filter_keys_include_the_did_columns_and_the_registered_keys(jp_fetch):
    _, answer = await call(jp_fetch, "rucio", "vre", "dids", "filter-keys")
    assert {"name", "length", "bytes", "datatype", "created_at"} <= set(answer["keys"])
    assert "rucio list-dids --filter" in answer["help"]


@pytest.fixture
def rucio_admin(stack, monkeypatch):
    """Make the user a Rucio admin for one test (the dev stack's generic policy lets only admins change rules)."""
    from rucio.client import Client
    from rucio.common.config import clean_cached_config

    monkeypatch.setenv("RUCIO_CONFIG", stack["rucio"]["root_client_config"])
    clean_cached_config()
    root = Client()
    account = stack["rucio"]["account"]

    granted = []

    def grant() -> None:
        root.add_account_attribute(account, "admin", "True")
        granted.append(True)

    yield grant
    if granted:
        root.delete_account_attribute(account, "admin")
    clean_cached_config()


async def test_my_rules_extend_and_remove(jp_fetch, upload_dataset, rucio_admin):
    did = upload_dataset({"a.root": b"ROOT" * 64})
    _, mine = await call(jp_fetch, "rucio", "vre", "rules")
    rule = next(r for r in mine["rules"] if r["did"] == did)
    assert (rule["account"], rule["did_type"]) == ("jdoe", "DATASET")
    assert rule["state"] in ("OK", "REPLICATING") and rule["created_at"]
    assert all(isinstance(rule[k], int) for k in ("locks_ok", "locks_replicating", "locks_stuck"))

    # The dev stack's generic policy leaves rule changes to admins: a clear 403 for the user.
    code, body = await fails(
        jp_fetch, "rucio", "vre", "rules", rule["id"], "extend", method="POST", body={"days": 3}
    )
    assert (code, body["error"]) == (403, "rule_change_refused")
    assert "permission policy" in body["message"]
    code, body = await fails(jp_fetch, "rucio", "vre", "rules", rule["id"], method="DELETE")
    assert (code, body["error"]) == (403, "rule_change_refused")
    rucio_admin()

    # Extend: it now expires in about 3 days, and shows among the rules expiring within 7 days.
    _, extended = await call(
        jp_fetch, "rucio", "vre", "rules", rule["id"], "extend", method="POST", body={"days": 3}
    )
    expires = datetime.fromisoformat(extended["expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=3))) < timedelta(minutes=10)
    _, expiring = await call(jp_fetch, "rucio", "vre", "rules", expiring_days=7)
    assert rule["id"] in {r["id"] for r in expiring["rules"]}
    _, later = await call(jp_fetch, "rucio", "vre", "rules", expiring_days=1)
    assert rule["id"] not in {r["id"] for r in later["rules"]}
    _, stuck = await call(jp_fetch, "rucio", "vre", "rules", state="STUCK")
    assert all(r["state"] == "STUCK" for r in stuck["rules"])

    # Remove: Rucio deletes softly, so the rule now expires within the hour (then its cleaner deletes it).
    _, removed = await call(jp_fetch, "rucio", "vre", "rules", rule["id"], method="DELETE")
    assert removed["id"] == rule["id"]
    assert datetime.fromisoformat(removed["expires_at"]) <= datetime.now(UTC) + timedelta(hours=1, minutes=5)


async def test_rule_requests_that_cannot_work_are_clear(jp_fetch):
    code, body = await fails(jp_fetch, "rucio", "vre", "rules", state="BROKEN")
    assert (code, body["error"]) == (400, "invalid_state")
    code, body = await fails(jp_fetch, "rucio", "vre", "rules", expiring_days="soon")
    assert (code, body["error"]) == (400, "invalid_expiring_days")
    unknown = "0" * 32
    code, body = await fails(
        jp_fetch, "rucio", "vre", "rules", unknown, "extend", method="POST", body={"days": 3}
    )
    assert code == 404
    code, body = await fails(
        jp_fetch, "rucio", "vre", "rules", unknown, "extend", method="POST", body={"days": 0}
    )
    assert code == 400


async def test_quota_per_rse_with_usage(jp_fetch, stack):
    _, quota = await call(jp_fetch, "rucio", "vre", "quota")
    assert quota["account"] == "jdoe"
    by_rse = {q["rse"]: q for q in quota["rses"]}
    mounted = by_rse[stack["rucio"]["mounted_rse"]]
    assert mounted["limit_bytes"] == 10 * 1024**4  # the dev stack's quota
    assert mounted["used_bytes"] >= 0
