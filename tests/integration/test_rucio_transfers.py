"""Download mode and uploads through /vre/api/rucio, on the dev stack's real Rucio and storage."""

from __future__ import annotations

import hashlib
import os
import threading
import uuid
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from devstack_jupyter_config import on_mounted_rse
from vre_api import call, fails, resolve, wait_for_task

import rucio_ext.downloads
import rucio_ext.uploads


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
                {**base, "name": "dl", "mode": "download"},
                {**base, "name": "vre", **on_mounted_rse(rucio)},
            ]
        },
    }


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


async def download(jp_fetch, *dids: str) -> dict[str, Any]:
    code, task = await call(jp_fetch, "rucio", "dl", "download", method="POST", body={"dids": list(dids)})
    assert (code, task["kind"], task["progress"]["unit"]) == (202, "rucio.download", "bytes")
    return task


async def test_download_a_dataset_with_checksums_then_resolve_and_skip_it(
    jp_fetch, jp_root_dir, upload_dataset
):
    payloads = {"events.root": os.urandom(5 << 20), "summary.csv": b"run,n\n1,7\n"}
    did = upload_dataset(payloads)
    scope, dataset = did.split(":")

    done = await wait_for_task(jp_fetch, (await download(jp_fetch, did))["id"])
    assert done["state"] == "succeeded", done["error"]
    total = sum(len(b) for b in payloads.values())
    assert (done["progress"]["done"], done["progress"]["total"]) == (total, total)
    assert (done["result"]["files"], done["result"]["skipped"]) == (2, 0)
    folder = jp_root_dir / "rucio-downloads"
    assert files_under(folder) == sorted(f"{scope}/{dataset}.{n}" for n in payloads)
    for short, data in payloads.items():
        assert (folder / scope / f"{dataset}.{short}").read_bytes() == data
    assert sorted(done["result"]["paths"]) == sorted(
        f"rucio-downloads/{scope}/{dataset}.{n}" for n in payloads
    )

    # The files count as available, and attachments resolve to them.
    _, states = await call(jp_fetch, "rucio", "dl", "availability", did=f"{scope}:{dataset}.summary.csv")
    assert states["files"][0]["state"] == "available"
    attachment = await resolve(jp_fetch, did, instance="dl")
    assert (attachment["files"], attachment["missing"]) == (2, 0), attachment
    listed = Path(attachment["paths_file"]).read_text(encoding="utf-8").splitlines()
    assert sorted(listed) == sorted(str(folder / scope / f"{dataset}.{n}") for n in payloads)

    # A second download finds the verified files there and copies nothing.
    again = await wait_for_task(jp_fetch, (await download(jp_fetch, did))["id"])
    assert (again["state"], again["result"]["skipped"]) == ("succeeded", 2)


def replica_path(did: str) -> Path:
    """The stored file behind a file DID's (only) replica, on the dev stack's posix storage."""
    from rucio.client import Client

    scope, name = did.split(":")
    (replica,) = Client().list_replicas([{"scope": scope, "name": name}])
    return Path(urlparse(next(iter(replica["pfns"]))).path)


async def test_a_replica_that_fails_its_checksum_leaves_nothing(jp_fetch, jp_root_dir, upload_dataset):
    data = os.urandom(100_000)
    did = upload_dataset({"bad.root": data})
    scope, dataset = did.split(":")
    stored = replica_path(f"{scope}:{dataset}.bad.root")
    stored.write_bytes(bytes(b ^ 0xFF for b in data[:10]) + data[10:])  # same size, other bytes
    assert zlib.adler32(stored.read_bytes()) != zlib.adler32(data)

    failed = await wait_for_task(jp_fetch, (await download(jp_fetch, did))["id"])
    assert failed["state"] == "failed"
    assert failed["error"]["error"] == "backend_error"
    assert "could not be downloaded" in failed["error"]["message"]
    assert "adler32" in failed["error"]["message"]
    assert files_under(jp_root_dir / "rucio-downloads") == []  # no partial or wrong file


async def test_cancel_mid_file_leaves_no_partial_file(jp_fetch, jp_root_dir, upload_dataset, monkeypatch):
    did = upload_dataset({"big.root": os.urandom(3 * rucio_ext.downloads.CHUNK)})
    # Hold the copy after its first chunk, so the cancel lands mid-file whatever the disk speed.
    release = threading.Event()
    real_read = rucio_ext.downloads.read_pfn

    def held_read(pfn: str, timeout: float):
        for index, chunk in enumerate(real_read(pfn, timeout)):
            if index == 1:
                release.wait(30)
            yield chunk

    monkeypatch.setattr(rucio_ext.downloads, "read_pfn", held_read)
    task = await download(jp_fetch, did)
    await wait_for_task(jp_fetch, task["id"], until=lambda t: t["progress"]["done"] > 0)
    folder = jp_root_dir / "rucio-downloads"
    assert any(name.endswith(".part") for name in files_under(folder)), "the copy is under way"

    await call(jp_fetch, "tasks", task["id"], method="DELETE")
    release.set()
    final = await wait_for_task(jp_fetch, task["id"])
    assert final["state"] == "cancelled"
    assert files_under(folder) == []


