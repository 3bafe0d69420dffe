"""Run the dev-stack Rucio in the foreground (exec'd by run.sh with the rucio venv's python).

0. with VRE_RUCIO_DB=postgresql, the private PostgreSQL cluster (as the postgres user
   when root) on 127.0.0.1:$VRE_RUCIO_PG_PORT; then, for either database, bootstrap.py
   (creates the database once);
1. the Rucio server (API and auth) under gunicorn on 127.0.0.1:$VRE_RUCIO_PORT;
2. seed.py (accounts, scopes, RSEs, sample data; idempotent, ~1 s when all is there);
3. the real Rucio daemons in loops, each its own process with a short sleep time:
   judge-evaluator, judge-cleaner, judge-injector, conveyor-submitter (mock transfertool +
   fts_standin.py's byte copy), conveyor-poller, conveyor-finisher;
4. then publishes $VRE_DEVSTACK_HOME/services/rucio.json (health.sh waits for it).

A daemon that exits is restarted; if the server or PostgreSQL exits, everything stops.
SIGTERM or SIGINT stops all children (PostgreSQL last); children also get their stop
signal if this process dies (PR_SET_PDEATHSIG), so nothing outlives run.sh's process group.
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
from collections.abc import Callable
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
    pg_bindir,
    write_configs,
    write_idpsecrets,
    write_json,
)

SLEEP_S = "2"  # daemon loop sleep; Rucio's minimum between iterations is 1 s
DAEMON_RESTART_DELAY_S = 5.0


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} rucio-supervisor: {message}", flush=True)


@dataclass
class Child:
    name: str
    argv: list[str]
    log_path: Path
    user: str | None = None  # run as this user (and its group)
    stop_signal: int = signal.SIGTERM
    proc: subprocess.Popen | None = None
    exited_at: float = 0.0
    restarts: int = 0
    _log: IO[bytes] | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        self._log = self._log or self.log_path.open("ab")
        as_user = {"user": self.user, "group": self.user, "extra_groups": []} if self.user else {}
        self.proc = subprocess.Popen(
            self.argv,
            env=env,
            cwd=HERE,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=self._die_with_parent,  # runs after the switch of user, which would clear it
            **as_user,
        )

    def _die_with_parent(self) -> None:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, self.stop_signal)  # PR_SET_PDEATHSIG

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def postgres(lay: Layout) -> Child:
    """The private cluster setup.sh made; PostgreSQL refuses to run as root, hence the postgres user."""
    return Child(
        "postgres",
        [
            str(pg_bindir(lay) / "postgres"),
            "-D",
            str(lay.pg_data),
            "-p",
            str(lay.pg_port),
            "-k",  # unix socket directory
            str(lay.pg_data),
            "-h",  # TCP: loopback only
            "127.0.0.1",
            "-c",
            "max_connections=200",  # each Rucio process pools up to 15 connections
            "-c",
            "synchronous_commit=off",  # dev stack: a crash may lose the last commits, never consistency
        ],
        lay.logs / "postgres.log",
        user="postgres" if os.geteuid() == 0 else None,
        stop_signal=signal.SIGINT,  # fast shutdown; SIGTERM would wait for every client to go
    )


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


def tls_front(lay: Layout, pki: dict[str, str]) -> Child:
    """The same Rucio server over TLS, passing the client certificate's DN as mod_ssl does (wsgi_x509.py)."""
    return Child(
        "tls-front",
        [
            str(lay.venv / "bin" / "gunicorn"),
            "--config",
            str(HERE / "gunicorn_tls.py"),
            "--bind",
            f"127.0.0.1:{lay.tls_port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--timeout",
            "900",
            "--graceful-timeout",
            "5",
            "--no-control-socket",
            "--certfile",
            pki["server_cert"],
            "--keyfile",
            pki["server_key"],
            "--ca-certs",
            pki["ca_cert"],
            "--cert-reqs",
            "1",  # CERT_OPTIONAL: a client certificate is verified when sent, not required
            "wsgi_x509:application",
        ],
        lay.logs / "tls-front.log",
    )


def daemons(lay: Layout) -> list[Child]:
    python, here = str(lay.venv / "bin" / "python"), str(HERE / "daemon.py")
    argvs = {
        "judge-evaluator": ["rucio-judge-evaluator", "--sleep-time", SLEEP_S],
        "judge-cleaner": ["rucio-judge-cleaner", "--sleep-time", SLEEP_S],  # removes expired/deleted rules
        # Rucio creates a rule on a large dataset in state INJECT and leaves its locks to this daemon
        "judge-injector": ["rucio-judge-injector", "--sleep-time", SLEEP_S],
        "conveyor-submitter": ["rucio-conveyor-submitter", "--sleep-time", SLEEP_S],
        "conveyor-poller": ["rucio-conveyor-poller", "--sleep-time", SLEEP_S, "--older-than", "0"],
        "conveyor-finisher": ["rucio-conveyor-finisher", "--sleep-time", SLEEP_S],
    }
    return [Child(name, [python, here, *argv], lay.logs / f"{name}.log") for name, argv in argvs.items()]


def ensure_port_free(port: int, variable: str) -> None:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn: TIME_WAIT is no conflict
        try:
            probe.bind(("127.0.0.1", port))
        except OSError as error:
            raise SystemExit(
                f"rucio-supervisor: 127.0.0.1:{port} is taken ({error}); set {variable}"
            ) from error


