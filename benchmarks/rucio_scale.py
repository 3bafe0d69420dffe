"""Real dataset sizes: resolve + inject, make-available, first page, 2 GB transfers. Figures, not tests.

Run from the repository with the dev stack up (`devstack/devstack up iam rucio`):

    .venv/bin/python benchmarks/rucio_scale.py resolve   --did user.jdoe:bench.10000files.<t> [--repeat 3]
    .venv/bin/python benchmarks/rucio_scale.py available --did ... [--repeat 3]
    .venv/bin/python benchmarks/rucio_scale.py page      --did ... [--repeat 3]
    .venv/bin/python benchmarks/rucio_scale.py transfer  [--gib 2]

Datasets for `resolve`, `available` and `page` are on the mounted RSE (files, an OK rule):
`devstack/rucio/generate_dataset.py --on-mount --files N [--bytes B]`.

Every run of each side is cold: a freshly started Jupyter server (ours: this
repository's extensions; rucio-jupyterlab 41.0.0 in its own venv, called over
HTTP as its frontend calls it, signed in with userpass before the clock starts).
Each figure prints all runs, min and median, the date and the load average
(the machine is shared). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "benchmarks"))
from devstack_jupyter_config import config_lines  # noqa: E402
from rucio_first_page import devstack_home, free_port, rucio_jupyterlab_python  # noqa: E402

OURS, THEIRS = "devstack", "devstack"  # instance name on both sides


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def rss_kib(pid: int) -> dict[str, int]:
    """Resident memory now and at its peak (VmRSS, VmHWM) of a process, in KiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


@contextmanager
def server(
    python: Path, config: list[str], env_extra: dict[str, str] | None = None
) -> Iterator[tuple[httpx.Client, int]]:
    """A freshly started Jupyter server of `python`'s venv; (client, pid)."""
    port, token = free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="vre-scale-") as tmp:
        work = Path(tmp)
        (work / "root").mkdir()
        (work / "home").mkdir()
        conf = work / "jupyter_server_config.py"
        conf.write_text("\n".join(config) + "\n")
        conf.chmod(0o600)
        args = [
            str(python.parent / "jupyter"),
            "server",
            f"--config={conf}",
            f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port_retries=0",
            "--ServerApp.open_browser=False",
            f"--ServerApp.root_dir={work / 'root'}",
            f"--IdentityProvider.token={token}",
            "--allow-root",
        ]
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(work / "config"), "HOME": str(work / "home")}
        env.update(env_extra or {})
        with (work / "server.log").open("wb") as log:
            proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=work)
        client = httpx.Client(
            base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"token {token}"}, timeout=3600
        )
        try:
            deadline = time.monotonic() + 180
            while True:
                if proc.poll() is not None:
                    raise RuntimeError((work / "server.log").read_text()[-3000:])
                try:
                    if client.get("/api/status").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("the Jupyter server did not start in 180 s")
                time.sleep(0.3)
            client.root = work / "root"  # type: ignore[attr-defined]
            yield client, proc.pid
        finally:
            client.close()
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


def our_config(stack: dict[str, Any], **extra: Any) -> list[str]:
    rucio = stack["rucio"]
    replica = {
        "name": OURS,
        "rucio_base_url": rucio["rucio_host"],
        "rucio_auth_url": rucio["auth_host"],
        "auth_type": "oidc",
        "destination_rse": rucio["mounted_rse"],
        "rse_mount_path": rucio["mount_path"],
        "path_begins_at": rucio["path_begins_at"],
    }
    download = {
        **replica,
        "name": "dl",
        "mode": "download",
        "download_dir": extra.pop("download_dir", "rucio"),
    }
    del download["destination_rse"], download["rse_mount_path"], download["path_begins_at"]
    lines = config_lines({"iam": stack["iam"], "rucio": rucio})
    lines.append(f"c.RucioExtension.instances = [{replica!r}, {download!r}]")
    return lines + [f"c.RucioExtension.{k} = {v!r}" for k, v in extra.items()]


def their_config(stack: dict[str, Any]) -> list[str]:
    rucio = stack["rucio"]
    instance = {
        "name": THEIRS,
        "display_name": "Dev stack Rucio",
        "rucio_base_url": rucio["rucio_host"],
        "rucio_auth_url": rucio["auth_host"],
        "mode": "replica",
        "destination_rse": rucio["mounted_rse"],
        "rse_mount_path": rucio["mount_path"],
        "path_begins_at": rucio["path_begins_at"],
    }
    return [f"c.RucioConfig.instances = [{instance!r}]", f"c.RucioConfig.default_instance = {THEIRS!r}"]