async def test_upload_a_workspace_folder_into_a_new_dataset(jp_fetch, jp_root_dir, stack):
    folder = jp_root_dir / "analysis" / "outputs"
    folder.mkdir(parents=True)
    tag = uuid.uuid4().hex[:10]
    payloads = {f"hist-{tag}.root": os.urandom(300_000), f"fit-{tag}.json": b'{"chi2": 1.02}'}
    for name, data in payloads.items():
        (folder / name).write_bytes(data)
    (folder / ".ipynb_checkpoints").mkdir()
    (folder / ".ipynb_checkpoints" / "skip-me.json").write_text("{}")
    scope = f"user.{stack['rucio']['account']}"
    dataset = f"{scope}:vre-upload.{tag}"

    body = {"path": "analysis/outputs", "rse": stack["rucio"]["upload_rse"], "scope": scope}
    code, task = await call(
        jp_fetch,
        "rucio",
        "vre",
        "upload",
        method="POST",
        body={**body, "dataset": dataset, "lifetime_days": 2},
    )
    assert (code, task["kind"], task["progress"]["unit"]) == (202, "rucio.upload", "bytes")
    done = await wait_for_task(jp_fetch, task["id"])
    assert done["state"] == "succeeded", done["error"]
    total = sum(len(b) for b in payloads.values())
    assert (done["progress"]["done"], done["result"]["files"], done["result"]["dataset"]) == (
        total,
        2,
        dataset,
    )

    # Found by search; the dataset holds both files with Rucio's checksums of our bytes.
    _, found = await call(jp_fetch, "rucio", "vre", "dids", "search", query=f"{scope}:vre-upload.{tag}*")
    assert [f"{d['scope']}:{d['name']}" for d in found["items"]] == [dataset]
    _, content = await call(jp_fetch, "rucio", "vre", "dids", "content", did=dataset)
    listed = {d["name"]: d for d in content["items"]}
    assert set(listed) == set(payloads)
    for name, data in payloads.items():
        assert (listed[name]["bytes"], listed[name]["adler32"]) == (len(data), f"{zlib.adler32(data):08x}")
    _, rules = await call(jp_fetch, "rucio", "vre", "dids", "rules", did=dataset)
    assert [r["expires_at"] is not None for r in rules["rules"]] == [True]

    # Adding more files to the now existing dataset works without a lifetime, and is refused with one.
    (jp_root_dir / f"more-{tag}.txt").write_text("more")
    more = {**body, "path": f"more-{tag}.txt", "dataset": dataset}
    status, refused = await fails(
        jp_fetch, "rucio", "vre", "upload", method="POST", body={**more, "lifetime_days": 1}
    )
    assert (status, refused["error"]) == (409, "dataset_exists")
    _, task = await call(jp_fetch, "rucio", "vre", "upload", method="POST", body=more)
    assert (await wait_for_task(jp_fetch, task["id"]))["state"] == "succeeded"
    _, details = await call(jp_fetch, "rucio", "vre", "dids", "details", did=dataset)
    assert details["did"]["length"] == 3

    # The same name again, with other bytes, is a clear failure.
    (jp_root_dir / f"more-{tag}.txt").write_text("changed")
    _, task = await call(
        jp_fetch, "rucio", "vre", "upload", method="POST", body={**body, "path": f"more-{tag}.txt"}
    )
    failed = await wait_for_task(jp_fetch, task["id"])
    assert (failed["state"], failed["error"]["error"]) == ("failed", "rucio_already_exists"), failed["error"]


@pytest.mark.parametrize(
    ("instance", "body", "status", "code"),
    [
        ("vre", {"path": "../outside.txt"}, 400, "invalid_path"),
        ("vre", {"path": "/etc/passwd"}, 400, "invalid_path"),
        ("vre", {"path": "no-such-file.txt"}, 404, "path_not_found"),
        ("vre", {"path": "data.txt", "scope": "user.somebody-else"}, 403, "scope_not_allowed"),
        ("vre", {"path": "data.txt", "rse": "NO-SUCH-RSE"}, 404, "rucio_not_found"),
        ("vre", {"path": "data.txt", "scope": "bad scope!"}, 400, "invalid_scope"),
        ("vre", {"path": "data.txt", "dataset": "no-colon"}, 400, "invalid_did"),
        ("vre", {"path": "data.txt", "lifetime_days": 0}, 400, "invalid_body"),
        ("vre", {"path": "bad name.txt"}, 400, "invalid_file_name"),
        ("nope", {"path": "data.txt"}, 404, "unknown_instance"),
    ],
)
async def test_bad_uploads_are_refused_before_any_byte_moves(
    jp_fetch, jp_root_dir, stack, instance, body, status, code
):
    (jp_root_dir / "data.txt").write_text("x")
    (jp_root_dir / "bad name.txt").write_text("x")
    base = {"rse": stack["rucio"]["upload_rse"], "scope": f"user.{stack['rucio']['account']}"}
    got, error = await fails(jp_fetch, "rucio", instance, "upload", method="POST", body={**base, **body})
    assert (got, error["error"]) == (status, code), error
    assert error["message"]


