"""SIGKILL the Jupyter server while each kind of task runs; the next server offers Resume, and it works.

One real `jupyter server` subprocess on the dev stack, its backends behind fault
proxies. Seven tasks are started and each is held at a known point (a request
held at the proxy, a download relayed halfway, a replica that is a FIFO fed half
its bytes), so the kill lands mid-task whatever the machine's speed. The server
is killed with SIGKILL (no clean-up code runs), started again on the same data
directory, and each test then checks one kind: no partial file, the task listed
as interrupted with what to do, and one call to resume it that succeeds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "devstack" / "reana" / "samples" / "helloworld"
TOKEN = uuid.uuid4().hex
TASK_TIMEOUT_S = 180
KINDS = (
    "rucio.make_available",
    "rucio.download",
    "rucio.upload",
    "reana.upload",
    "reana.download",
    "zenodo.upload",
    "zenodo.fetch",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Lab:
    """A `jupyter server` subprocess with the VRE extensions, started and killed at will."""

    def __init__(self, workdir: Path, config: Path, env: dict[str, str]) -> None:
        self.workdir, self.config, self.env = workdir, config, env
        self.root = workdir / "root"
        self.root.mkdir(exist_ok=True)
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.starts = 0

    def start(self) -> None:
        port = free_port()
        self.starts += 1
        self.log = self.workdir / f"server-{self.starts}.log"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jupyter_server",
                f"--config={self.config}",
                "--no-browser",
                f"--port={port}",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.root_dir={self.root}",
                f"--IdentityProvider.token={TOKEN}",
                *(["--allow-root"] if os.geteuid() == 0 else []),
            ],
            cwd=self.workdir,
            env=self.env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180  # a bound on start-up, polled
        while True:
            assert self.process.poll() is None, "jupyter server exited:\n" + self.log.read_text()[-4000:]
            try:
                if httpx.get(f"{self.url}/api/status", headers=self.auth, timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "no answer:\n" + self.log.read_text()[-4000:]
            time.sleep(0.3)

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"token {TOKEN}"}

    def kill(self) -> None:
        """SIGKILL: no shutdown hook, no finally block, no journal update runs."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()

    def call(self, method: str, path: str, body: Any = None, expect: int | None = None) -> Any:
        answer = httpx.request(
            method, f"{self.url}/vre/api/{path}", json=body, headers=self.auth, timeout=120
        )
        if expect is not None:
            assert answer.status_code == expect, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def wait_task(self, task_id: str, until=lambda t: t["state"] not in ("queued", "running")) -> dict:
        deadline = time.monotonic() + TASK_TIMEOUT_S
        while True:
            task = self.call("GET", f"tasks/{task_id}", expect=200)
            if until(task):
                return task
            assert time.monotonic() < deadline, f"task {task_id}: {task}"
            time.sleep(0.2)


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.part")) if folder.exists() else []


