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
    from jupyter_client.manager import KernelManager

    manager = KernelManager(kernel_cmd=[str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"])
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
        kc.shell_channel,
        "comm_open",
        {"comm_id": comm_id, "target_name": "rucio-jupyterlab:kernel", "data": {}},
    )
    kc.session.send(kc.shell_channel, "comm_msg", {"comm_id": comm_id, "data": data})
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
                seconds, answer = timed(
                    lambda c=client: c.get(
                        "/rucio-jupyterlab/did", params={"namespace": THEIRS, "did": did, "poll": "1"}
                    )
                )
                answer.raise_for_status()
                rows = answer.json()
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
            seconds, answer = timed(
                lambda: client.get(
                    "/rucio-jupyterlab/did", params={"namespace": THEIRS, "did": did, "force": "1"}
                )
            )
            answer.raise_for_status()
        their.append(seconds)
        print(
            f"  rucio-jupyterlab: GET did (force) {seconds:.3f} s, {len(answer.json())} rows; {load()}",
            flush=True,
        )
    print(figure("rucio-jupyterlab, panel state after the rule is OK (GET did, force)", their))


# --- the first page, cold -----------------------------------------------------------------------


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
    if not theirs:
        return
    python = rucio_jupyterlab_python()
    their = []
    for _ in range(repeat):
        with server(python, their_config(stack)) as (client, _pid):
            their_sign_in(client, stack)
            seconds, answer = timed(
                lambda: client.get(
                    "/rucio-jupyterlab/did", params={"namespace": THEIRS, "did": did, "force": "1"}
                )
            )
            answer.raise_for_status()
        their.append(seconds)
        print(f"  rucio-jupyterlab: {seconds:.3f} s; {load()}", flush=True)
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


def bench_transfer(stack: dict[str, Any], gib: float) -> None:
    size = int(gib * (1 << 30))
    block = os.urandom(1 << 20)
    with server(Path(sys.executable), our_config(stack)) as (client, pid):
        root: Path = client.root  # type: ignore[attr-defined]
        name = f"big.{secrets.token_hex(4)}.bin"
        source = root / name
        with open(source, "wb") as out:
            for i in range(size >> 20):
                out.write(block[: (1 << 20) - 1] + bytes([i % 251]))  # blocks differ, adler32 is real
        os.sync()
        cp_up, _ = timed(lambda: shutil.copyfile(source, root / f"{name}.cp"))
        (root / f"{name}.cp").unlink()
        our_sign_in(client)
        start_rss = rss_kib(pid)["VmRSS"]
        peak: list[int] = []
        body = {
            "path": name,
            "rse": stack["rucio"]["upload_rse"],
            "scope": f"user.{stack['rucio']['account']}",
        }
        start = time.perf_counter()
        task = wait_task(client, client.post(f"/vre/api/rucio/{OURS}/upload", json=body).json(), pid, peak)
        up = time.perf_counter() - start
        print(
            f"upload {gib:g} GiB: {up:.2f} s ({size / up / 1e6:.0f} MB/s); cp on the same disk {cp_up:.2f} s "
            f"({size / cp_up / 1e6:.0f} MB/s): {cp_up / up * 100:.0f} % of cp; "
            f"server memory +{(max([*peak, start_rss]) - start_rss) / 1024:.1f} MiB; {load()}"
        )
        did = task["result"]["dids"][0]
        start_rss, peak = rss_kib(pid)["VmRSS"], []
        start = time.perf_counter()
        task = wait_task(
            client, client.post("/vre/api/rucio/dl/download", json={"dids": [did]}).json(), pid, peak
        )
        down = time.perf_counter() - start
        target = root / task["result"]["paths"][0]
        cp_down, _ = timed(lambda: shutil.copyfile(target, root / f"{name}.cp"))
        print(
            f"download {gib:g} GiB: {down:.2f} s ({size / down / 1e6:.0f} MB/s); cp {cp_down:.2f} s: "
            f"{cp_down / down * 100:.0f} % of cp; server memory +{(max([*peak, start_rss]) - start_rss) / 1024:.1f} MiB; {load()}"
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
        bench_transfer(stack, args.gib)
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