def our_sign_in(client: httpx.Client) -> None:
    """Signed in to Rucio before any clock starts, as a user whose panel is open (not timed: the
    first IAM token exchange can take over 30 s on the loaded machine, so it is tried again)."""
    for _ in range(3):
        if client.get(f"/vre/api/rucio/{OURS}/account").status_code == 200:
            return
    raise RuntimeError("could not sign in to Rucio")


def their_sign_in(client: httpx.Client, stack: dict[str, Any]) -> None:
    rucio = stack["rucio"]
    params = {"username": rucio["username"], "password": rucio["password"], "account": rucio["account"]}
    answer = client.put(
        "/rucio-jupyterlab/auth", json={"namespace": THEIRS, "type": "userpass", "params": params}
    )
    answer.raise_for_status()
    # What its settings dialog does when the user picks the instance and the auth method: without it
    # the server has no active auth method and every Rucio call fails (it answered `[]` before).
    answer = client.put("/rucio-jupyterlab/instances", json={"instance": THEIRS, "auth": "userpass"})
    answer.raise_for_status()


def their_did(client: httpx.Client, did: str) -> list[dict[str, Any]]:
    """rucio-jupyterlab's DID details as its frontend gets them: GET did answers FETCHING while it
    lists the replicas in the background, and the frontend asks again until it has them (0.2 s here)."""
    while True:
        answer = client.get("/rucio-jupyterlab/did", params={"namespace": THEIRS, "did": did})
        answer.raise_for_status()
        rows = answer.json()
        if not rows or rows[0].get("status") != "FETCHING":
            if not rows or "error" in rows[0]:
                raise RuntimeError(f"rucio-jupyterlab answered {rows!r:.300}")
            return rows
        time.sleep(0.2)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def figure(label: str, runs: list[float], unit: str = "s") -> str:
    shown = ", ".join(f"{r:.3f}" for r in runs)
    return f"{label}: min {min(runs):.3f} {unit}, median {statistics.median(runs):.3f} {unit} (runs: {shown})"


# --- resolve + inject ---------------------------------------------------------------------------


def our_resolve(client: httpx.Client, did: str) -> dict[str, Any]:
    body = {"attachments": [{"instance": OURS, "did": did, "variable": "events"}]}
    while True:
        answer = client.post("/vre/api/rucio/resolve", json=body)
        answer.raise_for_status()
        item = answer.json()["attachments"][0]
        if item["task"] is None:
            if item["error"]:
                raise RuntimeError(item["error"])
            return item
        time.sleep(0.2)  # the frontend asks again every second; 0.2 s here, to time the work


def python_statement(item: dict[str, Any]) -> str:
    """What src/rucio/attachments.ts `pathsAssignment` writes for a Python kernel."""
    path, count = json.dumps(item["paths_file"]), item["files"]
    return (
        f'events = __import__("pathlib").Path({path}).read_text(encoding="utf-8").splitlines()\n'
        f'if len(events) != {count}: del events; raise RuntimeError("count")'
    )


@contextmanager
def kernel(python: Path, extension: str | None = None) -> Iterator[Any]:
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import KernelManager

    manager = KernelManager()
    # The kernel of `python`'s venv (jupyter_client 8 ignores `kernel_cmd`, and the default
    # kernel is this venv's, where rucio-jupyterlab's kernel extension is not installed).
    manager._kernel_spec = KernelSpec(
        argv=[str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        display_name=python.parent.parent.name,
        language="python",
    )
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    client.wait_for_ready(timeout=120)
    if extension:
        client.execute_interactive(f"%load_ext {extension}", timeout=120)
    try:
        yield client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run_in_kernel(kc: Any, code: str) -> None:
    reply = kc.execute_interactive(code, silent=True, store_history=False, timeout=600)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(reply["content"])


def their_inject(kc: Any, did: str, rows: list[dict[str, Any]]) -> None:
    """rucio-jupyterlab's injection: a comm message with every file's path; the kernel acknowledges."""
    comm_id = secrets.token_hex(8)
    files = [{"path": r["path"], "pfn": r.get("pfn")} for r in rows]
    data = {
        "action": "inject",
        "dids": [
            {"type": "collection", "variableName": "events", "files": files, "did": did, "didAvailable": True}
        ],
    }
    kc.session.send(
        kc.shell_channel.socket,
        "comm_open",
        {"comm_id": comm_id, "target_name": "rucio-jupyterlab:kernel", "data": {}},
    )
    kc.session.send(kc.shell_channel.socket, "comm_msg", {"comm_id": comm_id, "data": data})
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=600)
        if msg["msg_type"] == "comm_msg" and msg["content"]["data"].get("action") == "ack-inject":
            return
    raise RuntimeError("no ack-inject")