@pytest.fixture(scope="module")
def stack(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("iam", "rucio", "reana", "zenodo")


@pytest.fixture(scope="module")
def proxies(stack) -> Iterator[dict[str, Any]]:
    from faultproxy import FaultProxy

    def make(url: str, rewrite: bool = False) -> FaultProxy:
        parsed = urlparse(url)
        return FaultProxy(parsed.hostname or "127.0.0.1", parsed.port or 80, rewrite)

    made = {
        "rucio": make(stack["rucio"]["rucio_host"]),
        "reana": make(stack["reana"]["url"]),
        "zenodo": make(stack["zenodo"]["api_url"], rewrite=True),
    }
    yield made
    for proxy in made.values():
        proxy.close()


@pytest.fixture(scope="module")
def lab(stack, proxies, tmp_path_factory) -> Iterator[Lab]:
    from devstack_jupyter_config import iam_login

    iam, rucio = stack["iam"], stack["rucio"]
    workdir = tmp_path_factory.mktemp("restart")
    base = {"rucio_base_url": proxies["rucio"].url, "auth_type": "oidc"}
    instances = [
        {
            **base,
            "name": "vre",
            "mode": "replica",
            "destination_rse": rucio["mounted_rse"],
            "rse_mount_path": rucio["mount_path"],
            "path_begins_at": rucio["path_begins_at"],
        },
        {**base, "name": "dl", "mode": "download"},
    ]
    exchange = {"rucio": {"audience": rucio["oidc"]["audience"], "scope": rucio["oidc"]["scope"]}}
    config = workdir / "jupyter_server_config.py"
    config.write_text(
        "\n".join(
            [
                f"c.IAMTokens.issuer = {iam['issuer']!r}",
                f"c.IAMTokens.client_id = {iam['client_id']!r}",
                "c.IAMTokens.access_token_env = 'VRE_TEST_UNSET_TOKEN'",
                f"c.IAMTokens.exchange = {exchange!r}",
                f"c.RucioExtension.instances = {instances!r}",
                f"c.ReanaExtension.server_url = {proxies['reana'].url!r}",
                f"c.ZenodoExtension.api_url = {proxies['zenodo'].url + '/api'!r}",
                # Held requests must outlive the set-up: the kill, not a timeout, ends them.
                "c.RucioExtension.call_timeout_seconds = 900",
                "c.ReanaExtension.call_timeout_seconds = 900",
                "c.ReanaExtension.transfer_timeout_seconds = 900",
                "c.ZenodoExtension.timeout_seconds = 900",
                "c.ZenodoExtension.transfer_timeout_seconds = 900",
                "",
            ]
        )
    )
    env = {
        **os.environ,
        # Secrets by environment, never in the config (jupyter_server logs its config at DEBUG).
        "VRE_IAM_CLIENT_SECRET": iam["client_secret"],
        "VRE_IAM_REFRESH_TOKEN": iam_login(iam)["refresh_token"],
        "REANA_ACCESS_TOKEN": stack["reana"]["token"],
        "JUPYTER_DATA_DIR": str(workdir / "data"),
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
        "JUPYTER_CONFIG_DIR": str(workdir / "config"),
    }
    server = Lab(workdir, config, env)
    server.start()
    server.call("PUT", "credentials/zenodo/custom", {"fields": {"token": stack["zenodo"]["token"]}}, 200)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def killed(lab: Lab, stack, proxies, upload_dataset_module) -> Iterator[dict[str, Any]]:
    """Start one task of each kind, hold each mid-way, SIGKILL the server, start it again."""
    root = lab.root
    seen: dict[str, Any] = {}

    # --- set-up that must finish before any fault is set -------------------------------------
    # Rucio download: three files; the last one's replica becomes a FIFO fed half its bytes.
    payloads = {f"part{i}.bin": os.urandom(300_000) for i in range(3)}
    download_did = upload_dataset_module(payloads)
    scope, dataset = download_did.split(":")
    from rucio.client import Client

    client = Client()
    last = f"{dataset}.part2.bin"
    (replica,) = client.list_replicas([{"scope": scope, "name": last}])
    stored = Path(urlparse(next(iter(replica["pfns"]))).path)
    original = stored.read_bytes()
    stored.unlink()
    os.mkfifo(stored)
    seen["rucio.download"] = {
        "did": download_did,
        "stored": stored,
        "original": original,
        "payloads": payloads,
    }

    # Make-available: a fresh dataset on another RSE; its rule is made, then following it is held.
    available_did = upload_dataset_module({"a.bin": os.urandom(50_000)})
    seen["rucio.make_available"] = {"did": available_did}

    # Rucio upload: three workspace files; the second one's "does it exist?" question is held.
    folder = root / f"up-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    names = [f"{folder.name}.f{i}.bin" for i in range(3)]
    for name in names:
        (folder / name).write_bytes(os.urandom(100_000))
    seen["rucio.upload"] = {"folder": folder, "names": names, "scope": scope}

    # REANA: a workflow to upload into, and a finished one whose outputs are downloaded.
    shutil.copytree(SAMPLE, root / "hello")
    created = lab.call("POST", "reana/workflows", {"path": "hello", "name": "restart-up"}, 201)
    run = lab.call("POST", "reana/run", {"path": "hello", "name": "restart-down"}, 202)
    run = lab.wait_task(run["id"])
    assert run["state"] == "succeeded", run
    finished = run["result"]["workflow_id"]
    deadline = time.monotonic() + TASK_TIMEOUT_S
    while (status := lab.call("GET", f"reana/workflows/{finished}", expect=200))["status"] != "finished":
        assert status["status"] not in ("failed", "stopped") and time.monotonic() < deadline, status
        time.sleep(0.3)
    seen["reana.upload"] = {"workflow": created["id"]}
    seen["reana.download"] = {"workflow": finished}

    # Zenodo: a draft to upload three files into, and a published record to fetch.
    metadata = {
        "title": "restart",
        "upload_type": "dataset",
        "description": "d",
        "creators": [{"name": "Doe, Jane"}],
        "license": "cc-by-4.0",
    }
    draft = lab.call("POST", "zenodo/depositions", {"metadata": metadata}, 201)
    zfolder = root / "zup"
    zfolder.mkdir()
    zfiles = {f"z{i}.bin": os.urandom(200_000) for i in range(3)}
    for name, data in zfiles.items():
        (zfolder / name).write_bytes(data)
    seen["zenodo.upload"] = {"draft": draft["id"], "files": zfiles}
    source = lab.call("POST", "zenodo/depositions", {"metadata": metadata}, 201)
    (root / "record.bin").write_bytes(record_data := os.urandom(1 << 20))
    done = lab.wait_task(
        lab.call("POST", f"zenodo/depositions/{source['id']}/upload", {"paths": ["record.bin"]}, 202)["id"]
    )
    assert done["state"] == "succeeded", (done["error"], done["result"])
    lab.call("POST", f"zenodo/depositions/{source['id']}/publish", {}, 200)
    seen["zenodo.fetch"] = {"record": source["id"], "data": record_data}

    # --- the holds ----------------------------------------------------------------------------
    second = names[1]
    proxies["rucio"].set_rules(
        [
            ("wait", r"^GET /rules/[0-9a-f]{32}", {}),  # make-available follows its rule
            ("wait", rf"^GET /dids/{scope}/{second}/meta", {}),  # the upload's second file
        ]
    )
    proxies["reana"].set_rules(
        [
            ("wait", rf"^POST /api/workflows/{created['id']}/workspace", {}),
            ("hold", rf"^GET /api/workflows/{finished}/workspace/", {"after_bytes": 5}),
        ]
    )
    proxies["zenodo"].set_rules(
        [
            ("wait", r"^PUT /\S*files/\S*z1\.bin", {}),  # the second file of the draft
            ("hold", r"^GET /\S*record\.bin", {"after_bytes": 100_000}),  # the record's file, halfway
        ]
    )

    # --- start them all -----------------------------------------------------------------------
    started = {
        "rucio.make_available": lab.call("POST", "rucio/vre/make-available", {"dids": [available_did]}, 202),
        "rucio.download": lab.call("POST", "rucio/dl/download", {"dids": [download_did]}, 202),
        "rucio.upload": lab.call(
            "POST",
            "rucio/vre/upload",
            {"path": folder.name, "rse": stack["rucio"]["upload_rse"], "scope": scope},
            202,
        ),
        "reana.upload": lab.call("POST", f"reana/workflows/{created['id']}/upload", {"path": "hello"}, 202),
        "reana.download": lab.call(
            "POST",
            f"reana/workflows/{finished}/download",
            {"target": "reana-out", "files": ["results/greetings.txt"]},
            202,
        ),
        "zenodo.upload": lab.call(
            "POST", f"zenodo/depositions/{draft['id']}/upload", {"paths": ["zup"]}, 202
        ),
        "zenodo.fetch": lab.call("POST", f"zenodo/records/{source['id']}/fetch", {"folder": "fetched"}, 202),
    }
    for kind, task in started.items():
        assert task["kind"] == kind and task["state"] in ("queued", "running"), task
        seen[kind]["task"] = task["id"]

    # The Rucio download reads the FIFO: feed it half, so the copy sits mid-file.
    fifo = os.open(stored, os.O_WRONLY)  # blocks until the server opens it to read
    os.write(fifo, original[: len(original) // 2])
    # Wait for each hold: 2 at Rucio (rule follow, upload), 2 at REANA, 2 at Zenodo.
    for name in ("rucio", "reana", "zenodo"):
        try:
            proxies[name].wait_held(2, timeout=TASK_TIMEOUT_S)
        except TimeoutError as err:
            states = {k: lab.call("GET", f"tasks/{t['id']}") for k, t in started.items()}
            seen_requests = proxies[name].requests[-15:]
            raise AssertionError(f"{name}: {err}; tasks {states}; requests {seen_requests}") from None
    # Two files verified, the third being copied from the FIFO into its temporary file.
    lab.wait_task(started["rucio.download"]["id"], lambda t: t["progress"]["done"] >= 2 * 300_000)
    deadline = time.monotonic() + 60
    while not temporaries(root / "rucio-downloads"):
        assert time.monotonic() < deadline, "the third file's copy did not start"
        time.sleep(0.1)
    journal = lab.workdir / "data" / "vre" / "tasks.json"
    deadline = time.monotonic() + 30
    while set(json.loads(journal.read_text())["tasks"]) != {t["id"] for t in started.values()}:
        assert time.monotonic() < deadline, journal.read_text()
        time.sleep(0.1)
    seen["journal"] = journal.read_text()
    seen["journal_mode"] = stat.S_IMODE(journal.stat().st_mode)
    seen["temporaries_before"] = {
        "rucio.download": temporaries(root / "rucio-downloads"),
        "reana.download": temporaries(root / "reana-out"),
        "zenodo.fetch": temporaries(root / "fetched"),
    }

    lab.kill()
    os.close(fifo)
    # The backends go back to normal; the storage file is whole again.
    stored.unlink()
    stored.write_bytes(original)
    for proxy in proxies.values():
        proxy.set("pass")
    lab.start()
    seen["listed"] = {t["id"]: t for t in lab.call("GET", "tasks", expect=200)["tasks"]}
    yield seen


@pytest.fixture(scope="module")
def upload_dataset_module(stack, tmp_path_factory) -> Iterator[Any]:
    """The integration fixture `upload_dataset`, for a module-scoped set-up."""
    import logging

    from rucio.client import Client
    from rucio.client.uploadclient import UploadClient
    from rucio.common.config import clean_cached_config

    rucio = stack["rucio"]
    previous = os.environ.get("RUCIO_CONFIG")
    os.environ["RUCIO_CONFIG"] = rucio["client_config"]
    clean_cached_config()
    folder = tmp_path_factory.mktemp("datasets")

    def upload(payloads: dict[str, bytes]) -> str:
        scope, dataset = f"user.{rucio['account']}", f"vre-restart.{uuid.uuid4().hex[:12]}"
        items = []
        for name, data in payloads.items():
            path = folder / f"{dataset}.{name}"
            path.write_bytes(data)
            items.append(
                {
                    "path": str(path),
                    "rse": rucio["upload_rse"],
                    "did_scope": scope,
                    "did_name": path.name,
                    "dataset_scope": scope,
                    "dataset_name": dataset,
                    "register_after_upload": True,
                }
            )
        UploadClient(Client(), logger=logging.getLogger("upload")).upload(items)
        return f"{scope}:{dataset}"

    yield upload
    if previous is None:
        os.environ.pop("RUCIO_CONFIG", None)
    else:
        os.environ["RUCIO_CONFIG"] = previous
    clean_cached_config()


def test_the_journal_held_every_running_task_0600_and_no_credential(killed, stack):
    assert killed["journal_mode"] == 0o600
    entries = json.loads(killed["journal"])["tasks"]
    assert sorted(e["kind"] for e in entries.values()) == sorted(KINDS)
    for secret in (stack["reana"]["token"], stack["zenodo"]["token"], stack["iam"]["client_secret"]):
        assert secret not in killed["journal"]
    assert "eyJ" not in killed["journal"]  # no JWT


def test_the_kill_left_temporary_files_and_the_restart_removed_them(killed, lab):
    # Proof that the kill landed mid-file: each download had its temporary file open...
    for kind, names in killed["temporaries_before"].items():
        assert len(names) == 1, (kind, names)
    # ...and the next server removed them before anything else ran.
    assert temporaries(lab.root / "rucio-downloads") == []
    assert temporaries(lab.root / "reana-out") == []
    assert temporaries(lab.root / "fetched") == []
    assert not (lab.root / "reana-out" / "results" / "greetings.txt").exists()
    assert not (lab.root / "fetched" / "record.bin").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_each_task_is_listed_interrupted_with_what_to_do(killed, kind):
    task = killed["listed"][killed[kind]["task"]]
    assert (task["kind"], task["state"]) == (kind, "interrupted"), task
    assert task["error"]["error"] == "interrupted"
    assert "Resume continues it" in task["error"]["message"], task["error"]


def resume(lab: Lab, killed: dict[str, Any], kind: str) -> dict[str, Any]:
    new = lab.call("POST", f"tasks/{killed[kind]['task']}/resume", expect=200)
    assert new["kind"] == kind and new["id"] != killed[kind]["task"], new
    done = lab.wait_task(new["id"])
    assert done["state"] == "succeeded", (done["error"], done["result"])
    assert killed[kind]["task"] not in {t["id"] for t in lab.call("GET", "tasks", expect=200)["tasks"]}
    return done


def test_make_available_resumes_on_the_same_rucio_rule(killed, lab, stack):
    from rucio.client import Client

    did = killed["rucio.make_available"]["did"]
    rules = [
        r["id"]
        for r in Client().list_did_rules(*did.split(":"))
        if r["rse_expression"] == stack["rucio"]["mounted_rse"]
    ]
    assert len(rules) == 1, rules  # the rule lived on in Rucio while the server was dead
    done = resume(lab, killed, "rucio.make_available")
    assert done["result"]["rules"] == rules  # re-attached, no second rule
    assert done["result"]["files"] == 1


def test_a_rucio_download_resumes_skipping_the_verified_files(killed, lab):
    done = resume(lab, killed, "rucio.download")
    payloads = killed["rucio.download"]["payloads"]
    assert (done["result"]["files"], done["result"]["skipped"]) == (3, 2)
    scope, dataset = killed["rucio.download"]["did"].split(":")
    for name, data in payloads.items():
        assert (lab.root / "rucio-downloads" / scope / f"{dataset}.{name}").read_bytes() == data
    assert temporaries(lab.root / "rucio-downloads") == []


def test_a_rucio_upload_resumes_and_registers_every_file_once(killed, lab, stack):
    from rucio.client import Client

    done = resume(lab, killed, "rucio.upload")
    scope, names = killed["rucio.upload"]["scope"], killed["rucio.upload"]["names"]
    assert sorted(done["result"]["dids"]) == sorted(f"{scope}:{n}" for n in names)
    client = Client()
    for name in names:
        local = (killed["rucio.upload"]["folder"] / name).read_bytes()
        meta = client.get_metadata(scope, name)
        assert meta["bytes"] == len(local), name
        (replica,) = client.list_replicas([{"scope": scope, "name": name}])
        assert list(replica["rses"]) == [stack["rucio"]["upload_rse"]]


def test_a_reana_upload_resumes_into_the_same_workflow(killed, lab):
    resume(lab, killed, "reana.upload")
    workflow = killed["reana.upload"]["workflow"]
    listing = lab.call("GET", f"reana/workflows/{workflow}/files", expect=200)
    names = {f["name"]: f["size_bytes"] for f in listing["items"]}
    for name in ("code/helloworld.py", "data/names.txt"):
        assert names.get(name) == (SAMPLE / name).stat().st_size, names


def test_a_reana_download_resumes_and_writes_the_whole_file(killed, lab):
    resume(lab, killed, "reana.download")
    saved = lab.root / "reana-out" / "results" / "greetings.txt"
    assert saved.read_text().startswith("Hello")
    assert temporaries(lab.root / "reana-out") == []


def test_a_zenodo_upload_resumes_in_the_same_draft_skipping_files_already_there(killed, lab):
    done = resume(lab, killed, "zenodo.upload")
    draft = killed["zenodo.upload"]["draft"]
    assert done["result"]["deposition_id"] == draft
    assert done["result"]["skipped"] == 1  # z0.bin went up before the kill, with the same md5
    files = {f["name"]: f for f in lab.call("GET", f"zenodo/depositions/{draft}", expect=200)["files"]}
    assert sorted(files) == ["z0.bin", "z1.bin", "z2.bin"]
    for name, data in killed["zenodo.upload"]["files"].items():
        assert files[name]["checksum"].endswith(hashlib.md5(data, usedforsecurity=False).hexdigest())


def test_a_zenodo_fetch_resumes_and_writes_the_whole_file(killed, lab):
    resume(lab, killed, "zenodo.fetch")
    assert (lab.root / "fetched" / "record.bin").read_bytes() == killed["zenodo.fetch"]["data"]
    assert temporaries(lab.root / "fetched") == []