def wait_for(child: Child, ready: Callable[[], bool], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if not child.running():
            raise RuntimeError(f"{child.name} exited; see {child.log_path}")
        if ready():
            return
        time.sleep(0.3)
    raise RuntimeError(f"{child.name} not ready within {timeout_s:.0f}s; see {child.log_path}")


def answers_ping(lay: Layout) -> bool:
    try:
        with urllib.request.urlopen(f"{lay.url}/ping", timeout=2) as answer:  # noqa: S310 - our http URL
            return answer.status == 200
    except OSError:
        return False


def accepts_connections(lay: Layout) -> bool:
    import psycopg  # in the venv when VRE_RUCIO_DB=postgresql (setup.sh)

    try:
        psycopg.connect(**lay.pg_socket_conninfo("postgres"), connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


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


def x509_facts(lay: Layout, pki: dict[str, str] | None) -> dict[str, object] | None:
    if not pki or not lay.tls_url:
        return None
    return {
        "rucio_host": lay.tls_url,
        "auth_host": lay.tls_url,
        **pki,
        "account": USER_ACCOUNT,
        "note": "the TLS front of the same server: present user_cert_and_key (x509) or proxy (x509_proxy) "
        "and trust ca_cert; the DN is mapped to account",
    }


def facts(
    lay: Layout, samples: dict, iam: dict | None, pki: dict[str, str] | None = None
) -> dict[str, object]:
    return {
        "rucio_host": lay.url,
        "auth_host": lay.url,
        "vo": VO,
        "vos": list(lay.vos),
        "database": lay.database,
        "database_url": lay.db_url,
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
        "x509": x509_facts(lay, pki),
        "python": str(lay.venv / "bin" / "python"),
        "rucio_cli": str(lay.venv / "bin" / "rucio"),
        "generate_dataset": [str(lay.venv / "bin" / "python"), str(HERE / "generate_dataset.py")],
        "logs": str(lay.logs),
    }


def stop_all(children: list[Child]) -> None:
    live = [c for c in children if c.running()]
    for child in live:
        child.proc.send_signal(child.stop_signal)
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


def run_script(lay: Layout, env: dict[str, str], script: str, *args: str) -> None:
    subprocess.run(
        [str(lay.venv / "bin" / "python"), str(HERE / script), *args], env=env, cwd=HERE, check=True
    )


def seed(lay: Layout, env: dict[str, str], *args: str) -> None:
    run_script(lay, env, "seed.py", *args)


def follow_iam(
    lay: Layout, env: dict[str, str], samples: dict, pki: dict[str, str] | None, map_identity: bool = True
) -> None:
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
    write_json(lay.service_json, facts(lay, samples, iam, pki))


def supervise(
    lay: Layout,
    essential: list[Child],
    workers: list[Child],
    env: dict[str, str],
    samples: dict,
    pki: dict[str, str] | None,
) -> int:
    iam_seen = iam_stamp(lay)
    while True:
        time.sleep(1)
        for child in essential:  # the database and the server
            if not child.running():
                log(f"{child.name} exited with {child.proc.returncode}; stopping (see {child.log_path})")
                return 1
        if iam_stamp(lay) != iam_seen:
            iam_seen = iam_stamp(lay)
            follow_iam(lay, env, samples, pki)
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
    write_configs(lay)  # for this run's ports and database
    env = {**os.environ, "RUCIO_CONFIG": str(lay.server_config), "PYTHONUNBUFFERED": "1"}
    srv, workers = server(lay), daemons(lay)
    db = [postgres(lay)] if lay.database == "postgresql" else []
    fronts: list[Child] = []
    pki = None
    if lay.tls_port:
        from x509_pki import ensure_pki  # with the venv's cryptography

        pki = ensure_pki(lay.x509)
        fronts.append(tls_front(lay, pki))
    try:
        started = time.monotonic()
        ensure_port_free(lay.port, "VRE_RUCIO_MVO_PORT" if lay.multi_vo else "VRE_RUCIO_PORT")
        if fronts:
            ensure_port_free(lay.tls_port, "VRE_RUCIO_TLS_PORT")
        for pg in db:
            ensure_port_free(lay.pg_port, "VRE_RUCIO_PG_PORT")
            pg.start(env)
            wait_for(pg, lambda: accepts_connections(lay), timeout_s=60)
            log(f"PostgreSQL up on 127.0.0.1:{lay.pg_port} after {time.monotonic() - started:.1f}s")
        run_script(lay, env, "bootstrap.py")  # creates the database once
        srv.start(env)
        wait_for(srv, lambda: answers_ping(lay))
        log(f"server up at {lay.url} after {time.monotonic() - started:.1f}s (log: {srv.log_path})")
        for front in fronts:  # X.509 clients; started now, checked by health.sh
            front.start(env)
            log(f"TLS front for X.509 at {lay.tls_url} (log: {front.log_path})")
        seed(lay, env)
        samples = json.loads(lay.samples_record.read_text())["samples"]
        for child in workers:
            child.start(env)
        log(f"daemons started: {', '.join(c.name for c in workers)} (logs: {lay.logs})")
        follow_iam(lay, env, samples, pki, map_identity=False)  # seed.py did; writes rucio.json: all is up
        log(f"ready: {lay.service_json} (mounted RSE {MOUNTED_RSE})")
        return supervise(lay, [*db, srv, *fronts], workers, env, samples, pki)
    finally:
        stop_all([*workers, *fronts, srv])
        stop_all(db)  # last: the others must not lose their database while they stop
        log("stopped")


if __name__ == "__main__":
    sys.exit(main())
