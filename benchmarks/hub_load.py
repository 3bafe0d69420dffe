"""N users at once behind the dev stack's one JupyterHub and proxy: latency per request kind.

Each user signs in through the hub (IAM login form), gets a running server (a real
`jupyterhub-singleuser` as a system user of the same name), then, all at the same time
for `--seconds`:

- search: `GET rucio/devstack/dids/search?query=atlas_open:*` (Rucio, with the user's
  hub-supplied IAM token);
- first page: `GET rucio/devstack/dids/content?did=<dataset>&limit=100` then
  `GET rucio/devstack/availability?did=...` for those files, timed together;
- polling: `GET tasks` and `GET auth/status`, once a second (what an open panel does).

It prints p50/p99 per kind, error counts, N, spawn times and the machine's load average.
Users: jdoe, asmith, then vreload01.. from the dev IAM (`generated_users`); the script
creates their system users and Rucio accounts (mapped by OIDC identity) when missing.

    devstack/devstack up hub
    .venv/bin/python benchmarks/hub_load.py --users 10 --seconds 60
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "hub"))
from hubsession import HubUser  # noqa: E402

DATASET = "atlas_open:opendata.pp_13TeV.2016.periodA.PHYSLITE"
RUCIO_SETUP = """
import json, sys
sys.path.insert(0, sys.argv[1])
from stack_layout import layout
import os
os.environ["RUCIO_CONFIG"] = str(layout().root_client_config)
from rucio.client import Client
from rucio.common.exception import Duplicate
client = Client()
for name, identity, email in json.loads(sys.argv[2]):
    for call, kwargs in (
        (client.add_account, dict(account=name, type_="USER", email=email)),
        (client.add_identity, dict(account=name, identity=identity, authtype="OIDC", email=email, default=True)),
    ):
        try:
            call(**kwargs)
        except Duplicate:
            pass
"""


def stack_home() -> Path:
    return Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack")).resolve()


def user_names(count: int, stack: dict[str, Any]) -> list[str]:
    names = ["jdoe", "asmith", *sorted(n for n in stack["iam"]["users"] if n.startswith("vreload"))]
    if count > len(names):
        raise SystemExit(f"the dev IAM has {len(names)} users; ask for at most that many")
    return names[:count]


def prepare(names: list[str], stack: dict[str, Any]) -> None:
    """System users and Rucio accounts for the generated load users (jdoe and asmith exist)."""
    extra = [n for n in names if n.startswith("vreload")]
    if not extra:
        return
    for name in extra:
        if subprocess.run(["id", "-u", name], capture_output=True).returncode != 0:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/bash", name], check=True)
            subprocess.run(["chmod", "0750", f"/home/{name}"], check=True)
    iam = stack["iam"]
    accounts = [
        (n, f"SUB={iam['users'][n]['sub']}, ISS={iam['issuer']}", iam["users"][n]["email"]) for n in extra
    ]
    subprocess.run(
        [
            str(stack_home() / "venvs" / "rucio" / "bin" / "python"),
            "-c",
            RUCIO_SETUP,
            str(REPO / "devstack" / "rucio"),
            json.dumps(accounts),
        ],
        check=True,
    )


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, list[str]] = defaultdict(list)

    def timed(self, kind: str, call: Any) -> Any:
        started = time.perf_counter()
        try:
            result = call()
        except Exception as err:  # a timeout or a refused connection is an error of this kind
            with self.lock:
                self.errors[kind].append(
                    str(err)[:80] if isinstance(err, RuntimeError) else type(err).__name__
                )
            return None
        with self.lock:
            self.times[kind].append(time.perf_counter() - started)
        return result


def first_page(user: HubUser) -> bool:
    content = user.api("GET", "rucio/devstack/dids/content", params={"did": DATASET, "limit": "100"})
    if content.status_code != 200:
        raise RuntimeError(f"content {content.status_code} {content.json().get('error')}")
    dids = [f"{i['scope']}:{i['name']}" for i in content.json()["items"]]
    availability = user.api("GET", "rucio/devstack/availability", params=[("did", d) for d in dids])
    if availability.status_code != 200:
        raise RuntimeError(f"availability {availability.status_code} {availability.json().get('error')}")
    return True


def checked(response: Any) -> Any:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.url.path}: {response.status_code}")
    return response


def work(user: HubUser, until: float, record: Recorder) -> None:
    """One user's load: search and first page back to back, polling once a second beside them."""

    def poll() -> None:
        while time.monotonic() < until:
            record.timed("poll: tasks", lambda: checked(user.api("GET", "tasks")))
            record.timed("poll: auth/status", lambda: checked(user.api("GET", "auth/status")))
            time.sleep(1)

    poller = threading.Thread(target=poll)
    poller.start()
    while time.monotonic() < until:
        record.timed(
            "search",
            lambda: checked(
                user.api("GET", "rucio/devstack/dids/search", params={"query": "atlas_open:*", "limit": "50"})
            ),
        )
        record.timed("first page + availability", lambda: first_page(user))
    poller.join()


