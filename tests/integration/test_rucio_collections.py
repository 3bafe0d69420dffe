"""Collections that are only partly there: resolve, availability and checksums on the real Rucio.

A collection must account for every one of its files: when some are not on the
mount (never copied, removed, truncated), it does not resolve, and the answer
says how many of how many are missing.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest
from devstack_jupyter_config import on_mounted_rse
from vre_api import call, fails, resolve, wait_for_task

from rucio_ext.paging import StreamPages
from rucio_ext.replication import Replication


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
                    "rucio_base_url": rucio["rucio_host"],
                    "name": "vre",
                    **on_mounted_rse(rucio),
                    "replication_rule_lifetime_days": 1,
                }
            ],
            # Answer with the check's task at once, so that following it is what is tested.
            "resolve_wait_seconds": 0,
        },
    }


async def make_available(jp_fetch, did: str) -> dict[str, Any]:
    _, task = await call(jp_fetch, "rucio", "vre", "make-available", method="POST", body={"dids": [did]})
    return await wait_for_task(jp_fetch, task["id"])


async def availability(jp_fetch, dids: list[str]) -> dict[str, str]:
    response = await jp_fetch("vre", "api", "rucio", "vre", "availability", params=[("did", d) for d in dids])
    return {a["did"]: a["state"] for a in json.loads(response.body)["files"]}


async def page_states(jp_fetch, did: str) -> dict[str, str]:
    _, page = await call(jp_fetch, "rucio", "vre", "dids", "content", did=did, availability="1")
    assert [a["did"] for a in page["availability"]] == [f"{i['scope']}:{i['name']}" for i in page["items"]]
    return {a["did"]: a["state"] for a in page["availability"]}


def attachment_folder(jp_runtime_dir: Path) -> Path:
    return Path(jp_runtime_dir) / "vre-attachments"


async def test_a_partly_available_dataset_does_not_resolve_and_says_how_much_is_missing(
    jp_fetch, upload_dataset, jp_runtime_dir
):
    payloads = {name: os.urandom(1000 + i) for i, name in enumerate(["a.root", "b.root", "c.root"])}
    did = upload_dataset(payloads)
    scope, name = did.split(":")
    files = [f"{scope}:{name}.{short}" for short in payloads]

    # Only one of its three files is brought onto the mounted RSE.
    assert (await make_available(jp_fetch, files[0]))["state"] == "succeeded"
    assert await availability(jp_fetch, files) == {
        files[0]: "available",
        files[1]: "not_available",
        files[2]: "not_available",
    }

    # The panel's page of the dataset's files comes with the same states.
    assert await page_states(jp_fetch, did) == {
        files[0]: "available",
        files[1]: "not_available",
        files[2]: "not_available",
    }

    partial = await resolve(jp_fetch, did)
    assert partial["seen_task"], "the collection was checked as a task"
    assert (partial["value"], partial["paths_file"]) == (None, None)
    assert (partial["files"], partial["missing"]) == (3, 2)
    assert partial["error"]["error"] == "not_available"
    assert "2 of 3 files are missing" in partial["error"]["message"]
    assert not list(attachment_folder(jp_runtime_dir).glob("*")), "no partial list is left behind"

    # The file that is there resolves on its own.
    alone = await resolve(jp_fetch, files[0], "first")
    assert alone["error"] is None and alone["value"] and os.path.getsize(alone["value"]) == 1000

    # Once all of it is there, the dataset resolves to a list of all its files.
    assert (await make_available(jp_fetch, did))["state"] == "succeeded"
    whole = await resolve(jp_fetch, did)
    assert whole["error"] is None and (whole["files"], whole["missing"]) == (3, 0)
    paths = Path(whole["paths_file"]).read_text(encoding="utf-8").splitlines()
    assert len(paths) == 3
    # With the dataset's rule OK, the page's states and paths come from the rule and the mount.
    _, page = await call(jp_fetch, "rucio", "vre", "dids", "content", did=did, availability="1")
    assert {a["state"] for a in page["availability"]} == {"available"}
    assert sorted(a["path"] for a in page["availability"]) == sorted(paths)
    assert sorted(Path(p).read_bytes() for p in paths) == sorted(payloads.values())


async def test_a_file_gone_from_the_mount_or_truncated_counts_as_missing(jp_fetch, upload_dataset):
    did = upload_dataset({"x.root": os.urandom(5000), "y.root": os.urandom(7000), "z.root": b"z" * 300})
    done = await make_available(jp_fetch, did)
    assert done["state"] == "succeeded" and done["result"]["files"] == 3
    by_name = {Path(p).name.rsplit(".", 2)[-2]: Path(p) for p in done["result"]["paths"]}

    by_name["x"].unlink()  # Rucio still says it is there: the mount is what the kernel reads
    by_name["y"].write_bytes(b"short")  # and a file of another size is not the file either
    scope = did.split(":")[0]
    states = await availability(jp_fetch, [f"{scope}:{p.name}" for p in by_name.values()])
    assert sorted(states.values()) == ["available", "not_available", "not_available"]
    assert sorted((await page_states(jp_fetch, did)).values()) == sorted(states.values())

    answer = await resolve(jp_fetch, did)
    assert (answer["files"], answer["missing"], answer["paths_file"]) == (3, 2, None)
    assert "2 of 3 files are missing" in answer["error"]["message"]

    # Making it available again finds the rule OK but the mount short: a clear failure, not "done".
    again = await make_available(jp_fetch, did)
    assert again["state"] == "failed"
    assert again["error"]["error"] == "mount_incomplete"
    assert "2 of 3 files are missing" in again["error"]["message"]


async def test_verify_checksums_reads_every_byte_and_names_a_corrupt_file(jp_fetch, upload_dataset):
    payloads = {"p.root": os.urandom(300_000), "q.root": os.urandom(200_000)}
    did = upload_dataset(payloads)
    made = await make_available(jp_fetch, did)
    assert made["state"] == "succeeded"

    code, task = await call(jp_fetch, "rucio", "vre", "verify", method="POST", body={"dids": [did]})
    assert (code, task["kind"], task["progress"]["unit"]) == (202, "rucio.verify", "bytes")
    ok = await wait_for_task(jp_fetch, task["id"])
    assert ok["state"] == "succeeded", ok
    assert (ok["progress"]["done"], ok["progress"]["total"]) == (500_000, 500_000)
    assert ok["result"] == {"files": 2, "bytes": 500_000, "mismatched": 0}

    # Same size, one byte changed: only reading the bytes can tell.
    victim = next(Path(p) for p in made["result"]["paths"] if p.endswith("p.root"))
    data = bytearray(victim.read_bytes())
    data[1000] ^= 0xFF
    victim.write_bytes(bytes(data))
    assert (await resolve(jp_fetch, did))["error"] is None, "resolving checks sizes, not bytes"
    _, task = await call(jp_fetch, "rucio", "vre", "verify", method="POST", body={"dids": [did]})
    bad = await wait_for_task(jp_fetch, task["id"])
    assert bad["state"] == "failed"
    assert bad["error"]["error"] == "checksum_mismatch"
    assert "1 of 2 files" in bad["error"]["message"] and victim.name in bad["error"]["message"]


@pytest.fixture(scope="module")
def big_dataset(stack) -> str:
    """5,000 metadata-only files on a remote RSE: nothing of it is on the mount."""
    out = subprocess.run(
        [*stack["rucio"]["generate_dataset"], "--files", "5000", "--json"],
        check=True,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return json.loads(out.stdout)["did"]


async def test_a_collection_not_on_the_mount_is_counted_in_chunks(jp_fetch, big_dataset):
    answer = await resolve(jp_fetch, big_dataset)
    assert answer["seen_task"]
    assert (answer["files"], answer["missing"]) == (5000, 5000), answer["error"]
    assert "5000 of 5000 files are missing" in answer["error"]["message"]


async def test_resolving_a_collection_can_be_cancelled(jp_fetch, big_dataset):
    body = {"attachments": [{"instance": "vre", "did": big_dataset, "variable": "big"}]}
    _, answer = await call(jp_fetch, "rucio", "resolve", method="POST", body=body)
    task = answer["attachments"][0]["task"]
    assert task and task["progress"]["unit"] == "files"
    await call(jp_fetch, "tasks", task["id"], method="DELETE")
    assert (await wait_for_task(jp_fetch, task["id"]))["state"] == "cancelled"
    _, answer = await call(jp_fetch, "rucio", "resolve", method="POST", body=body)
    assert answer["attachments"][0]["error"]["error"] == "resolve_cancelled"


async def test_verify_needs_dids(jp_fetch):
    status, payload = await fails(jp_fetch, "rucio", "vre", "verify", method="POST", body={"dids": []})
    assert (status, payload["error"]) == (400, "invalid_body")


# --- the first page: the dataset's rule answers for all its files when it can ---------------------


def generated(stack: dict[str, Any], files: int, *options: str) -> str:
    out = subprocess.run(
        [*stack["rucio"]["generate_dataset"], "--files", str(files), "--json", *options],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return json.loads(out.stdout)["did"]


@pytest.fixture
def per_file_asks(monkeypatch) -> list[int]:
    """How many files each per-file availability question asked about (Rucio's list_replicas)."""
    asked: list[int] = []
    real = Replication.availability

    async def counted(self, dids):
        asked.append(len(dids))
        return await real(self, dids)

    monkeypatch.setattr(Replication, "availability", counted)
    return asked


async def test_a_page_takes_its_states_from_the_datasets_rule_when_that_says_all_or_none(
    jp_fetch, stack, per_file_asks, monkeypatch
):
    from rucio.client import Client
    from rucio.common.config import clean_cached_config

    # No rule on the mounted RSE: only the files can say, one question for the page.
    remote = generated(stack, 30)
    assert set((await page_states(jp_fetch, remote)).values()) == {"not_available"}
    assert per_file_asks == [30]

    # A rule to the mount whose files can never be copied (they have no bytes): it has its locks,
    # none OK, so none of the files is there, said without asking per file.
    monkeypatch.setenv("RUCIO_CONFIG", stack["rucio"]["client_config"])
    clean_cached_config()
    scope, name = remote.split(":")
    Client().add_replication_rule([{"scope": scope, "name": name}], 1, stack["rucio"]["mounted_rse"])
    states = set((await page_states(jp_fetch, remote)).values())
    assert len(states) == 1 and states <= {"replicating", "not_available"}, states
    assert per_file_asks == [30]

    # An OK rule: all there, paths from the RSE's naming rule, each checked on the mount.
    on_mount = generated(stack, 30, "--on-mount")
    assert set((await page_states(jp_fetch, on_mount)).values()) == {"available"}
    assert per_file_asks == [30]


async def test_the_listing_and_the_datasets_state_are_asked_at_the_same_time(jp_fetch, stack, monkeypatch):
    """Each waits until the other has begun: asked one after the other, neither would see it."""
    listing_began, state_began = threading.Event(), threading.Event()
    overlapped: list[str] = []
    real_first, real_state = StreamPages.first, Replication.dataset_state

    def first(self, *args, **kwargs):
        listing_began.set()
        if state_began.wait(10):
            overlapped.append("listing saw the state asked")
        return real_first(self, *args, **kwargs)

    async def dataset_state(self, did):
        state_began.set()
        if await asyncio.to_thread(listing_began.wait, 10):
            overlapped.append("state saw the listing asked")
        return await real_state(self, did)

    monkeypatch.setattr(StreamPages, "first", first)
    monkeypatch.setattr(Replication, "dataset_state", dataset_state)
    on_mount = generated(stack, 5, "--on-mount")
    assert set((await page_states(jp_fetch, on_mount)).values()) == {"available"}
    assert sorted(overlapped) == ["listing saw the state asked", "state saw the listing asked"]
