"""One task of each kind held mid-way on the dev stack, for the kill, cancel and resume tests.

A `Lab` is a real Jupyter server subprocess with the VRE extensions, started and SIGKILLed at
will. A `Scene` prepares the backend side of each task kind (Rucio datasets, a REANA workflow,
a Zenodo draft and record), starts the tasks through the REST API and holds each at a known
point: a request held at a fault proxy, a download relayed halfway, or a Rucio replica that is a
FIFO fed half its bytes. So a kill or a cancel lands mid-task whatever the machine's speed.
`verify_cancelled` and `verify_resumed` say, per kind, what cancel and resume must leave behind.

Used by tests/hardening (test_restart.py, test_cancel.py, through conftest.py) and by the UI tests'
task lab (ui-tests/task_lab.py), which clicks Cancel and Resume in Chromium on the same scene.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
from devstack_jupyter_config import iam_login, on_mounted_rse

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "devstack" / "reana" / "samples" / "helloworld"
TASK_TIMEOUT_S = 180
# Every task kind, in the order the scene starts them.
KINDS = (
    "rucio.make_available",
    "rucio.download",
    "rucio.upload",
    "reana.upload",
    "reana.run",
    "reana.download",
    "zenodo.upload",
    "zenodo.fetch",
)
METADATA = {
    "title": "held task",
    "upload_type": "dataset",
    "description": "d",
    "creators": [{"name": "Doe, Jane"}],
    "license": "cc-by-4.0",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.part")) if folder.exists() else []


class Lab:
    """A Jupyter server subprocess with the VRE extensions, started and killed at will.

    `command` is the server to run (`jupyter_server`, or `jupyterlab` for the browser); `auth`
    holds the headers its REST API wants.
    """

    def __init__(
        self,
        workdir: Path,
        command: list[str],
        env: dict[str, str],
        root: Path,
        auth: dict[str, str],
        port: int | None = None,
    ) -> None:
        self.workdir, self.command, self.env, self.root, self.auth = workdir, command, env, root, auth
        self.root.mkdir(parents=True, exist_ok=True)
        self.port = port
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.starts = 0

    def start(self) -> None:
        port = self.port or free_port()
        self.starts += 1
        self.log = self.workdir / f"server-{self.starts}.log"
        self.process = subprocess.Popen(
            [*self.command, f"--port={port}", *(["--allow-root"] if os.geteuid() == 0 else [])],
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


def lab_config_lines(stack: dict[str, Any], proxies: dict[str, Any]) -> list[str]:
    """Config lines for a lab whose backends sit behind the proxies: a Rucio instance `vre` that makes
    data available on the mounted RSE, one `dl` that downloads, REANA and Zenodo; no secret in them."""
    iam, rucio = stack["iam"], stack["rucio"]
    base = {"rucio_base_url": proxies["rucio"].url, "auth_type": "oidc"}
    instances = [
        {
            **base,
            "name": "vre",
            **on_mounted_rse(rucio),
        },
        {**base, "name": "dl", "mode": "download"},
    ]
    exchange = {"rucio": {"audience": rucio["oidc"]["audience"], "scope": rucio["oidc"]["scope"]}}
    return [
        f"c.IAMTokens.issuer = {iam['issuer']!r}",
        f"c.IAMTokens.client_id = {iam['client_id']!r}",
        "c.IAMTokens.access_token_env = 'VRE_TEST_UNSET_TOKEN'",
        f"c.IAMTokens.exchange = {exchange!r}",
        f"c.RucioExtension.instances = {instances!r}",
        "c.RucioExtension.default_instance = 'vre'",
        f"c.ReanaExtension.server_url = {proxies['reana'].url!r}",
        f"c.ZenodoExtension.api_url = {proxies['zenodo'].url + '/api'!r}",
        # Held requests must outlive the set-up: the kill or the cancel, not a timeout, ends them.
        "c.RucioExtension.call_timeout_seconds = 900",
        "c.ReanaExtension.call_timeout_seconds = 900",
        "c.ReanaExtension.transfer_timeout_seconds = 900",
        "c.ZenodoExtension.timeout_seconds = 900",
        "c.ZenodoExtension.transfer_timeout_seconds = 900",
    ]


def lab_env(stack: dict[str, Any], workdir: Path) -> dict[str, str]:
    """The lab's environment: its secrets (by environment: jupyter_server logs its config at DEBUG)
    and Jupyter directories of its own, so its task journal is its own."""
    iam = stack["iam"]
    return {
        **os.environ,
        "VRE_IAM_CLIENT_SECRET": iam["client_secret"],
        "VRE_IAM_REFRESH_TOKEN": iam_login(iam)["refresh_token"],
        "REANA_ACCESS_TOKEN": stack["reana"]["token"],
        "JUPYTER_DATA_DIR": str(workdir / "data"),
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
        "JUPYTER_CONFIG_DIR": str(workdir / "config"),
    }


def make_proxies(stack: dict[str, Any]) -> dict[str, Any]:
    from faultproxy import FaultProxy

    def make(url: str, rewrite: bool = False) -> FaultProxy:
        parsed = urlparse(url)
        return FaultProxy(parsed.hostname or "127.0.0.1", parsed.port or 80, rewrite)

    return {
        "rucio": make(stack["rucio"]["rucio_host"]),
        "reana": make(stack["reana"]["url"]),
        "zenodo": make(stack["zenodo"]["api_url"], rewrite=True),  # its bucket links lead through it too
    }


class Scene:
    """Tasks of the given kinds started on `lab` and held mid-way; `seen[kind]` is what each test needs.

    `tag` makes the workspace folders this scene writes its own, so scenes can follow each other on
    one server.
    """

    def __init__(
        self, lab: Lab, stack: dict[str, Any], proxies: dict[str, Any], upload: Callable, tag: str = ""
    ) -> None:
        self.lab, self.stack, self.proxies, self.upload = lab, stack, proxies, upload
        # Where the downloads write, under the server's root (Rucio's folder is the product's).
        self.folders = {
            "rucio.download": "rucio-downloads",
            "reana.download": f"reana-out{tag}",
            "zenodo.fetch": f"fetched{tag}",
        }
        self.upload_folder = f"zup{tag}"
        self.tag = tag
        self.seen: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, dict[str, Any]] = {}
        self._fifo: int | None = None

    # --- set-up that must finish before any hold is set -------------------------------------------

    def prepare(self, kinds: tuple[str, ...]) -> None:
        root = self.lab.root
        if {"reana.upload", "reana.run", "reana.download"} & set(kinds) and not (root / "hello").exists():
            shutil.copytree(SAMPLE, root / "hello")
        for kind in kinds:
            self.seen[kind] = getattr(self, "_prepare_" + kind.replace(".", "_"))()

    def _prepare_rucio_make_available(self) -> dict[str, Any]:
        return {"did": self.upload({"a.bin": os.urandom(50_000)})}

    def _prepare_rucio_download(self) -> dict[str, Any]:
        # Three files; the last one's replica becomes a FIFO fed half its bytes.
        from rucio.client import Client

        payloads = {f"part{i}.bin": os.urandom(300_000) for i in range(3)}
        did = self.upload(payloads)
        scope, dataset = did.split(":")
        (replica,) = Client().list_replicas([{"scope": scope, "name": f"{dataset}.part2.bin"}])
        stored = Path(urlparse(next(iter(replica["pfns"]))).path)
        original = stored.read_bytes()
        stored.unlink()
        os.mkfifo(stored)
        return {"did": did, "stored": stored, "original": original, "payloads": payloads}

    def _prepare_rucio_upload(self) -> dict[str, Any]:
        folder = self.lab.root / f"up-{uuid.uuid4().hex[:8]}"
        folder.mkdir()
        names = [f"{folder.name}.f{i}.bin" for i in range(3)]
        for name in names:
            (folder / name).write_bytes(os.urandom(100_000))
        return {"folder": folder, "names": names, "scope": f"user.{self.stack['rucio']['account']}"}

    def _prepare_reana_upload(self) -> dict[str, Any]:
        created = self.lab.call(
            "POST", "reana/workflows", {"path": "hello", "name": f"held-up{self.tag}"}, 201
        )
        return {"workflow": created["id"]}

    def _prepare_reana_run(self) -> dict[str, Any]:
        return {}

    def _prepare_reana_download(self) -> dict[str, Any]:
        lab = self.lab
        run = lab.wait_task(
            lab.call("POST", "reana/run", {"path": "hello", "name": f"held-down{self.tag}"}, 202)["id"]
        )
        assert run["state"] == "succeeded", run
        finished = run["result"]["workflow_id"]
        deadline = time.monotonic() + TASK_TIMEOUT_S
        while (status := lab.call("GET", f"reana/workflows/{finished}", expect=200))["status"] != "finished":
            assert status["status"] not in ("failed", "stopped") and time.monotonic() < deadline, status
            time.sleep(0.3)
        return {"workflow": finished}

    def _prepare_zenodo_upload(self) -> dict[str, Any]:
        draft = self.lab.call("POST", "zenodo/depositions", {"metadata": METADATA}, 201)
        folder = self.lab.root / self.upload_folder
        folder.mkdir()
        files = {f"z{i}.bin": os.urandom(200_000) for i in range(3)}
        for name, data in files.items():
            (folder / name).write_bytes(data)
        return {"draft": draft["id"], "files": files}

    def _prepare_zenodo_fetch(self) -> dict[str, Any]:
        lab = self.lab
        source = lab.call("POST", "zenodo/depositions", {"metadata": METADATA}, 201)
        (lab.root / "record.bin").write_bytes(data := os.urandom(1 << 20))
        upload = lab.call("POST", f"zenodo/depositions/{source['id']}/upload", {"paths": ["record.bin"]}, 202)
        done = lab.wait_task(upload["id"])
        assert done["state"] == "succeeded", (done["error"], done["result"])
        lab.call("POST", f"zenodo/depositions/{source['id']}/publish", {}, 200)
        return {"record": source["id"], "data": data}

    # --- the holds, the starts, and the wait until each task is where it should be -------------------

    def start(self) -> dict[str, dict[str, Any]]:
        """Set the holds, start every prepared kind, wait until each is held mid-way."""
        seen, kinds = self.seen, tuple(self.seen)
        rules: dict[str, list] = {"rucio": [], "reana": [], "zenodo": []}
        if "rucio.make_available" in seen:  # it follows its rule
            rules["rucio"].append(("wait", r"^GET /rules/[0-9a-f]{32}", {}))
        if "rucio.upload" in seen:  # the upload's second file: "does it exist?"
            upload = seen["rucio.upload"]
            rules["rucio"].append(("wait", rf"^GET /dids/{upload['scope']}/{upload['names'][1]}/meta", {}))
        if {"reana.upload", "reana.run"} & set(kinds):  # every input upload
            rules["reana"].append(("wait", r"^POST /api/workflows/[^/]+/workspace", {}))
        if "reana.download" in seen:
            rules["reana"].append(
                (
                    "hold",
                    rf"^GET /api/workflows/{seen['reana.download']['workflow']}/workspace/",
                    {"after_bytes": 5},
                )
            )
        if "zenodo.upload" in seen:  # the second file of the draft
            rules["zenodo"].append(("wait", r"^PUT /\S*files/\S*z1\.bin", {}))
        if "zenodo.fetch" in seen:  # the record's file, halfway
            rules["zenodo"].append(("hold", r"^GET /\S*record\.bin", {"after_bytes": 100_000}))
        for name, proxy_rules in rules.items():
            if proxy_rules:
                self.proxies[name].set_rules(proxy_rules)

        for kind in kinds:
            task = self._start(kind)
            assert task["kind"] == kind and task["state"] in ("queued", "running"), task
            self.tasks[kind] = task
            seen[kind]["task"] = task["id"]

        if "rucio.download" in seen:  # the copy reads the FIFO: feed it half, so it sits mid-file
            self._fifo = os.open(seen["rucio.download"]["stored"], os.O_WRONLY)  # until the server reads
            original = seen["rucio.download"]["original"]
            os.write(self._fifo, original[: len(original) // 2])
        for name, proxy_rules in rules.items():
            if proxy_rules:
                # One held request a rule; the REANA upload rule holds both the upload and the run.
                count = len(proxy_rules) + (name == "reana" and {"reana.upload", "reana.run"} <= set(kinds))
                try:
                    self.proxies[name].wait_held(count, timeout=TASK_TIMEOUT_S)
                except TimeoutError as err:
                    states = {k: self.lab.call("GET", f"tasks/{t['id']}") for k, t in self.tasks.items()}
                    raise AssertionError(f"{name}: {err}; tasks {states}") from None
        if "rucio.download" in seen:  # two files verified, the third being copied
            self.lab.wait_task(self.tasks["rucio.download"]["id"], lambda t: t["progress"]["done"] >= 600_000)
        deadline = time.monotonic() + 60
        for kind, folder in self.folders.items():  # each download is mid-file, on disk
            while kind in seen and not temporaries(self.lab.root / folder):
                assert time.monotonic() < deadline, f"no temporary file in {folder}"
                time.sleep(0.1)
        self.temporaries_before = {
            kind: temporaries(self.lab.root / folder) for kind, folder in self.folders.items() if kind in seen
        }
        return self.tasks

    def _start(self, kind: str) -> dict[str, Any]:
        seen, call = self.seen[kind], self.lab.call
        if kind == "rucio.make_available":
            return call("POST", "rucio/vre/make-available", {"dids": [seen["did"]]}, 202)
        if kind == "rucio.download":
            return call("POST", "rucio/dl/download", {"dids": [seen["did"]]}, 202)
        if kind == "rucio.upload":
            body = {
                "path": seen["folder"].name,
                "rse": self.stack["rucio"]["upload_rse"],
                "scope": seen["scope"],
            }
            return call("POST", "rucio/vre/upload", body, 202)
        if kind == "reana.upload":
            return call("POST", f"reana/workflows/{seen['workflow']}/upload", {"path": "hello"}, 202)
        if kind == "reana.run":
            return call("POST", "reana/run", {"path": "hello", "name": f"held-run{self.tag}"}, 202)
        if kind == "reana.download":
            body = {"target": self.folders[kind], "files": ["results/greetings.txt"]}
            return call("POST", f"reana/workflows/{seen['workflow']}/download", body, 202)
        if kind == "zenodo.upload":
            return call(
                "POST", f"zenodo/depositions/{seen['draft']}/upload", {"paths": [self.upload_folder]}, 202
            )
        assert kind == "zenodo.fetch", kind
        return call("POST", f"zenodo/records/{seen['record']}/fetch", {"folder": self.folders[kind]}, 202)

    def release(self) -> None:
        """Let each task go on to its end: the rest of the FIFO's bytes, the held requests answered."""
        if self._fifo is not None:
            original = self.seen["rucio.download"]["original"]
            os.write(self._fifo, original[len(original) // 2 :])
            os.close(self._fifo)
            self._fifo = None
            stored = self.seen["rucio.download"]["stored"]
            stored.unlink()
            stored.write_bytes(original)
        for proxy in self.proxies.values():
            proxy.release()

    def let_go(self, cut: bool = True) -> None:
        """The FIFO reader sees its end, the holds go, the stored replica is whole again.

        `cut`: open connections are cut (as a restart does); otherwise held requests are let
        through and nothing else is touched, so clean-up calls under way finish.
        """
        if self._fifo is not None:
            os.close(self._fifo)
            self._fifo = None
            stored = self.seen["rucio.download"]["stored"]
            stored.unlink()
            stored.write_bytes(self.seen["rucio.download"]["original"])
        for proxy in self.proxies.values():
            if cut:
                proxy.set("pass")
            else:
                proxy.release()

    def public(self) -> dict[str, dict[str, Any]]:
        """What a browser test may check, per kind: the JSON-safe part of `seen` (no bytes, no paths)."""
        return {
            kind: {k: v for k, v in seen.items() if isinstance(v, (str, int, list))}
            for kind, seen in self.seen.items()
        }

    # --- what cancel and resume must leave behind --------------------------------------------------

    def verify_cancelled(self, kind: str, final: dict[str, Any]) -> None:
        """What cancel means for `kind`, once the task has ended (AssertionError says what is wrong)."""
        assert (final["kind"], final["state"]) == (kind, "cancelled"), final
        seen, root = self.seen[kind], self.lab.root
        if kind in self.folders:  # it was mid-file; no partial file is left
            assert len(self.temporaries_before[kind]) == 1, self.temporaries_before
            assert temporaries(root / self.folders[kind]) == []
        if kind == "rucio.download":  # the verified files are kept whole
            dataset = seen["did"].split(":")[1]
            names = {p.name for p in (root / "rucio-downloads").rglob(f"{dataset}.*")}
            assert names == {f"{dataset}.part0.bin", f"{dataset}.part1.bin"}, names
        elif kind == "rucio.make_available":  # it says the Rucio rule stays, and it does
            from rucio.client import Client

            assert final["result"]["rule_kept"] is True, final
            assert "rule stays" in final["result"]["message"]
            (rule,) = final["result"]["rules"]
            assert Client().get_replication_rule(rule)["id"] == rule
        elif kind == "rucio.upload":
            # Cancelled while its second file is looked up: the first stays registered whole; the
            # second and third are neither registered nor left half-written in the RSE's storage.
            from rucio.client import Client
            from rucio.common.exception import DataIdentifierNotFound

            client, scope, names = Client(), seen["scope"], seen["names"]
            assert client.get_metadata(scope, names[0])["bytes"] == 100_000
            for name in names[1:]:
                try:
                    client.get_metadata(scope, name)
                except DataIdentifierNotFound:
                    continue
                raise AssertionError(f"{name} was registered after the cancel")
            rucio = self.stack["rucio"]
            storage = Path(rucio["rse_storage"][rucio["upload_rse"]]) / scope.replace(".", "/")
            left = [p.name for p in storage.rglob("*") if any(n in p.name for n in names[1:])]
            assert left == [], left
        elif kind == "reana.upload":  # only whole inputs in the workspace
            listing = self.lab.call("GET", f"reana/workflows/{seen['workflow']}/files", expect=200)
            local = {
                p.relative_to(root / "hello").as_posix(): p.stat().st_size
                for p in (root / "hello").rglob("*")
                if p.is_file()
            }
            for item in listing["items"]:
                assert local.get(item["name"]) == item["size_bytes"], item
        elif kind == "reana.run":  # cancelled before it started: the workflow it created is deleted
            assert final["result"]["deleted"] is True, final
            workflow = final["result"]["workflow_id"]
            answer = httpx.get(
                f"{self.lab.url}/vre/api/reana/workflows/{workflow}", headers=self.lab.auth, timeout=30
            )
            assert answer.status_code == 404 or answer.json()["status"] == "deleted", answer.text
        elif kind == "reana.download":
            assert not (root / self.folders[kind] / "results" / "greetings.txt").exists()
        elif kind == "zenodo.upload":
            # Only whole files in the draft: the one before the held one, perhaps the one in flight
            # (its bytes may all have gone before the cancel), none after it; each with its md5.
            draft = self.lab.call("GET", f"zenodo/depositions/{seen['draft']}", expect=200)
            listed = {f["name"]: f for f in draft["files"]}
            assert "z0.bin" in listed and set(listed) <= {"z0.bin", "z1.bin"}, listed
            for name, item in listed.items():
                md5 = hashlib.md5(seen["files"][name], usedforsecurity=False).hexdigest()
                assert item["checksum"] == md5, (name, item)
        elif kind == "zenodo.fetch":
            assert not (root / self.folders[kind] / "record.bin").exists()

    def verify_resumed(self, kind: str, done: dict[str, Any]) -> None:
        """What resume after a kill means for `kind`, once the resumed task has ended."""
        assert (done["kind"], done["state"]) == (kind, "succeeded"), (done["error"], done["result"])
        seen, root, result = self.seen[kind], self.lab.root, done["result"]
        if kind in self.folders:
            assert temporaries(root / self.folders[kind]) == []
        if kind == "rucio.make_available":  # re-attached to the rule that lived on in Rucio
            from rucio.client import Client

            rules = [
                r["id"]
                for r in Client().list_did_rules(*seen["did"].split(":"))
                if r["rse_expression"] == self.stack["rucio"]["mounted_rse"]
            ]
            assert len(rules) == 1, rules  # no second rule
            assert result["rules"] == rules and result["files"] == 1, result
        elif kind == "rucio.download":  # the verified files skipped, every file whole
            assert (result["files"], result["skipped"]) == (3, 2), result
            scope, dataset = seen["did"].split(":")
            for name, data in seen["payloads"].items():
                assert (root / "rucio-downloads" / scope / f"{dataset}.{name}").read_bytes() == data, name
        elif kind == "rucio.upload":  # every file registered exactly once, on the chosen RSE
            from rucio.client import Client

            scope, names = seen["scope"], seen["names"]
            assert sorted(result["dids"]) == sorted(f"{scope}:{n}" for n in names), result
            client = Client()
            for name in names:
                assert client.get_metadata(scope, name)["bytes"] == (seen["folder"] / name).stat().st_size
                (replica,) = client.list_replicas([{"scope": scope, "name": name}])
                assert list(replica["rses"]) == [self.stack["rucio"]["upload_rse"]], replica
        elif kind == "reana.upload":  # into the same workflow
            listing = self.lab.call("GET", f"reana/workflows/{seen['workflow']}/files", expect=200)
            sizes = {f["name"]: f["size_bytes"] for f in listing["items"]}
            for name in ("code/helloworld.py", "data/names.txt"):
                assert sizes.get(name) == (SAMPLE / name).stat().st_size, sizes
        elif kind == "reana.download":
            assert (root / self.folders[kind] / "results" / "greetings.txt").read_text().startswith("Hello")
        elif kind == "zenodo.upload":  # the same draft; the file already there with its md5 skipped
            assert result["deposition_id"] == seen["draft"] and result["skipped"] == 1, result
            draft = self.lab.call("GET", f"zenodo/depositions/{seen['draft']}", expect=200)
            files = {f["name"]: f for f in draft["files"]}
            assert sorted(files) == ["z0.bin", "z1.bin", "z2.bin"], files
            for name, data in seen["files"].items():
                md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
                assert files[name]["checksum"].endswith(md5), (name, files[name])
        elif kind == "zenodo.fetch":
            assert (root / self.folders[kind] / "record.bin").read_bytes() == seen["data"]


def jupyter_server_command(config: Path, root: Path, token: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "jupyter_server",
        f"--config={config}",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.root_dir={root}",
        f"--IdentityProvider.token={token}",
    ]
