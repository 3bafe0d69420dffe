"""Time to the first page of a dataset's files with availability: ours against rucio-jupyterlab.

Run from the repository with the dev stack up (`devstack/devstack up iam rucio`):

    .venv/bin/python benchmarks/rucio_first_page.py [--files 10000] [--repeat 5] [--did scope:name]

Ours: a real Jupyter server with the extensions wired to the dev stack (replica
mode, mounted RSE), then `GET dids/content?did=<dataset>&limit=100` and
`GET availability?did=...` for those 100 files, timed from the first request to
the second answer, `--repeat` times. While they run, `GET /vre/api/rucio/status`
is sent over and over to see whether the event loop stays free.

rucio-jupyterlab: benchmarks/rucio_jupyterlab_side.py in its own venv
(.devstack/venvs/rucio-jupyterlab, created here when missing), once, against the
same Rucio and dataset. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from devstack_jupyter_config import config_lines  # noqa: E402

RUCIO_JUPYTERLAB = "rucio-jupyterlab==41.0.0"
INSTANCE = "devstack"
PAGE = 100
PROBE_PAUSE = 0.02  # seconds between two status probes


@dataclass
class Figures:
    first_page: list[float] = field(default_factory=list)
    probe_busy: list[float] = field(default_factory=list)
    probe_idle: list[float] = field(default_factory=list)


def devstack_home() -> Path:
    return Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack"))


def generate_dataset(stack: dict[str, Any], files: int) -> str:
    print(f"creating a dataset of {files:,} files with the dev stack's generator ...", flush=True)
    start = time.perf_counter()
    out = subprocess.run(
        [*stack["rucio"]["generate_dataset"], "--files", str(files), "--json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=3600,
    ).stdout
    did = str(json.loads(out.strip().splitlines()[-1])["did"])
    print(f"  {did} in {time.perf_counter() - start:.1f} s", flush=True)
    return did


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(stack: dict[str, Any], workdir: Path, port: int, token: str) -> subprocess.Popen[bytes]:
    config = workdir / "jupyter_server_config.py"
    config.write_text("\n".join(config_lines({"iam": stack["iam"], "rucio": stack["rucio"]})) + "\n")
    config.chmod(0o600)  # it holds dev-stack secrets
    (workdir / "root").mkdir()
    args = [
        str(Path(sys.executable).parent / "jupyter"),
        "server",
        f"--config={config}",
        f"--ServerApp.port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        "--ServerApp.open_browser=False",
        f"--ServerApp.root_dir={workdir / 'root'}",
        f"--IdentityProvider.token={token}",
    ]
    if os.getuid() == 0:
        args.append("--allow-root")
    log = (workdir / "jupyter.log").open("wb")
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(workdir / "config")}
    return subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir)


async def wait_until_up(client: httpx.AsyncClient, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the Jupyter server stopped; see its log")
        try:
            if (await client.get("/vre/api/rucio/status")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.5)
    raise RuntimeError("the Jupyter server did not answer in 120 s")


async def first_page(client: httpx.AsyncClient, did: str) -> float:
    """Seconds from the content request to the availability answer for its files."""
    start = time.perf_counter()
    content = await client.get(f"/vre/api/rucio/{INSTANCE}/dids/content", params={"did": did, "limit": PAGE})
    content.raise_for_status()
    files = [f"{item['scope']}:{item['name']}" for item in content.json()["items"]]
    availability = await client.get(
        f"/vre/api/rucio/{INSTANCE}/availability", params=[("did", f) for f in files]
    )
    availability.raise_for_status()
    seconds = time.perf_counter() - start
    states = {a["state"] for a in availability.json()["files"]}
    if len(files) != PAGE or len(availability.json()["files"]) != PAGE:
        raise RuntimeError(f"expected {PAGE} files with availability, got {len(files)}: {states}")
    return seconds


async def probe(client: httpx.AsyncClient, until: asyncio.Event, into: list[float]) -> None:
    """Time `GET /vre/api/rucio/status` again and again until `until` is set."""
    while not until.is_set():
        start = time.perf_counter()
        (await client.get("/vre/api/rucio/status")).raise_for_status()
        into.append(time.perf_counter() - start)
        await asyncio.sleep(PROBE_PAUSE)


async def measure_ours(stack: dict[str, Any], did: str, repeat: int) -> Figures:
    figures = Figures()
    port, token = free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="vre-bench-") as tmp:
        server = start_server(stack, Path(tmp), port, token)
        try:
            headers = {"Authorization": f"token {token}"}
            async with (
                httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=300
                ) as client,
                httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=60) as prober,
            ):
                await wait_until_up(client, server)
                # Signed in to Rucio before the clock starts, as a user whose panel is open.
                (await client.get(f"/vre/api/rucio/{INSTANCE}/account")).raise_for_status()
                for _ in range(20):
                    start = time.perf_counter()
                    (await prober.get("/vre/api/rucio/status")).raise_for_status()
                    figures.probe_idle.append(time.perf_counter() - start)
                for run in range(repeat):
                    done = asyncio.Event()
                    probing = asyncio.create_task(probe(prober, done, figures.probe_busy))
                    try:
                        seconds = await first_page(client, did)
                    finally:
                        done.set()
                        await probing
                    figures.first_page.append(seconds)
                    print(f"  ours, run {run + 1}: {seconds:.3f} s", flush=True)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return figures


def rucio_jupyterlab_python() -> Path:
    """The python of rucio-jupyterlab's own venv, created and filled the first time."""
    venv = devstack_home() / "venvs" / "rucio-jupyterlab"
    python = venv / "bin" / "python"
    if not python.exists():
        print(f"installing {RUCIO_JUPYTERLAB} into {venv} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    probe = subprocess.run([str(python), "-c", "import rucio_jupyterlab"], capture_output=True, timeout=120)
    if probe.returncode != 0:
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", RUCIO_JUPYTERLAB], check=True, timeout=1800
        )
    return python