def bench_resolve(stack: dict[str, Any], did: str, repeat: int, theirs: bool) -> None:
    files = int(did.split("bench.")[1].split("files")[0]) if "files" in did else None
    ours_total, ours_resolve, ours_mem = [], [], []
    for _ in range(repeat):
        with server(Path(sys.executable), our_config(stack)) as (client, pid):
            our_sign_in(client)
            before = rss_kib(pid)
            with kernel(Path(sys.executable)) as kc:
                start = time.perf_counter()
                seconds, item = timed(lambda: our_resolve(client, did))
                run_in_kernel(kc, python_statement(item))
                total = time.perf_counter() - start
                run_in_kernel(kc, f"assert len(events) == {item['files']}")
            after = rss_kib(pid)
        ours_total.append(total)
        ours_resolve.append(seconds)
        ours_mem.append((after["VmHWM"] - before["VmRSS"]) / 1024)
        print(
            f"  ours: resolve {seconds:.3f} s + inject = {total:.3f} s, {item['files']} files; {load()}",
            flush=True,
        )
    print(figure(f"ours, resolve + inject {files} files", ours_total))
    print(figure("ours, resolve alone", ours_resolve))
    print(f"ours, server memory peak above start: {', '.join(f'{m:.1f}' for m in ours_mem)} MiB")
    if not theirs:
        return
    python = rucio_jupyterlab_python()
    their_total, their_http = [], []
    for _ in range(repeat):
        with server(python, their_config(stack)) as (client, pid):
            their_sign_in(client, stack)
            before = rss_kib(pid)
            with kernel(python, "rucio_jupyterlab.kernels.ipython") as kc:
                start = time.perf_counter()
                seconds, rows = timed(lambda c=client: their_did(c, did))
                their_inject(kc, did, rows)
                total = time.perf_counter() - start
            after = rss_kib(pid)
        their_total.append(total)
        their_http.append(seconds)
        print(
            f"  rucio-jupyterlab: GET did {seconds:.3f} s + inject = {total:.3f} s, {len(rows)} rows, "
            f"memory peak +{(after['VmHWM'] - before['VmRSS']) / 1024:.1f} MiB; {load()}",
            flush=True,
        )
    print(figure(f"rucio-jupyterlab, resolve + inject {files} files", their_total))
    print(
        f"ratio rucio-jupyterlab / ours (medians): {statistics.median(their_total) / statistics.median(ours_total):.1f}x"
    )


# --- make available: rule OK -> task done, and the panel's lag ----------------------------------


def bench_available(stack: dict[str, Any], did: str, repeat: int, theirs: bool) -> None:
    done_s, lag_s = [], []
    for _ in range(repeat):
        with server(Path(sys.executable), our_config(stack)) as (client, _pid):
            our_sign_in(client)
            start = time.perf_counter()
            task = client.post(f"/vre/api/rucio/{OURS}/make-available", json={"dids": [did]}).json()
            while task["state"] in ("queued", "running"):
                time.sleep(0.05)
                task = client.get(f"/vre/api/tasks/{task['id']}").json()
            seconds = time.perf_counter() - start
            if task["state"] != "succeeded":
                raise RuntimeError(task)
            # The panel refreshes the dataset's page once the task has ended.
            lag, page = timed(
                lambda: client.get(
                    f"/vre/api/rucio/{OURS}/dids/content",
                    params={"did": did, "limit": 100, "availability": "1"},
                ).json()
            )
            assert {a["state"] for a in page["availability"]} == {"available"}
        done_s.append(seconds)
        lag_s.append(lag)
        print(
            f"  ours: task {seconds:.3f} s ({task['result']['files']} files), page refresh {lag:.3f} s; {load()}",
            flush=True,
        )
    print(figure(f"ours, make-available with the rule already OK -> task done ({did})", done_s))
    print(figure("ours, panel refresh after the task (content + availability, 100 files)", lag_s))
    if not theirs:
        return
    python = rucio_jupyterlab_python()
    their = []
    for _ in range(repeat):
        with server(python, their_config(stack)) as (client, _pid):
            their_sign_in(client, stack)
            seconds, rows = timed(lambda c=client: their_did(c, did))
        their.append(seconds)
        print(
            f"  rucio-jupyterlab: GET did until not FETCHING {seconds:.3f} s, {len(rows)} rows, "
            f"{sum(r['status'] == 'OK' for r in rows)} OK; {load()}",
            flush=True,
        )
    print(figure("rucio-jupyterlab, panel state after the rule is OK (GET did, polled)", their))


