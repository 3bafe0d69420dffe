"""REANA and Zenodo failing behind a fault proxy (500, 429, hanging past the timeout, a connection cut
mid-download), and the IAM issuer down at refresh time: a clear API error naming the backend, nothing
lost or half-written, and the same action works once the backend is back."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from vre_api import call, fails, wait_for_task

pytestmark = pytest.mark.usefixtures("fault_case")

SAMPLE = Path(__file__).resolve().parents[2] / "devstack" / "reana" / "samples" / "helloworld"
TIMEOUT_S = 3


@pytest.fixture(scope="module")
def stack(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("iam", "rucio", "reana", "zenodo")


@pytest.fixture
def reana_proxy(fault_proxy, stack):
    return fault_proxy(stack["reana"]["url"])


@pytest.fixture
def zenodo_proxy(fault_proxy, stack):
    return fault_proxy(stack["zenodo"]["api_url"], rewrite_links=True)


@pytest.fixture
def iam_proxy(fault_proxy, stack):
    return fault_proxy(stack["iam"]["issuer"], rewrite_links=True)


@pytest.fixture
def jp_server_config(jp_server_config, stack, tmp_path, reana_proxy, zenodo_proxy, iam_proxy, monkeypatch):
    from devstack_jupyter_config import iam_login

    iam, rucio = stack["iam"], stack["rucio"]
    monkeypatch.setenv("VRE_IAM_REFRESH_TOKEN", iam_login(iam)["refresh_token"])
    monkeypatch.setenv("VRE_IAM_CLIENT_SECRET", iam["client_secret"])
    return {
        **jp_server_config,
        "VRECommon": {"credentials_path": str(tmp_path / "credentials.json")},
        "IAMTokens": {
            "issuer": iam_proxy.url,
            "client_id": iam["client_id"],
            "access_token_env": "VRE_TEST_UNSET_TOKEN",
            "timeout_seconds": TIMEOUT_S,
            "exchange": {"rucio": {"audience": rucio["oidc"]["audience"], "scope": rucio["oidc"]["scope"]}},
        },
        "RucioExtension": {
            "instances": [{"name": "vre", "rucio_base_url": rucio["rucio_host"], "mode": "download"}]
        },
        "ReanaExtension": {
            "server_url": reana_proxy.url,
            "call_timeout_seconds": TIMEOUT_S,
            "transfer_timeout_seconds": TIMEOUT_S,
        },
        "ZenodoExtension": {
            "api_url": f"{zenodo_proxy.url}/api",
            "timeout_seconds": TIMEOUT_S,
            "transfer_timeout_seconds": TIMEOUT_S,
        },
    }


async def sign_in(jp_fetch, service: str, instance: str, token: str) -> None:
    body = json.dumps({"fields": {"token": token}})
    await jp_fetch("vre", "api", "credentials", service, instance, method="PUT", body=body)


def assert_names(error: dict[str, Any], backend: str) -> None:
    """An API error names the backend in `backend` and its message; a task's error (code and message
    only, by the shared task model) in its message."""
    assert error.get("backend", backend) == backend, error
    assert error["message"].startswith(f"{backend}:"), error


@pytest.mark.parametrize("status", [500, 503])
async def test_reana_answering_5xx_is_a_502_naming_reana(jp_fetch, stack, reana_proxy, status):
    await sign_in(jp_fetch, "reana", "default", stack["reana"]["token"])
    reana_proxy.set("status", status=status)
    code, error = await fails(jp_fetch, "reana", "workflows")
    assert code == 502
    assert_names(error, "REANA")
    reana_proxy.up()
    code, listed = await call(jp_fetch, "reana", "workflows")
    assert code == 200 and "items" in listed


async def test_reana_hanging_past_the_timeout_is_a_504(jp_fetch, stack, reana_proxy):
    await sign_in(jp_fetch, "reana", "default", stack["reana"]["token"])
    reana_proxy.set("hang")
    code, error = await fails(jp_fetch, "reana", "workflows")
    assert (code, error["error"]) == (504, "backend_timeout")
    assert_names(error, "REANA")
    reana_proxy.up()
    code, _ = await call(jp_fetch, "reana", "workflows")
    assert code == 200


async def test_reana_cut_during_an_output_download_leaves_nothing(jp_fetch, stack, reana_proxy, jp_root_dir):
    await sign_in(jp_fetch, "reana", "default", stack["reana"]["token"])
    shutil.copytree(SAMPLE, jp_root_dir / "hello")
    body = {"path": "hello", "name": f"cut-{uuid.uuid4().hex[:8]}"}
    _, started = await call(jp_fetch, "reana", "run", method="POST", body=body)
    task = await wait_for_task(jp_fetch, started["id"])
    assert task["state"] == "succeeded", task["error"]
    workflow = task["result"]["workflow_id"]
    for _ in range(600):
        _, status = await call(jp_fetch, "reana", "workflows", workflow)
        if status["status"] in ("finished", "failed", "stopped"):
            break
        await asyncio.sleep(0.2)
    assert status["status"] == "finished"

    # The first bytes of the file arrive, then the connection drops.
    reana_proxy.set("drop", match=r"GET /api/workflows/.*/workspace/", after_bytes=5)
    download = {"target": "out", "files": ["results/greetings.txt"]}
    _, started = await call(
        jp_fetch, "reana", "workflows", workflow, "download", method="POST", body=download
    )
    failed = await wait_for_task(jp_fetch, started["id"])
    assert failed["state"] == "failed"
    assert_names(failed["error"], "REANA")
    out = jp_root_dir / "out"
    assert not out.exists() or [p for p in out.rglob("*") if p.is_file()] == []

    reana_proxy.up()
    _, started = await call(
        jp_fetch, "reana", "workflows", workflow, "download", method="POST", body=download
    )
    done = await wait_for_task(jp_fetch, started["id"])
    assert done["state"] == "succeeded", done["error"]
    assert (out / "results" / "greetings.txt").read_text().startswith("Hello")


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_zenodo_answering_429_or_5xx_is_clear(jp_fetch, stack, zenodo_proxy, status):
    await sign_in(jp_fetch, "zenodo", "custom", stack["zenodo"]["token"])
    zenodo_proxy.set("status", status=status)
    code, error = await fails(jp_fetch, "zenodo", "depositions")
    assert code == 502, (code, error)
    assert error["error"] == ("zenodo_rate_limited" if status == 429 else "backend_error"), error
    assert_names(error, "Zenodo")
    assert "Traceback" not in error["message"] and stack["zenodo"]["token"] not in json.dumps(error)
    zenodo_proxy.up()
    code, _ = await call(jp_fetch, "zenodo", "depositions")
    assert code == 200


async def test_zenodo_timing_out_during_an_upload_loses_nothing(jp_fetch, stack, zenodo_proxy, jp_root_dir):
    await sign_in(jp_fetch, "zenodo", "custom", stack["zenodo"]["token"])
    metadata = {
        "title": "fault",
        "upload_type": "dataset",
        "description": "d",
        "creators": [{"name": "Doe, J"}],
    }
    _, deposition = await call(jp_fetch, "zenodo", "depositions", method="POST", body={"metadata": metadata})
    data = os.urandom(2 << 20)
    (jp_root_dir / "result.bin").write_bytes(data)

    zenodo_proxy.set("hang", match=r"PUT /api/files/")
    body = {"paths": ["result.bin"]}
    _, started = await call(
        jp_fetch, "zenodo", "depositions", str(deposition["id"]), "upload", method="POST", body=body
    )
    await zenodo_proxy.until_held()
    failed = await wait_for_task(jp_fetch, started["id"])
    assert failed["state"] == "failed"
    assert failed["error"]["error"] == "backend_timeout", failed["error"]
    assert_names(failed["error"], "Zenodo")
    assert (jp_root_dir / "result.bin").read_bytes() == data  # the local file is untouched
    _, now = await call(jp_fetch, "zenodo", "depositions", str(deposition["id"]))
    assert [f["name"] for f in now["files"]] == []  # no half file in the draft

    zenodo_proxy.up()
    _, started = await call(
        jp_fetch, "zenodo", "depositions", str(deposition["id"]), "upload", method="POST", body=body
    )
    done = await wait_for_task(jp_fetch, started["id"])
    assert done["state"] == "succeeded", done["error"]
    _, now = await call(jp_fetch, "zenodo", "depositions", str(deposition["id"]))
    (stored,) = now["files"]
    assert stored["name"] == "result.bin" and stored["checksum"].endswith(
        hashlib.md5(data, usedforsecurity=False).hexdigest()
    )


async def test_iam_issuer_down_at_refresh_time(jp_fetch, iam_proxy):
    iam_proxy.down()
    code, error = await fails(jp_fetch, "rucio", "vre", "account")
    assert code in (502, 504), error
    assert_names(error, "IAM")
    iam_proxy.up()
    code, account = await call(jp_fetch, "rucio", "vre", "account")
    assert code == 200 and account
    assert any("/token" in r for r in iam_proxy.requests), "the refresh went through the issuer's proxy"


@pytest.fixture
def small_disk(jp_root_dir: Path):
    """A workspace folder on a 1 MiB tmpfs (the tests run as root), unmounted afterwards."""
    folder = jp_root_dir / "reuse"
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "vre-test-full", str(folder)], check=True)
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


async def test_disk_full_during_a_zenodo_fetch_fails_cleanly(jp_fetch, stack, jp_root_dir, small_disk):
    await sign_in(jp_fetch, "zenodo", "custom", stack["zenodo"]["token"])
    metadata = {
        "title": "disk full",
        "upload_type": "dataset",
        "description": "d",
        "creators": [{"name": "Doe, Jane"}],
        "license": "cc-by-4.0",
    }
    _, deposition = await call(jp_fetch, "zenodo", "depositions", method="POST", body={"metadata": metadata})
    data = os.urandom(3 << 20)
    (jp_root_dir / "big.bin").write_bytes(data)
    ident = str(deposition["id"])
    _, started = await call(
        jp_fetch, "zenodo", "depositions", ident, "upload", method="POST", body={"paths": ["big.bin"]}
    )
    assert (await wait_for_task(jp_fetch, started["id"]))["state"] == "succeeded"
    await call(jp_fetch, "zenodo", "depositions", ident, "publish", method="POST", body={})

    body = {"folder": "reuse"}
    _, started = await call(jp_fetch, "zenodo", "records", ident, "fetch", method="POST", body=body)
    failed = await wait_for_task(jp_fetch, started["id"])
    assert failed["state"] == "failed"
    assert failed["error"]["error"] == "disk_full", failed["error"]
    assert list(small_disk.iterdir()) == []  # no partial file

    body = {"folder": "elsewhere"}
    _, started = await call(jp_fetch, "zenodo", "records", ident, "fetch", method="POST", body=body)
    done = await wait_for_task(jp_fetch, started["id"])
    assert done["state"] == "succeeded", done["error"]
    assert (jp_root_dir / "elsewhere" / "big.bin").read_bytes() == data
