"""The task lab of the UI task tests: JupyterLab on the dev stack whose backends sit behind fault
proxies, with real tasks held mid-way, and a server the tests SIGKILL and start again.

Run by playwright.tasks.config.js as its web server (`python task_lab.py`). JupyterLab runs with
the UI tests' server config (jupyter_server_test_config.py) and the overrides of
tests/hardening/scene.py: Rucio (instances `vre` and `dl`), REANA and Zenodo reached through the
proxies, a task journal and a credential store of its own, on VRE_UI_TASK_LAB_PORT. The specs
drive it over a small HTTP API on VRE_UI_TASK_CONTROL_PORT (JSON in and out; a failed check
answers 409 with what is wrong):

  GET  /ready                     200 once JupyterLab answers
  POST /scene  {"kinds": [...]}   prepare, start and hold one task of each kind (scene.Scene);
                                  answers {kind: task} and the workspace folders of the downloads
  POST /let-go {"cut": bool}      end the holds, the FIFO closed; held requests are cut (the
                                  default) or let through
  POST /release {"proxies": [...]}  let the held tasks go on to their end (those behind the
                                  named proxies only, when given)
  POST /kill   POST /start        SIGKILL JupyterLab / start it again on the same port and journal
  POST /corrupt-download          a Rucio dataset whose stored replica is corrupt; answers its DID
  POST /verify {"kind", "what"}   `what` = "cancelled" (the scene's task) or "resumed" (the newest
                                  task of that kind): waits for it to end, then Scene.verify_*
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(REPO / "tests" / "hardening"), str(REPO / "tests" / "integration"), str(REPO / "scripts")]

from rucio_datasets import dataset_uploader, rucio_client_config  # noqa: E402
from scene import Lab, Scene, lab_config_lines, lab_env, make_proxies  # noqa: E402

LAB_PORT = int(os.environ.get("VRE_UI_TASK_LAB_PORT", "8194"))
CONTROL_PORT = int(os.environ.get("VRE_UI_TASK_CONTROL_PORT", "8195"))
SCAN_DIR = Path(os.environ.get("VRE_UI_SCAN_DIR", HERE / ".leak-scan"))


class TaskLab:
    def __init__(self) -> None:
        home = Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack"))
        self.stack = json.loads((home / "stack.json").read_text())
        missing = {"iam", "rucio", "reana", "zenodo"} - set(self.stack)
        if missing:
            raise SystemExit(
                f"The task lab needs the dev stack's {sorted(missing)}: `devstack/devstack up` them."
            )
        self.workdir = Path(tempfile.mkdtemp(prefix="vre-task-lab-"))
        self.proxies = make_proxies(self.stack)
        config = self.workdir / "jupyter_server_config.py"
        config.write_text(
            "\n".join(
                [
                    "c = get_config()  # noqa: F821",
                    f"load_subconfig({'jupyter_server_test_config.py'!r}, {str(HERE)!r})  # noqa: F821",
                    *lab_config_lines(self.stack, self.proxies),
                    # The contents API lists hidden files too, so a temporary `.<name>.part` would show.
                    "c.ContentsManager.allow_hidden = True",
                    # A store that outlives the kill, as a user's does.
                    f"c.VRECommon.credentials_path = {str(self.workdir / 'credentials.json')!r}",
                ]
            )
            + "\n"
        )
        self.lab = Lab(
            self.workdir,
            [
                sys.executable,
                "-m",
                "jupyterlab",
                f"--config={config}",
                f"--ServerApp.root_dir={self.workdir / 'root'}",
            ],
            lab_env(self.stack, self.workdir),
            root=self.workdir / "root",
            auth={},  # Galata's test config: no token
            port=LAB_PORT,
        )
        self.datasets = self.workdir / "datasets"
        self.datasets.mkdir()
        self.scenes: list[Scene] = []
        self.lock = threading.Lock()  # one control call at a time

    def start(self) -> dict[str, Any]:
        if self.lab.process is not None and self.lab.process.poll() is None:
            return {"url": self.lab.url}  # already running
        # A DEBUG log a start, for the credential scan after the UI tests (scripts/test.sh).
        self.lab.env["VRE_UI_SERVER_LOG"] = str(SCAN_DIR / f"task-lab-server-{self.lab.starts + 1}.log")
        self.lab.start()
        token = self.stack["zenodo"]["token"]
        self.lab.call("PUT", "credentials/zenodo/custom", {"fields": {"token": token}}, 200)
        return {"url": self.lab.url}

    def scene(self, kinds: list[str]) -> dict[str, Any]:
        self.let_go()  # whatever an earlier test left held
        scene = Scene(
            self.lab,
            self.stack,
            self.proxies,
            dataset_uploader(self.stack["rucio"], self.datasets, "vre-ui"),
            tag=f"-{len(self.scenes) + 1}",
        )
        self.scenes.append(scene)
        scene.prepare(tuple(kinds))
        tasks = scene.start()
        return {"tasks": tasks, "folders": scene.folders, "seen": scene.public()}

    def verify(self, kind: str, what: str) -> dict[str, Any]:
        scene = next(s for s in reversed(self.scenes) if kind in s.seen)
        if what == "cancelled":
            final = self.lab.wait_task(scene.tasks[kind]["id"])
            scene.verify_cancelled(kind, final)
        else:
            newest = next(
                t
                for t in self.lab.call("GET", "tasks", expect=200)["tasks"]
                if t["kind"] == kind and t["id"] != scene.tasks[kind]["id"]
            )
            final = self.lab.wait_task(newest["id"])
            scene.verify_resumed(kind, final)
        return final

    def corrupt_download(self) -> dict[str, Any]:
        """A dataset of one file whose stored replica has the right size and other bytes: a download
        of it fails for real, on the adler32 check."""
        from urllib.parse import urlparse

        from rucio.client import Client

        data = os.urandom(200_000)
        did = dataset_uploader(self.stack["rucio"], self.datasets, "vre-ui-corrupt")({"c.bin": data})
        scope, dataset = did.split(":")
        (replica,) = Client().list_replicas([{"scope": scope, "name": f"{dataset}.c.bin"}])
        stored = Path(urlparse(next(iter(replica["pfns"]))).path)
        stored.write_bytes(bytes(b ^ 0xFF for b in data))
        self.proxies["rucio"].set("wait", r"^POST /replicas/list")  # until /release
        return {"did": did}

    def release(self, proxies: list[str] | None = None) -> dict[str, Any]:
        if proxies is None:
            for scene in self.scenes:
                scene.release()
        for name, proxy in self.proxies.items():
            if proxies is None or name in proxies:
                proxy.release()
        return {}

    def let_go(self, cut: bool = True) -> dict[str, Any]:
        for scene in self.scenes:
            scene.let_go(cut)
        for proxy in self.proxies.values():
            if cut:
                proxy.set("pass")
            else:
                proxy.release()
        return {}

    def close(self) -> None:
        for scene in self.scenes:
            scene.let_go()
        self.lab.stop()
        for proxy in self.proxies.values():
            proxy.close()


def serve(lab: TaskLab) -> None:
    class Control(BaseHTTPRequestHandler):
        def answer(self, status: int, body: Any) -> None:
            data = json.dumps(body, default=str).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            ready = self.path == "/ready" and lab.lab.process is not None and lab.lab.process.poll() is None
            self.answer(200 if ready else 404, {"ready": ready})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            actions = {
                "/scene": lambda: lab.scene(body["kinds"]),
                "/let-go": lambda: lab.let_go(body.get("cut", True)),
                "/release": lambda: lab.release(body.get("proxies")),
                "/kill": lambda: lab.lab.kill() or {},
                "/start": lab.start,
                "/corrupt-download": lab.corrupt_download,
                "/verify": lambda: lab.verify(body["kind"], body["what"]),
            }
            if self.path not in actions:
                self.answer(404, {"error": "no such action"})
                return
            with lab.lock, rucio_client_config(lab.stack["rucio"]):
                try:
                    self.answer(200, actions[self.path]() or {})
                except AssertionError as err:
                    self.answer(409, {"error": "check_failed", "message": str(err)[:4000]})
                except Exception:
                    sys.stderr.write(f"[task lab] {self.path} failed:\n{traceback.format_exc()}")
                    self.answer(500, {"error": "task_lab_failed", "message": traceback.format_exc()[-4000:]})

        def log_message(self, format: str, *args: Any) -> None:
            sys.stderr.write(f"[task lab] {format % args}\n")

    server = ThreadingHTTPServer(("127.0.0.1", CONTROL_PORT), Control)

    def stop(*_: Any) -> None:
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    server.serve_forever()


def main() -> None:
    lab = TaskLab()
    try:
        with rucio_client_config(lab.stack["rucio"]):
            lab.start()
        print(
            f"task lab: JupyterLab at {lab.lab.url}, control at http://127.0.0.1:{CONTROL_PORT}", flush=True
        )
        serve(lab)
    finally:
        lab.close()
        time.sleep(0.1)


if __name__ == "__main__":
    main()