# --- the first page, cold -----------------------------------------------------------------------


def rucio_first_rows(stack: dict[str, Any], did: str, rows: int = 100) -> float:
    """Seconds until Rucio's `list_files` stream has given `rows` files: the least any first page takes."""
    import itertools

    from rucio.client import Client
    from rucio.common.config import clean_cached_config

    os.environ["RUCIO_CONFIG"] = stack["rucio"]["client_config"]
    clean_cached_config()
    client = Client()
    client.whoami()  # signed in before the clock starts
    seconds, _ = timed(lambda: list(itertools.islice(client.list_files(*did.split(":")), rows)))
    print(f"  Rucio list_files, first {rows} rows: {seconds * 1000:.1f} ms; {load()}", flush=True)
    return seconds


def bench_page(stack: dict[str, Any], did: str, repeat: int, theirs: bool) -> None:
    ours = []
    for _ in range(repeat):
        with server(Path(sys.executable), our_config(stack)) as (client, _pid):
            our_sign_in(client)
            seconds, answer = timed(
                lambda: client.get(
                    f"/vre/api/rucio/{OURS}/dids/content",
                    params={"did": did, "limit": 100, "availability": "1"},
                )
            )
            answer.raise_for_status()
            states = {a["state"] for a in answer.json()["availability"]}
        ours.append(seconds)
        print(f"  ours: {seconds * 1000:.1f} ms, states {states}; {load()}", flush=True)
    print(figure(f"ours, first page (100 files) with availability, cold server ({did})", ours))
    floor = [rucio_first_rows(stack, did) for _ in range(repeat)]
    print(figure("Rucio alone: list_files of the dataset to its 100th row (rucio-clients, signed in)", floor))
    if not theirs:
        return
    python = rucio_jupyterlab_python()
    their = []
    for _ in range(repeat):
        with server(python, their_config(stack)) as (client, _pid):
            their_sign_in(client, stack)
            seconds, rows = timed(lambda c=client: their_did(c, did))
        their.append(seconds)
        print(f"  rucio-jupyterlab: {seconds:.3f} s, {len(rows)} rows; {load()}", flush=True)
    print(figure("rucio-jupyterlab, its first page (the whole dataset), cold server", their))
    print(
        f"ratio rucio-jupyterlab / ours (medians): {statistics.median(their) / statistics.median(ours):.0f}x"
    )


# --- 2 GB upload and download against cp --------------------------------------------------------


def wait_task(client: httpx.Client, task: dict[str, Any], pid: int, peak: list[int]) -> dict[str, Any]:
    while task["state"] in ("queued", "running"):
        time.sleep(0.2)
        peak.append(rss_kib(pid)["VmRSS"])
        task = client.get(f"/vre/api/tasks/{task['id']}").json()
    if task["state"] != "succeeded":
        raise RuntimeError(task)
    return task


def write_big_file(path: Path, size: int) -> None:
    block = os.urandom(1 << 20)
    with open(path, "wb") as out:
        for i in range(size >> 20):
            out.write(block[: (1 << 20) - 1] + bytes([i % 251]))  # blocks differ, checksums are real


def synced(fn: Callable[[], Any]) -> tuple[float, Any]:
    """`fn` timed after writing back what earlier steps left dirty, so none pays for another."""
    os.sync()
    return timed(fn)


