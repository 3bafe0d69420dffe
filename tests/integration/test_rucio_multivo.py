"""Two VOs of one multi-VO Rucio (devstack/rucio-mvo): an instance with `vo` set sees only its VO.

Each VO has its own jdoe, scopes, RSEs and DIDs (Rucio keeps them apart by VO);
the same userpass identity maps to jdoe in both. A dataset is registered in each
VO under a fresh name; each instance finds, browses and makes available its own,
and the other VO's dataset is not found.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from vre_api import call, fails, wait_for_task

VOS = ("def", "tst")


@pytest.fixture(scope="module")
def mvo(devstack_up: Any) -> dict[str, Any]:
    facts = devstack_up("rucio-mvo")["rucio-mvo"]
    assert tuple(facts["vos"]) == VOS
    return facts


def root_client(mvo: dict[str, Any], vo: str):
    from rucio.client import Client

    return Client(
        rucio_host=mvo["rucio_host"],
        auth_host=mvo["auth_host"],
        account=mvo["root_account"],
        auth_type="userpass",
        creds={"username": mvo["root_username"], "password": mvo["root_password"]},
        vo=vo,
    )


@pytest.fixture(scope="module")
def datasets(mvo: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """In each VO, a fresh dataset of jdoe's scope with two files on a remote RSE, registered as root."""
    os.environ["RUCIO_CONFIG"] = mvo["root_client_config"]  # rucio-clients wants a config file
    made = {}
    run = uuid.uuid4().hex[:10]
    for vo in VOS:
        client = root_client(mvo, vo)
        scope, name, rse = f"user.{mvo['account']}", f"mvo-{vo}.{run}", mvo["remote_rses"][0]
        files = {f"{name}.{i}.dat": f"{vo} file {i} {run}\n".encode() * 200 for i in (1, 2)}
        replicas = []
        for fname, data in files.items():
            pfn = client.lfns2pfns(rse, [f"{scope}:{fname}"], operation="write")[f"{scope}:{fname}"]
            path = Path(urlparse(pfn).path)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            replicas.append(
                {
                    "scope": scope,
                    "name": fname,
                    "bytes": len(data),
                    "adler32": f"{zlib.adler32(data) & 0xFFFFFFFF:08x}",
                    "md5": hashlib.md5(data, usedforsecurity=False).hexdigest(),
                }
            )
        client.add_dataset(scope, name)
        client.add_replicas(rse, replicas)
        client.attach_dids(scope, name, [{"scope": scope, "name": f} for f in files])
        made[vo] = {"did": f"{scope}:{name}", "files": files}
    return made


@pytest.fixture
def jp_server_config(jp_server_config, mvo):
    base = {
        "rucio_base_url": mvo["rucio_host"],
        "auth_type": "userpass",
        "mode": "replica",
        "destination_rse": mvo["mounted_rse"],
        "rse_mount_path": mvo["mount_path"],
        "path_begins_at": mvo["path_begins_at"],
        "replication_rule_lifetime_days": 1,
    }
    return {
        **jp_server_config,
        "RucioExtension": {"instances": [{**base, "name": vo, "vo": vo} for vo in VOS]},
    }


async def connect(jp_fetch, mvo) -> None:
    """jdoe's userpass credentials for both instances (one identity, a jdoe account in each VO)."""
    body = json.dumps({"fields": {"username": mvo["username"], "password": mvo["password"]}})
    for vo in VOS:
        await jp_fetch("vre", "api", "credentials", "rucio", vo, method="PUT", body=body)


@pytest.mark.parametrize(("vo", "other"), [("def", "tst"), ("tst", "def")])
async def test_an_instance_searches_and_browses_only_its_vo(jp_fetch, mvo, datasets, vo, other):
    await connect(jp_fetch, mvo)
    mine, theirs = datasets[vo]["did"], datasets[other]["did"]
    scope = mine.split(":")[0]
    run = mine.rsplit(".", 1)[1]

    _, page = await call(
        jp_fetch, "rucio", vo, "dids", "search", query=f"{scope}:mvo-*.{run}", type="dataset"
    )
    assert [f"{d['scope']}:{d['name']}" for d in page["items"]] == [mine]

    _, content = await call(jp_fetch, "rucio", vo, "dids", "content", did=mine)
    assert sorted(f["name"] for f in content["items"]) == sorted(datasets[vo]["files"])

    code, body = await fails(jp_fetch, "rucio", vo, "dids", "content", did=theirs)
    assert (code, body["error"]) == (404, "rucio_not_found")


async def test_make_available_works_within_the_vo_and_not_across(jp_fetch, mvo, datasets):
    await connect(jp_fetch, mvo)
    mine, theirs = datasets["tst"], datasets["def"]
    _, task = await call(
        jp_fetch, "rucio", "tst", "make-available", method="POST", body={"dids": [mine["did"]]}
    )
    done = await wait_for_task(jp_fetch, task["id"])
    assert done["state"] == "succeeded", done
    by_name = {Path(p).name: p for p in done["result"]["paths"]}
    assert set(by_name) == set(mine["files"])
    for name, data in mine["files"].items():
        assert by_name[name].startswith(mvo["mount_path"])
        assert Path(by_name[name]).read_bytes() == data

    # The other VO's dataset, asked for through this VO's instance: Rucio does not know it here.
    _, task = await call(
        jp_fetch, "rucio", "tst", "make-available", method="POST", body={"dids": [theirs["did"]]}
    )
    failed = await wait_for_task(jp_fetch, task["id"])
    assert failed["state"] == "failed", failed
    assert failed["error"]["error"] == "rucio_not_found", failed
