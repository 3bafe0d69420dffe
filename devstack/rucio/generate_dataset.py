"""Register a large dataset in the dev-stack Rucio, for listing speed (tests, benchmarks).

    $VRE_DEVSTACK_HOME/venvs/rucio/bin/python devstack/rucio/generate_dataset.py [--files 100000]

The files are metadata-only replicas on a remote RSE: Rucio lists them like any
other, but they have no bytes on disk, so a rule that would copy them gets stuck.
Registration goes through the API as root, in bulk calls of 500 files (1,000 hits
SQLite's "Expression tree is too large"). Prints the dataset and the time taken;
with --json, one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zlib

from stack_layout import REMOTE_RSES, layout

os.environ["RUCIO_CONFIG"] = str(layout().root_client_config)

from rucio.client import Client

BATCH = 500


def file_entry(scope: str, name: str, index: int) -> dict[str, object]:
    return {
        "scope": scope,
        "name": name,
        "bytes": 1024 + index % 4096,
        "adler32": f"{zlib.adler32(name.encode()) & 0xFFFFFFFF:08x}",
    }


def generate(client: Client, scope: str, name: str, files: int, rse: str) -> float:
    started = time.monotonic()
    client.add_dataset(scope, name, meta={"project": "bench"} if not scope.startswith("user.") else None)
    for first in range(0, files, BATCH):
        batch = [
            file_entry(scope, f"{name}.file{i:07d}.root", i) for i in range(first, min(first + BATCH, files))
        ]
        client.add_files_to_dataset(scope, name, batch, rse=rse)
    client.close(scope, name)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=10_000, help="number of files (default 10,000)")
    parser.add_argument("--scope", default="user.jdoe")
    parser.add_argument("--name", help="dataset name (default: bench.<files>files.<timestamp>)")
    parser.add_argument(
        "--rse", default=REMOTE_RSES[0], help=f"RSE of the replicas (default {REMOTE_RSES[0]})"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args()
    if args.files < 1:
        parser.error("--files must be at least 1")
    name = args.name or f"bench.{args.files}files.{time.strftime('%Y%m%dT%H%M%S')}"
    seconds = generate(Client(), args.scope, name, args.files, args.rse)
    result = {
        "did": f"{args.scope}:{name}",
        "files": args.files,
        "rse": args.rse,
        "seconds": round(seconds, 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"registered {result['did']}: {args.files} files on {args.rse} in {seconds:.1f}s "
            f"({args.files / seconds:.0f} files/s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