def copy_and_fsync(source: Path, target: Path) -> None:
    """cp, then the copy flushed to disk: what an upload that registers only durable bytes compares to."""
    shutil.copyfile(source, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def md5_alone(path: Path) -> float:
    import hashlib

    def digest() -> None:
        h = hashlib.md5()  # noqa: S324 - Rucio's checksum
        with open(path, "rb") as handle:
            while chunk := handle.read(4 << 20):
                h.update(chunk)

    return synced(digest)[0]


def their_upload(client: httpx.Client, stack: dict[str, Any], path: Path) -> str:
    """rucio-jupyterlab's upload as its file browser starts it: one process per file running
    rucio-clients' UploadClient; its jobs list says UPLOADING until that process ends.

    It uploads without `register_after_upload`: it registers the replica first, copies, and
    then asks Rucio to mark the replica available (`update_replicas_states`), which the dev
    stack's permission policy refuses to user accounts, so its job ends FAILED after the bytes
    are written and checked. What it did before that last call is what is timed: "FAILED at
    the last step" is returned when the whole file is in the RSE's storage, else it raises.
    """
    rucio = stack["rucio"]
    body = {"file_paths": [str(path)], "rse": rucio["upload_rse"], "scope": f"user.{rucio['account']}"}
    client.post("/rucio-jupyterlab/upload", params={"namespace": THEIRS}, json=body).raise_for_status()
    while True:
        jobs = client.get("/rucio-jupyterlab/upload/jobs", params={"namespace": THEIRS}).json()
        mine = [j for j in jobs if j.get("path") == str(path)]
        if mine and mine[0]["status"] != "UPLOADING":
            if mine[0]["status"] == "OK":
                return "OK"
            rucio = stack["rucio"]
            stored = Path(rucio["rse_storage"][rucio["upload_rse"]]) / "user" / rucio["account"] / path.name
            if stored.is_file() and stored.stat().st_size == path.stat().st_size:
                return "FAILED at the last step (update_replicas_states refused), the whole file copied"
            raise RuntimeError(f"rucio-jupyterlab's upload ended {mine[0]}")
        time.sleep(0.2)


def task_run(
    client: httpx.Client, pid: int, path: str, body: dict[str, Any]
) -> tuple[float, dict[str, Any], float]:
    """A task started by POST `path`, timed after `sync` until it succeeds; and the server's memory growth (MiB)."""
    start_rss, peak = rss_kib(pid)["VmRSS"], []
    seconds, task = synced(lambda: wait_task(client, client.post(path, json=body).json(), pid, peak))
    return seconds, task, (max([*peak, start_rss]) - start_rss) / 1024


def our_transfer_run(
    stack: dict[str, Any], client: httpx.Client, pid: int, size: int
) -> tuple[dict[str, float], dict[str, float]]:
    """cp, our upload, our download, cp of the download, md5 alone: seconds; and memory growth (MiB)."""
    root: Path = client.root  # type: ignore[attr-defined]
    name = f"big.{secrets.token_hex(4)}.bin"
    source, copy = root / name, root / f"{name}.cp"
    write_big_file(source, size)
    run: dict[str, float] = {}
    run["cp_up"], _ = synced(lambda: shutil.copyfile(source, copy))
    copy.unlink()
    run["cp_fsync"], _ = synced(lambda: copy_and_fsync(source, copy))
    copy.unlink()
    our_sign_in(client)
    used: dict[str, float] = {}
    body = {"path": name, "rse": stack["rucio"]["upload_rse"], "scope": f"user.{stack['rucio']['account']}"}
    run["up"], task, used["up"] = task_run(client, pid, f"/vre/api/rucio/{OURS}/upload", body)
    did = task["result"]["dids"][0]
    run["down"], task, used["down"] = task_run(client, pid, "/vre/api/rucio/dl/download", {"dids": [did]})
    target = root / task["result"]["paths"][0]
    run["cp_down"], _ = synced(lambda: shutil.copyfile(target, copy))
    copy.unlink()
    run["md5"] = md5_alone(source)
    target.unlink()
    drop_stored_bytes(stack, name)
    return run, used


def drop_stored_bytes(stack: dict[str, Any], name: str) -> None:
    """Free the disk a benchmark upload took in the dev stack's RSE storage (its replica stays registered)."""
    rucio = stack["rucio"]
    scope = f"user.{rucio['account']}"
    (Path(rucio["rse_storage"][rucio["upload_rse"]]) / scope.replace(".", "/") / name).unlink(missing_ok=True)


def bench_transfer(stack: dict[str, Any], gib: float, repeat: int, theirs: bool) -> None:
    """Each run on a freshly started server: cp, our upload, our download, cp again (and
    rucio-jupyterlab's upload), each after `sync`, the same new file for all."""
    size = int(gib * (1 << 30))
    rows: dict[str, list[float]] = {
        k: [] for k in ("cp_up", "cp_fsync", "up", "down", "cp_down", "md5", "theirs_up")
    }
    memory: dict[str, list[float]] = {"up": [], "down": []}
    for _ in range(repeat):
        with server(Path(sys.executable), our_config(stack)) as (client, pid):
            run, used = our_transfer_run(stack, client, pid, size)
        for key, value in run.items():
            rows[key].append(value)
        for key, value in used.items():
            memory[key].append(value)
        print(
            f"  ours: upload {run['up']:.2f} s = {run['cp_up'] / run['up'] * 100:.0f} % of cp ({run['cp_up']:.2f} s), "
            f"{run['cp_fsync'] / run['up'] * 100:.0f} % of cp + fsync ({run['cp_fsync']:.2f} s); "
            f"download {run['down']:.2f} s = {run['cp_down'] / run['down'] * 100:.0f} % of cp "
            f"({run['cp_down']:.2f} s); md5 of the file alone {run['md5']:.2f} s; "
            f"memory +{used['up']:.1f} / +{used['down']:.1f} MiB; {load()}",
            flush=True,
        )
        if theirs:
            python = rucio_jupyterlab_python()
            with server(python, their_config(stack)) as (client, _pid):
                their_sign_in(client, stack)
                source = client.root / f"big.{secrets.token_hex(4)}.bin"  # type: ignore[attr-defined]
                write_big_file(source, size)
                seconds, outcome = synced(lambda c=client, s=source: their_upload(c, stack, s))
            drop_stored_bytes(stack, source.name)
            rows["theirs_up"].append(seconds)
            print(f"  rucio-jupyterlab: upload {seconds:.2f} s, {outcome}; {load()}", flush=True)
    print(figure(f"cp of the {gib:g} GiB file (before the upload)", rows["cp_up"]))
    print(figure("cp of it, then fsync of the copy", rows["cp_fsync"]))
    print(figure("ours, upload", rows["up"]))
    print(figure("ours, download", rows["down"]))
    print(figure("cp of the downloaded file", rows["cp_down"]))
    print(
        figure(
            "md5 of the file alone (one core): the least an upload that registers md5 can take", rows["md5"]
        )
    )
    ratios_up = [c / u * 100 for c, u in zip(rows["cp_up"], rows["up"], strict=True)]
    ratios_down = [c / d * 100 for c, d in zip(rows["cp_down"], rows["down"], strict=True)]
    print(figure("ours, upload as % of cp (same run)", ratios_up, "%"))
    durable = [c / u * 100 for c, u in zip(rows["cp_fsync"], rows["up"], strict=True)]
    print(figure("ours, upload as % of cp + fsync (same run)", durable, "%"))
    print(figure("ours, download as % of cp (same run)", ratios_down, "%"))
    durable = [c / d * 100 for c, d in zip(rows["cp_fsync"], rows["down"], strict=True)]
    print(figure("ours, download as % of cp + fsync (same run)", durable, "%"))
    print(f"ours, server memory growth: upload {memory['up']} MiB, download {memory['down']} MiB")
    if theirs:
        print(figure("rucio-jupyterlab, upload (UploadClient in a process of its own)", rows["theirs_up"]))
        print(
            f"ratio rucio-jupyterlab / ours, upload (medians): "
            f"{statistics.median(rows['theirs_up']) / statistics.median(rows['up']):.1f}x"
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=["resolve", "available", "page", "transfer"])
    parser.add_argument(
        "--did", help="scope:name of a dataset on the mounted RSE (generate_dataset.py --on-mount)"
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--gib", type=float, default=2.0, help="size of the transferred file (transfer)")
    parser.add_argument("--skip-rucio-jupyterlab", action="store_true")
    args = parser.parse_args()
    stack = json.loads((devstack_home() / "stack.json").read_text())
    geoip = Path("/tmp/GeoLite2-City.mmdb")  # noqa: S108 - the path is fixed in Rucio's replica_sorter
    print(
        f"{time.strftime('%Y-%m-%d %H:%M:%S %Z')}, {os.cpu_count()} CPUs, {load()}; "
        f"Rucio GeoIP database: {'MaxMind test DB' if geoip.exists() else 'missing'}; Rucio DB {stack['rucio']['database']}"
    )
    theirs = not args.skip_rucio_jupyterlab
    if args.what == "transfer":
        bench_transfer(stack, args.gib, args.repeat, theirs)
    elif not args.did:
        parser.error("--did is needed")
    else:
        {"resolve": bench_resolve, "available": bench_available, "page": bench_page}[args.what](
            stack, args.did, args.repeat, theirs
        )
    print(f"done {time.strftime('%H:%M:%S')}, {load()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