def measure_rucio_jupyterlab(stack_file: Path, did: str) -> dict[str, Any]:
    python = rucio_jupyterlab_python()
    with tempfile.TemporaryDirectory(prefix="rjl-bench-") as home:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("JUPYTERHUB_SERVICE_PREFIX", "KUBERNETES_SERVICE_HOST")
        }
        env["HOME"] = home  # its cache database: empty, as on a first look at the dataset
        out = subprocess.run(
            [
                str(python),
                str(REPO / "benchmarks" / "rucio_jupyterlab_side.py"),
                "--stack",
                str(stack_file),
                "--did",
                did,
            ],
            check=True,
            capture_output=True,
            text=True,
            env=env,
            timeout=3600,
        ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:.1f} ms, max {max(values) * 1000:.1f} ms (n={len(values)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--files", type=int, default=10_000, help="files in the generated dataset (default 10000)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of ours (default 5)")
    parser.add_argument("--did", help="use this existing dataset of --files files instead of generating one")
    parser.add_argument("--skip-rucio-jupyterlab", action="store_true", help="time ours only")
    args = parser.parse_args()

    stack_file = devstack_home() / "stack.json"
    stack = json.loads(stack_file.read_text())
    if "rucio" not in stack or "iam" not in stack:
        print("Start the dev stack first: devstack/devstack up iam rucio", file=sys.stderr)
        return 2
    did = args.did or generate_dataset(stack, args.files)

    print(f"ours: {args.repeat} runs of content (limit {PAGE}) + availability ...", flush=True)
    ours = asyncio.run(measure_ours(stack, did, args.repeat))
    theirs: dict[str, Any] | None = None
    if not args.skip_rucio_jupyterlab:
        print(f"rucio-jupyterlab ({RUCIO_JUPYTERLAB}): one run in its own venv ...", flush=True)
        theirs = measure_rucio_jupyterlab(stack_file, did)
        print(
            f"  {theirs['seconds']:.3f} s for {theirs['files']:,} files (of which Rucio's list_replicas"
            f" {theirs['list_replicas_seconds']:.3f} s), states {theirs['states']}",
            flush=True,
        )

    median, best = statistics.median(ours.first_page), min(ours.first_page)
    print(
        f"\nTime to the first page ({PAGE} files) with availability on {stack['rucio']['mounted_rse']}, {did}"
    )
    print(
        f"{'files':>9} | {'ours median (s)':>15} | {'ours min (s)':>12} | {'rucio-jupyterlab (s)':>20} | {'ratio':>7}"
    )
    their_s = f"{theirs['seconds']:.3f}" if theirs else "-"
    ratio = f"{theirs['seconds'] / median:.1f}x" if theirs else "-"
    files = theirs["files"] if theirs else args.files
    print(f"{files:>9,} | {median:>15.3f} | {best:>12.3f} | {their_s:>20} | {ratio:>7}")
    print("ratio = rucio-jupyterlab / ours (median)")
    print(f"\nGET /vre/api/rucio/status latency, idle:                   {ms(ours.probe_idle)}")
    print(f"GET /vre/api/rucio/status latency, first pages in flight:  {ms(ours.probe_busy)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
