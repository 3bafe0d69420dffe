"""Make a dataset available on the mounted RSE through /vre/api/rucio, on the real Rucio and daemons."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from devstack_jupyter_config import on_mounted_rse
from vre_api import call, fails, wait_for_task


@pytest.fixture(scope="module")
def stack(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("iam", "rucio")


@pytest.fixture
def jp_server_config(jp_server_config, stack, iam_tokens_config):
    rucio = stack["rucio"]
    base = {"rucio_base_url": rucio["rucio_host"]}
    return {
        **jp_server_config,
        "IAMTokens": iam_tokens_config,
        "RucioExtension": {
            "instances": [
                {
                    **base,
                    "name": "vre",
                    **on_mounted_rse(rucio),
                    "replication_rule_lifetime_days": 1,
                },
                {**base, "name": "dl", "mode": "download"},
            ]
        },
    }


async def availability(jp_fetch, did: str, files: list[str]) -> dict[str, dict[str, Any]]:
    scope = did.split(":")[0]
    response = await jp_fetch(
        "vre", "api", "rucio", "vre", "availability", params=[("did", f"{scope}:{f}") for f in files]
    )
    return {a["did"].split(":")[1]: a for a in json.loads(response.body)["files"]}


async def test_make_a_dataset_available_and_read_its_bytes_from_the_mount(jp_fetch, upload_dataset, stack):
    payloads = {"events.root": b"root\x00" + os.urandom(300_000), "summary.csv": b"run,n\n1,7\n2,14\n"}
    did = upload_dataset(payloads)
    names = [f"{did.split(':')[1]}.{n}" for n in payloads]
    before = await availability(jp_fetch, did, names)
    assert {a["state"] for a in before.values()} == {"not_available"}

    code, task = await call(
        jp_fetch, "rucio", "vre", "make-available", method="POST", body=json.dumps({"dids": [did]})
    )
    assert code == 202
    assert (task["kind"], task["progress"]["unit"]) == ("rucio.make_available", "files")
    done = await wait_for_task(jp_fetch, task["id"])
    assert done["state"] == "succeeded", done
    assert (done["progress"]["done"], done["progress"]["total"]) == (2, 2)
    assert done["result"]["files"] == 2

    after = await availability(jp_fetch, did, names)
    for short, data in payloads.items():
        entry = after[f"{did.split(':')[1]}.{short}"]
        assert entry["state"] == "available"
        assert entry["path"].startswith(stack["rucio"]["mount_path"])
        with open(entry["path"], "rb") as handle:
            assert handle.read() == data
    assert sorted(done["result"]["paths"]) == sorted(a["path"] for a in after.values())

    # Asking again reuses the user's rule instead of failing on a duplicate.
    _, again = await call(
        jp_fetch, "rucio", "vre", "make-available", method="POST", body=json.dumps({"dids": [did]})
    )
    again = await wait_for_task(jp_fetch, again["id"])
    assert again["state"] == "succeeded"
    assert again["result"]["rules"] == done["result"]["rules"]


async def test_cancel_stops_following_the_rule(jp_fetch, upload_dataset):
    did = upload_dataset({"a.root": os.urandom(1000)})
    _, task = await call(
        jp_fetch, "rucio", "vre", "make-available", method="POST", body=json.dumps({"dids": [did]})
    )
    _, cancelled = await call(jp_fetch, "tasks", task["id"], method="DELETE")
    final = await wait_for_task(jp_fetch, task["id"])
    assert final["state"] == "cancelled"
    assert cancelled["id"] == task["id"]


@pytest.mark.parametrize(
    ("path", "body", "code", "expected"),
    [
        (("rucio", "dl", "make-available"), {"dids": ["user.jdoe:x"]}, 400, "not_replica_mode"),
        (("rucio", "vre", "make-available"), {"dids": ["no-scope"]}, 400, "invalid_did"),
        (("rucio", "vre", "make-available"), {"dids": []}, 400, "invalid_body"),
        (("rucio", "vre", "make-available"), {"dids": ["user.jdoe:wild*"]}, 400, "invalid_did"),
        (("rucio", "nope", "make-available"), {"dids": ["user.jdoe:x"]}, 404, "unknown_instance"),
    ],
)
async def test_bad_requests_are_clear(jp_fetch, path, body, code, expected):
    status, payload = await fails(jp_fetch, *path, method="POST", body=json.dumps(body))
    assert (status, payload["error"]) == (code, expected)


async def test_availability_needs_some_dids(jp_fetch):
    status, payload = await fails(jp_fetch, "rucio", "vre", "availability")
    assert (status, payload["error"]) == (400, "invalid_dids")


async def test_attachments_resolve_to_paths_with_an_error_per_item(jp_fetch, upload_dataset):
    ready = upload_dataset({"a.root": os.urandom(2000), "b.root": os.urandom(3000)})
    waiting = upload_dataset({"c.root": os.urandom(1000)})
    _, task = await call(
        jp_fetch, "rucio", "vre", "make-available", method="POST", body=json.dumps({"dids": [ready]})
    )
    assert (await wait_for_task(jp_fetch, task["id"]))["state"] == "succeeded"
    scope, name = ready.split(":")
    one_file = f"{scope}:{name}.a.root"

    attachments = [
        {"instance": "vre", "did": ready, "variable": "events"},
        {"instance": "vre", "did": one_file, "variable": "first"},
        {"instance": "vre", "did": waiting, "variable": "later"},
        {"instance": "gone", "did": ready, "variable": "elsewhere"},
    ]
    _, answer = await call(
        jp_fetch, "rucio", "resolve", method="POST", body=json.dumps({"attachments": attachments})
    )
    by_variable = {a["variable"]: a for a in answer["attachments"]}
    assert by_variable["events"]["files"] == 2  # a collection: a file listing its paths, for the kernel
    with open(by_variable["events"]["paths_file"], encoding="utf-8") as listing:
        events = listing.read().splitlines()
    assert len(events) == 2 and all(os.path.isfile(p) for p in events)
    assert by_variable["first"]["value"] == next(p for p in events if p.endswith(".a.root"))
    assert by_variable["later"]["value"] is None
    assert by_variable["later"]["error"]["error"] == "not_available"
    assert (by_variable["later"]["files"], by_variable["later"]["missing"]) == (1, 1)
    assert "make it available" in by_variable["later"]["error"]["message"]
    assert by_variable["elsewhere"]["error"]["error"] == "unknown_instance"


@pytest.mark.parametrize("variable", ["1st", "with space", "a-b", ""])
async def test_attachment_variables_must_be_identifiers(jp_fetch, variable):
    body = {"attachments": [{"instance": "vre", "did": "user.jdoe:x", "variable": variable}]}
    status, payload = await fails(jp_fetch, "rucio", "resolve", method="POST", body=json.dumps(body))
    assert (status, payload["error"]) == (400, "invalid_body")
    assert "variable" in payload["message"]


async def test_rules_and_details_of_a_dataset(jp_fetch, upload_dataset, stack):
    did = upload_dataset({"x.root": os.urandom(4000), "y.root": os.urandom(6000)})
    _, task = await call(
        jp_fetch, "rucio", "vre", "make-available", method="POST", body=json.dumps({"dids": [did]})
    )
    assert (await wait_for_task(jp_fetch, task["id"]))["state"] == "succeeded"

    _, rules = await call(jp_fetch, "rucio", "vre", "dids", "rules", did=did)
    assert {r["account"] for r in rules["rules"]} == {"jdoe"}
    mounted, uploaded = stack["rucio"]["mounted_rse"], stack["rucio"]["upload_rse"]
    assert {mounted, uploaded} <= {r["rse_expression"] for r in rules["rules"]}
    mine = next(r for r in rules["rules"] if r["rse_expression"] == mounted)
    assert mine["state"] == "OK"
    assert (mine["locks_ok"], mine["locks_stuck"]) == (2, 0)
    assert mine["expires_at"], "the instance's rule lifetime (1 day) was applied"

    _, details = await call(jp_fetch, "rucio", "vre", "dids", "details", did=did)
    assert (details["did"]["did_type"], details["did"]["bytes"], details["did"]["length"]) == (
        "DATASET",
        10_000,
        2,
    )

    sample = stack["rucio"]["samples"]["datasets"][0]["did"]
    _, described = await call(jp_fetch, "rucio", "vre", "dids", "details", did=sample)
    assert described["metadata"]["datatype"] == "DAOD_PHYSLITE"
