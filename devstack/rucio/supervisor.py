"""Run the dev-stack Rucio in the foreground (exec'd by run.sh with the rucio venv's python).

1. the Rucio server (API and auth) under gunicorn on 127.0.0.1:$VRE_RUCIO_PORT;
2. seed.py (accounts, scopes, RSEs, sample data; idempotent, ~1 s when all is there);
3. the real Rucio daemons in loops, each its own process with a short sleep time:
   judge-evaluator, judge-cleaner, conveyor-submitter (mock transfertool +
   fts_standin.py's byte copy), conveyor-poller, conveyor-finisher;
4. then publishes $VRE_DEVSTACK_HOME/services/rucio.json (health.sh waits for it).

A daemon that exits is restarted; if the server exits, everything stops. SIGTERM or
SIGINT stops all children; children also get SIGTERM if this process dies
(PR_SET_PDEATHSIG), so nothing outlives run.sh's process group.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

from stack_layout import (
    HERE,
    MOUNTED_RSE,
    OIDC_AUDIENCE,
    OIDC_SCOPE,
    REMOTE_RSES,
    ROOT_ACCOUNT,
    ROOT_PASSWORD,
    ROOT_USERNAME,
    RSES,
    SCOPES,
    UPLOAD_RSE,
    USER_ACCOUNT,
    USER_PASSWORD,
    USER_USERNAME,
    VO,
    Layout,
    iam_facts,
    layout,
    mount_facts,
    oidc_identity,
    write_configs,
    write_idpsecrets,
    write_json,
)

SLEEP_S = "2"  # daemon loop sleep; Rucio's minimum between iterations is 1 s
DAEMON_RESTART_DELAY_S = 5.0


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} rucio-supervisor: {message}", flush=True)


def _die_with_parent() -> None:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


@dataclass
class Child:
    name: str
    argv: list[str]
    log_path: Path
    proc: subprocess.Popen | None = None
    exited_at: float = 0.0
    restarts: int = 0
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        self._log = self._log or self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.argv,
            env=env,
            cwd=HERE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,
        )

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def server(lay: Layout) -> Child:
    return Child(
        "server",
        [
            str(lay.venv / "bin" / "gunicorn"),
            "--bind",
            f"127.0.0.1:{lay.port}",
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            # long listings (list_replicas: ~15 s per 10,000 files on SQLite) must not be killed
            "--timeout",
            "900",
            "--graceful-timeout",
            "5",
            "--no-control-socket",
            "wsgi:application",
        ],
        lay.logs / "server.log",
    )


def daemons(lay: Layout) -> list[Child]:
    python, here = str(lay.venv / "bin" / "python"), str(HERE / "daemon.py")
    argvs = {
        "judge-evaluator": ["rucio-judge-evaluator", "--sleep-time", SLEEP_S],
        "judge-cleaner": ["rucio-judge-cleaner", "--sleep-time", SLEEP_S],  # removes expired/deleted rules
        "conveyor-submitter": ["rucio-conveyor-submitter", "--sleep-time", SLEEP_S],
        "conveyor-poller": ["rucio-conveyor-poller", "--sleep-time", SLEEP_S, "--older-than", "0"],
        "conveyor-finisher": ["rucio-conveyor-finisher", "--sleep-time", SLEEP_S],
    }
    return [Child(name, [python, here, *argv], lay.logs / f"{name}.log") for name, argv in argvs.items()]


def ensure_port_free(lay: Layout) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn: TIME_WAIT is no conflict
        try:
            probe.bind(("127.0.0.1", lay.port))
        except OSError as error:
            raise SystemExit(
                f"rucio-supervisor: 127.0.0.1:{lay.port} is taken ({error}); set VRE_RUCIO_PORT"
            ) from error


def wait_for_ping(lay: Layout, srv: Child, timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not srv.running():
            raise RuntimeError(f"the Rucio server exited; see {srv.log_path}")
        try:
            with urllib.request.urlopen(f"{lay.url}/ping", timeout=2) as answer:  # noqa: S310 - our http URL
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the Rucio server did not answer /ping within {timeout_s:.0f}s; see {srv.log_path}")


def oidc_facts(iam: dict | None) -> dict[str, object] | None:
    identity = oidc_identity(iam, USER_USERNAME) if iam else None
    if not identity:
        return None
    return {
        "issuer": iam["issuer"],
        "audience": OIDC_AUDIENCE,
        "scope": OIDC_SCOPE,
        "identity": identity,
        "iam_username": USER_USERNAME,
        "account": USER_ACCOUNT,
        "note": "an IAM access token with this audience and scope, sent as X-Rucio-Auth-Token, "
        "authenticates as account",
    }


def facts(lay: Layout, samples: dict, iam: dict | None) -> dict[str, object]:
    return {
        "rucio_host": lay.url,
        "auth_host": lay.url,
        "vo": VO,
        "auth_type": "userpass",
        "account": USER_ACCOUNT,
        "username": USER_USERNAME,
        "password": USER_PASSWORD,
        "root_account": ROOT_ACCOUNT,
        "root_username": ROOT_USERNAME,
        "root_password": ROOT_PASSWORD,
        "client_config": str(lay.client_config),
        "root_client_config": str(lay.root_client_config),
        "rses": list(RSES),
        "remote_rses": list(REMOTE_RSES),
        "upload_rse": UPLOAD_RSE,
        **mount_facts(lay),
        "pfn_to_path": "local path = mount_path + PFN with pfn_prefix removed; equivalently "
        "rucio-jupyterlab's rule: urlparse(pfn).path.strip('/').split('/', path_begins_at)[-1] "
        "appended to mount_path",
        "rse_storage": {rse: str(lay.rse_dir(rse)) for rse in RSES},
        "scopes": list(SCOPES),
        "samples": samples,
        "oidc": oidc_facts(iam),
        "python": str(lay.venv / "bin" / "python"),
        "rucio_cli": str(lay.venv / "bin" / "rucio"),
        "generate_dataset": [str(lay.venv / "bin" / "python"), str(HERE / "generate_dataset.py")],
        "logs": str(lay.logs),
    }


def stop_all(children: list[Child]) -> None:
    live = [c for c in children if c.running()]
    for child in live:
        child.proc.terminate()
    deadline = time.monotonic() + 10
    for child in live:
        try:
            child.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.proc.kill()
            child.proc.wait()


def _stop_signal(_signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(0)


def iam_stamp(lay: Layout) -> float | None:
    try:
        return lay.iam_json.stat().st_mtime
    except FileNotFoundError:
        return None


def seed(lay: Layout, env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [str(lay.venv / "bin" / "python"), str(HERE / "seed.py"), *args], env=env, cwd=HERE, check=True
    )


def follow_iam(lay: Layout, env: dict[str, str], samples: dict, map_identity: bool = True) -> None:
    """The IAM (re)published its facts: register it with the server, map jdoe, republish rucio.json."""
    iam = iam_facts(lay)
    if iam:
        write_idpsecrets(lay, iam)  # rucio.core.oidc reads it when it next sees a JWT
        if map_identity:
            try:
                seed(lay, env, "--oidc")
            except subprocess.CalledProcessError as error:
                log(f"OIDC: could not map the IAM's user ({error}); userpass still works")
        log(f"OIDC: accepting tokens of {iam['issuer']} (audience {OIDC_AUDIENCE})")
    write_json(lay.service_json, facts(lay, samples, iam))


def supervise(lay: Layout, srv: Child, workers: list[Child], env: dict[str, str], samples: dict) -> int:
    iam_seen = iam_stamp(lay)
    while True:
        time.sleep(1)
        if not srv.running():
            log(f"the server exited with {srv.proc.returncode}; stopping (see {srv.log_path})")
            return 1
        if iam_stamp(lay) != iam_seen:
            iam_seen = iam_stamp(lay)
            follow_iam(lay, env, samples)
        now = time.monotonic()
        for child in workers:
            if child.running():
                continue
            if not child.exited_at:
                child.exited_at = now
                log(f"{child.name} exited with {child.proc.returncode}; restarting (see {child.log_path})")
            elif now - child.exited_at >= DAEMON_RESTART_DELAY_S:
                child.exited_at, child.restarts = 0.0, child.restarts + 1
                child.start(env)


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_signal)
    signal.signal(signal.SIGINT, _stop_signal)
    lay = layout()
    lay.service_json.unlink(missing_ok=True)
    lay.logs.mkdir(parents=True, exist_ok=True)
    write_configs(lay)  # the port may differ from the one setup.sh saw
    env = {**os.environ, "RUCIO_CONFIG": str(lay.server_config), "PYTHONUNBUFFERED": "1"}
    srv, workers = server(lay), daemons(lay)
    try:
        started = time.monotonic()
        ensure_port_free(lay)
        srv.start(env)
        wait_for_ping(lay, srv)
        log(f"server up at {lay.url} after {time.monotonic() - started:.1f}s (log: {srv.log_path})")
        seed(lay, env)
        samples = json.loads(lay.samples_record.read_text())["samples"]
        for child in workers:
            child.start(env)
        log(f"daemons started: {', '.join(c.name for c in workers)} (logs: {lay.logs})")
        follow_iam(lay, env, samples, map_identity=False)  # seed.py did; writes rucio.json: all is up
        log(f"ready: {lay.service_json} (mounted RSE {MOUNTED_RSE})")
        return supervise(lay, srv, workers, env, samples)
    finally:
        stop_all([*workers, srv])
        log("stopped")


if __name__ == "__main__":
    sys.exit(main())