def run(count: int, seconds: float, keep_servers: bool = False) -> dict[str, Any]:
    """Sign in and spawn `count` users, load them for `seconds`; the figures as a dict."""
    stack = json.loads((stack_home() / "stack.json").read_text())
    names = user_names(count, stack)
    prepare(names, stack)
    users = [HubUser(stack["hub"], n, stack["iam"]["users"][n]["password"], timeout=120) for n in names]
    spawn_times: list[float] = []

    def ready(user: HubUser) -> None:
        started = time.perf_counter()
        user.login()
        user.make_token()
        user.spawn()
        spawn_times.append(time.perf_counter() - started)

    try:
        with ThreadPoolExecutor(max_workers=count) as pool:
            list(pool.map(ready, users))
        record = Recorder()
        load_before = os.getloadavg()
        until = time.monotonic() + seconds
        with ThreadPoolExecutor(max_workers=count) as pool:
            list(pool.map(lambda u: work(u, until, record), users))
        load_after = os.getloadavg()
    finally:
        if not keep_servers:
            for user in users:
                if user.token:
                    user.stop()
                user.close()
    kinds = sorted(set(record.times) | set(record.errors))
    return {
        "users": count,
        "seconds": seconds,
        "cores": os.cpu_count(),
        "load_before": load_before,
        "load_after": load_after,
        "spawn_s": {"p50": statistics.median(spawn_times), "max": max(spawn_times)},
        "kinds": {
            kind: {
                "n": len(record.times[kind]),
                "p50_s": percentile(record.times[kind], 0.5) if record.times[kind] else None,
                "p99_s": percentile(record.times[kind], 0.99) if record.times[kind] else None,
                "errors": len(record.errors[kind]),
                "error_kinds": sorted(set(record.errors[kind])),
            }
            for kind in kinds
        },
    }


def report(figures: dict[str, Any]) -> str:
    lines = [
        f"hub load: N={figures['users']} users, {figures['seconds']:.0f} s, {figures['cores']} cores, "
        f"load average {figures['load_before'][0]:.1f} before / {figures['load_after'][0]:.1f} after "
        f"(1 min)",
        f"sign-in + spawn: p50 {figures['spawn_s']['p50']:.1f} s, max {figures['spawn_s']['max']:.1f} s",
        f"{'request kind':28} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7}",
    ]
    for kind, f in figures["kinds"].items():
        p50 = f"{f['p50_s'] * 1000:.0f}" if f["p50_s"] is not None else "-"
        p99 = f"{f['p99_s'] * 1000:.0f}" if f["p99_s"] is not None else "-"
        kinds = f" ({', '.join(f['error_kinds'])})" if f["error_kinds"] else ""
        lines.append(f"{kind:28} {f['n']:>6} {p50:>9} {p99:>9} {f['errors']:>7}{kinds}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON too")
    args = parser.parse_args()
    figures = run(args.users, args.seconds)
    print(report(figures))
    if args.json:
        print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
