"""A backend is not trusted either: hostile Zenodo and REANA answers are refused with a specific code,
nothing is written outside the folder asked for, and no partial file is left.

The answers come from the dev stack's Zenodo and REANA stand-ins started here with their test switches
(`--hostile` in devstack/zenodo/serve.py, VRE_REANA_HOSTILE=1 in devstack/reana/server.py), on ports
of their own, so the shared dev stack stays as it is.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tornado.httpclient import HTTPClientError

REPO = Path(__file__).resolve().parents[2]
TOKEN = "hostile-test-token"
HOSTILE_NAMES = ("../../x", "/tmp/vre-hostile-absolute", "a" * 300)  # as the REANA stand-in lists them


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def hostile_zenodo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The Zenodo stand-in with its hostile records, in the dev stack's services venv."""
    home = Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack"))
    python = home / "venvs" / "services" / "bin" / "python"
    port = free_port()
    storage = tmp_path_factory.mktemp("hostile-zenodo")
    server = subprocess.Popen(
        [
            *(str(python), str(REPO / "devstack/zenodo/serve.py"), "--port", str(port)),
            *("--storage-dir", str(storage), "--token", TOKEN, "--hostile"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/api/records/990001", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, "the hostile stand-in did not start"
        time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(10)


def wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.TransportError:
            pass
        assert server.poll() is None and time.monotonic() < deadline, f"the stand-in at {url} did not start"
        time.sleep(0.3)


@pytest.fixture(scope="module")
def hostile_reana(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The REANA stand-in listing hostile names in every workspace; its own home, so the dev stack's
    services/reana.json is not overwritten."""
    home = Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack"))
    python = home / "venvs" / "services" / "bin" / "python"
    port = free_port()
    own_home = tmp_path_factory.mktemp("hostile-reana")
    env = {
        "PATH": os.environ["PATH"],
        "VRE_DEVSTACK_HOME": str(own_home),
        "VRE_REANA_PORT": str(port),
        "VRE_REANA_TOKEN": TOKEN,
        "VRE_REANA_HOSTILE": "1",
    }
    server = subprocess.Popen(
        [str(python), str(REPO / "devstack/reana/server.py")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_until_up(f"{url}/api/info?access_token={TOKEN}", server)
    yield url
    server.terminate()
    server.wait(10)


@pytest.fixture
def jp_server_config(
    jp_server_config, hostile_zenodo, hostile_reana, tmp_path, devstack_up, iam_tokens_config
):
    rucio = devstack_up("iam", "rucio")["rucio"]
    return {
        **jp_server_config,
        "VRECommon": {"credentials_path": str(tmp_path / "credentials.json")},
        "IAMTokens": iam_tokens_config,
        "RucioExtension": {
            "instances": [
                {"name": "dl", "rucio_base_url": rucio["rucio_host"], "auth_type": "oidc", "mode": "download"}
            ],
            "call_timeout_seconds": 30,
        },
        "ReanaExtension": {"server_url": hostile_reana, "call_timeout_seconds": 10},
        "ZenodoExtension": {
            "api_url": f"{hostile_zenodo}/api",
            "timeout_seconds": 2,
            "transfer_timeout_seconds": 30,
        },
    }


def every_file(top: Path) -> set[str]:
    return {str(p.relative_to(top)) for p in top.rglob("*")}


async def fetch_error(jp_fetch, record_id: int) -> tuple[int, dict[str, Any]]:
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "vre",
            "api",
            "zenodo",
            "records",
            str(record_id),
            "fetch",
            method="POST",
            body=json.dumps({"folder": "data/in"}),
        )
    return err.value.code, json.loads(err.value.response.body)


@pytest.mark.parametrize(
    ("record_id", "status", "code"),
    [
        (990001, 502, "zenodo_unsafe_file_name"),  # ../../x
        (990002, 502, "zenodo_unsafe_file_name"),  # /tmp/vre-hostile-absolute
        (990003, 502, "zenodo_unsafe_file_name"),  # 300 characters
        (990004, 502, "zenodo_malformed"),  # not JSON
        (990006, 504, "backend_timeout"),  # slower than the client's timeout
        (990007, 502, "zenodo_too_many_files"),  # more files than a record may hold
    ],
)
async def test_a_hostile_record_is_refused_before_any_file_is_written(
    jp_fetch, jp_root_dir, tmp_path, record_id, status, code
):
    before = every_file(tmp_path)
    started = time.monotonic()
    got_status, answer = await fetch_error(jp_fetch, record_id)
    assert (got_status, answer["error"], answer["backend"]) == (status, code, "Zenodo"), answer
    assert TOKEN not in json.dumps(answer)
    assert time.monotonic() - started < 20, "a slow backend is cut off by the timeout"
    assert every_file(tmp_path) == before, "nothing written anywhere, inside the root or out"
    assert not Path("/tmp/vre-hostile-absolute").exists()


async def test_a_file_longer_than_the_record_lists_is_cut_off_and_not_saved(jp_fetch, jp_root_dir, tmp_path):
    """The record lists 16 bytes; the stand-in streams 64 MB: the task fails with a code, no file remains."""
    answer = await jp_fetch(
        "vre",
        "api",
        "zenodo",
        "records",
        "990005",
        "fetch",
        method="POST",
        body=json.dumps({"folder": "data/in"}),
    )
    task_id = json.loads(answer.body)["id"]
    deadline = time.monotonic() + 60
    while True:
        task = json.loads((await jp_fetch("vre", "api", "tasks", task_id)).body)
        if task["state"] not in ("queued", "running"):
            break
        assert time.monotonic() < deadline
        await asyncio.sleep(0.2)
    assert task["state"] == "failed", task
    assert task["error"]["error"] == "zenodo_size_mismatch", task["error"]
    assert task["progress"]["done"] <= 16
    folder = jp_root_dir / "data" / "in"
    assert not folder.exists() or list(folder.iterdir()) == [], "neither the file nor a .part is left"
    assert {p for p in every_file(tmp_path) if p.endswith(".part")} == set()


async def hostile_workflow(jp_fetch, jp_root_dir) -> str:
    body = json.dumps({"fields": {"token": TOKEN}})
    await jp_fetch("vre", "api", "credentials", "reana", "default", method="PUT", body=body)
    (jp_root_dir / "wf").mkdir()
    (jp_root_dir / "wf" / "reana.yaml").write_text(
        "version: 0.9.0\nworkflow:\n  type: serial\n  specification:\n    steps:\n"
        "      - environment: 'docker.io/library/python:3.12'\n        commands: [echo hi]\n"
    )
    made = await jp_fetch(
        "vre", "api", "reana", "workflows", method="POST", body=json.dumps({"path": "wf", "name": "hostile"})
    )
    return json.loads(made.body)["id"]


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=["dotdot", "absolute", "long"])
async def test_a_hostile_reana_workspace_name_is_refused_before_any_file_is_written(
    jp_fetch, jp_root_dir, tmp_path, name
):
    workflow = await hostile_workflow(jp_fetch, jp_root_dir)
    listing = json.loads((await jp_fetch("vre", "api", "reana", "workflows", workflow, "files")).body)
    assert name in [item["name"] for item in listing["items"]], "the stand-in lists the hostile name"
    before = every_file(tmp_path)
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "vre",
            "api",
            "reana",
            "workflows",
            workflow,
            "download",
            method="POST",
            body=json.dumps({"target": "out", "files": [name]}),
        )
    answer = json.loads(err.value.response.body)
    assert (err.value.code, answer["error"], answer["backend"]) == (502, "reana_unsafe_file_name", "REANA")
    assert every_file(tmp_path) == before
    assert not Path("/tmp/vre-hostile-absolute").exists()


def rucio_file(stack: dict[str, Any], tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A file registered in the dev stack's real Rucio under `name` (Rucio's schema here allows '/')."""
    import logging

    from rucio.client import Client
    from rucio.client.uploadclient import UploadClient
    from rucio.common.config import clean_cached_config

    monkeypatch.setenv("RUCIO_CONFIG", stack["client_config"])
    clean_cached_config()
    local = tmp_path / f"payload-{uuid.uuid4().hex[:8]}"
    local.write_bytes(b"hostile name\n")
    scope = f"user.{stack['account']}"
    item = {"path": str(local), "rse": stack["upload_rse"], "did_scope": scope, "did_name": name}
    UploadClient(Client(), logger=logging.getLogger("upload")).upload(
        [{**item, "register_after_upload": True}]
    )
    return f"{scope}:{name}"


async def download_task(jp_fetch, did: str) -> dict[str, Any]:
    answer = await jp_fetch(
        "vre", "api", "rucio", "dl", "download", method="POST", body=json.dumps({"dids": [did]})
    )
    task_id = json.loads(answer.body)["id"]
    deadline = time.monotonic() + 120
    while True:
        task = json.loads((await jp_fetch("vre", "api", "tasks", task_id)).body)
        if task["state"] not in ("queued", "running"):
            return task
        assert time.monotonic() < deadline, task
        await asyncio.sleep(0.3)


async def test_a_rucio_name_that_leads_outside_the_download_folder_is_refused(
    jp_fetch, jp_root_dir, tmp_path, devstack_up, monkeypatch
):
    stack = devstack_up("iam", "rucio")["rucio"]
    escape = f"escape-{uuid.uuid4().hex[:8]}"
    did = rucio_file(stack, tmp_path / "..", f"x/../../../{escape}", monkeypatch)
    before = every_file(tmp_path)
    task = await download_task(jp_fetch, did)
    assert (task["state"], task["error"]["error"]) == ("failed", "rucio_unsafe_name"), task
    assert every_file(tmp_path) - before <= {"data/vre", "data/vre/tasks.json"}  # only the task journal
    assert not list(tmp_path.parent.parent.rglob(escape))


async def test_a_rucio_name_that_looks_absolute_stays_in_the_download_folder(
    jp_fetch, jp_root_dir, tmp_path, devstack_up, monkeypatch
):
    stack = devstack_up("iam", "rucio")["rucio"]
    leaf = f"abs-{uuid.uuid4().hex[:8]}"
    did = rucio_file(stack, tmp_path / "..", f"/tmp/{leaf}", monkeypatch)
    task = await download_task(jp_fetch, did)
    assert task["state"] == "succeeded", task
    (saved,) = [p for p in jp_root_dir.rglob(leaf)]
    assert saved.read_bytes() == b"hostile name\n"
    assert not Path(f"/tmp/{leaf}").exists()
