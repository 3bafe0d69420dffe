"""rucio-jupyterlab's side of benchmarks/rucio_first_page.py; runs in its own venv.

Lists a dataset's files with their replica state on the mounted RSE the way
rucio-jupyterlab's `DIDDetailsHandler` (`GET /rucio-jupyterlab/did`) does in replica mode with `force=1`:
`ReplicaModeHandler.get_did_details(scope, name, force_fetch=True)` on a fresh
cache (one `GET /replicas/<scope>/<name>` for the whole dataset, then its SQLite
cache write, then the rule look-up). Without `force` the handler answers
"FETCHING" at once and runs the same call in the background while the
frontend polls, so a user waits at least this long.

Prints one JSON line: {"seconds": ..., "list_replicas_seconds": ..., "files": ..., "states": {...}}.
Import it only where rucio-jupyterlab is installed; HOME must point at an empty
folder (its cache database lives in ~/.rucio_jupyterlab).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stack", required=True, help="the dev stack's stack.json")
    parser.add_argument("--did", required=True, help="scope:name of the dataset")
    args = parser.parse_args()

    from rucio_jupyterlab.mode_handlers.replica import ReplicaModeHandler
    from rucio_jupyterlab.rucio.rucio import RucioAPI

    with open(args.stack) as handle:
        rucio = json.load(handle)["rucio"]
    instance_config: dict[str, Any] = {
        "name": "devstack",
        "display_name": "Dev stack Rucio",
        "rucio_base_url": rucio["rucio_host"],
        "rucio_auth_url": rucio["auth_host"],
        "mode": "replica",
        "destination_rse": rucio["mounted_rse"],
        "rse_mount_path": rucio["mount_path"],
        "path_begins_at": rucio["path_begins_at"],
    }
    auth = {"username": rucio["username"], "password": rucio["password"], "account": rucio["account"]}
    api = RucioAPI(instance_config=instance_config, auth_type="userpass", auth_config=auth)
    api._get_auth_token()  # signed in before the clock starts, as a user with a cached token is

    # Which part of the time is Rucio's listing (the rest: its cache writes and mapping).
    listing: list[float] = []
    get_replicas = api.get_replicas

    def timed_get_replicas(scope: str, name: str) -> list[dict[str, Any]]:
        start = time.perf_counter()
        try:
            return get_replicas(scope, name)
        finally:
            listing.append(time.perf_counter() - start)

    api.get_replicas = timed_get_replicas  # type: ignore[method-assign]

    scope, name = args.did.split(":", 1)
    handler = ReplicaModeHandler("devstack", api)
    start = time.perf_counter()
    rows = handler.get_did_details(scope, name, True)
    seconds = time.perf_counter() - start
    states = Counter(str(row["status"]) for row in rows)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "list_replicas_seconds": sum(listing),
                "files": len(rows),
                "states": dict(states),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