async def test_download_is_for_download_mode_and_takes_dids(jp_fetch):
    status, error = await fails(
        jp_fetch, "rucio", "vre", "download", method="POST", body={"dids": ["user.jdoe:x"]}
    )
    assert (status, error["error"]) == (400, "not_download_mode")
    status, error = await fails(jp_fetch, "rucio", "dl", "download", method="POST", body={"dids": ["x"]})
    assert (status, error["error"]) == (400, "invalid_did")
    failed = await wait_for_task(jp_fetch, (await download(jp_fetch, "user.jdoe:no-such-file"))["id"])
    assert (failed["state"], failed["error"]["error"]) == ("failed", "rucio_not_found")


@pytest.fixture
def rucio_client(stack, monkeypatch):
    """The user's rucio-clients Client, to look at what an upload registered."""
    from rucio.client import Client
    from rucio.common.config import clean_cached_config

    monkeypatch.setenv("RUCIO_CONFIG", stack["rucio"]["client_config"])
    clean_cached_config()
    return Client()


def hold_copy_after_first_chunk(monkeypatch) -> threading.Event:
    """Hold every upload copy after its first chunk until the returned event is set."""
    release = threading.Event()
    real_copy = rucio_ext.uploads.copy_with_checksums

    def held_copy(source, target, stop, on_bytes):
        def held(done: int) -> None:
            on_bytes(done)
            if done == rucio_ext.uploads.CHUNK:
                release.wait(60)

        return real_copy(source, target, stop, held)

    monkeypatch.setattr(rucio_ext.uploads, "copy_with_checksums", held_copy)
    return release


async def test_an_upload_registers_size_adler32_and_md5_and_reports_bytes_within_the_file(
    jp_fetch, jp_root_dir, stack, monkeypatch, rucio_client
):
    tag = uuid.uuid4().hex[:10]
    data = os.urandom(3 * rucio_ext.uploads.CHUNK + 4321)
    (jp_root_dir / f"big-{tag}.bin").write_bytes(data)
    scope = f"user.{stack['rucio']['account']}"
    release = hold_copy_after_first_chunk(monkeypatch)
    body = {"path": f"big-{tag}.bin", "rse": stack["rucio"]["upload_rse"], "scope": scope}
    _, task = await call(jp_fetch, "rucio", "vre", "upload", method="POST", body=body)

    # Progress moves within the one file, before it is whole.
    held = await wait_for_task(jp_fetch, task["id"], until=lambda t: t["progress"]["done"] > 0)
    assert (held["state"], held["progress"]["done"], held["progress"]["total"]) == (
        "running",
        rucio_ext.uploads.CHUNK,
        len(data),
    )
    release.set()
    done = await wait_for_task(jp_fetch, task["id"])
    assert done["state"] == "succeeded", done["error"]

    did = f"{scope}:big-{tag}.bin"
    meta = rucio_client.get_metadata(scope, f"big-{tag}.bin")
    assert (meta["bytes"], meta["adler32"], meta["md5"]) == (
        len(data),
        f"{zlib.adler32(data):08x}",
        hashlib.md5(data).hexdigest(),  # noqa: S324
    )
    stored = replica_path(did)
    assert stored.read_bytes() == data
    assert [p.name for p in stored.parent.iterdir() if p.name.endswith(".part")] == []
    # A file uploaded on its own has its own rule on the RSE, as `rucio upload` makes it.
    (rule,) = rucio_client.list_did_rules(scope, f"big-{tag}.bin")
    assert rule["rse_expression"] == stack["rucio"]["upload_rse"]


async def test_cancel_mid_file_registers_nothing_and_leaves_no_temporary_on_the_rse(
    jp_fetch, jp_root_dir, stack, monkeypatch, rucio_client
):
    from rucio.common.exception import DataIdentifierNotFound

    tag = uuid.uuid4().hex[:10]
    name = f"cancelled-{tag}.bin"
    (jp_root_dir / name).write_bytes(os.urandom(3 * rucio_ext.uploads.CHUNK))
    scope = f"user.{stack['rucio']['account']}"
    release = hold_copy_after_first_chunk(monkeypatch)
    body = {"path": name, "rse": stack["rucio"]["upload_rse"], "scope": scope}
    _, task = await call(jp_fetch, "rucio", "vre", "upload", method="POST", body=body)
    await wait_for_task(jp_fetch, task["id"], until=lambda t: t["progress"]["done"] > 0)
    folder = Path(stack["rucio"]["rse_storage"][stack["rucio"]["upload_rse"]]) / scope.replace(".", "/")
    assert [p.name for p in folder.iterdir() if p.name.startswith(f".{name}.")], "mid-copy on the RSE"

    await call(jp_fetch, "tasks", task["id"], method="DELETE")
    release.set()
    final = await wait_for_task(jp_fetch, task["id"])
    assert final["state"] == "cancelled"
    with pytest.raises(DataIdentifierNotFound):
        rucio_client.get_metadata(scope, name)
    assert [p.name for p in folder.iterdir() if name in p.name] == []
