"""Register a large dataset in the dev-stack Rucio, for listing speed (tests, benchmarks).

    $VRE_DEVSTACK_HOME/venvs/rucio/bin/python devstack/rucio/generate_dataset.py [--files 100000]

The files are metadata-only replicas on a remote RSE: Rucio lists them like any
other, but they have no bytes on disk, so a rule that would copy them gets stuck.
Registration goes through the API as root, in bulk calls of 500 files (1,000 hits
SQLite's "Expression tree is too large"). Prints the dataset and the time taken;
with --json, one JSON object on stdout.

With --on-mount the replicas are on the mounted RSE instead, each file written at
its path in the RSE's storage as a sparse file of Rucio's size (--bytes each; no
disk space used, and the adler32 is not the file's: for size checks, not for
"Verify checksums"). A rule of jdoe's then puts the dataset on that RSE and is OK
at once: the state after "Make available" for any dataset size, in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zlib

from stack_layout import MOUNTED_RSE, REMOTE_RSES, layout

os.environ["RUCIO_CONFIG"] = str(layout().root_client_config)

from rucio.client import Client
from rucio.common.config import clean_cached_config

BATCH = 500


def file_entry(scope: str, name: str, index: int, size: int | None) -> dict[str, object]:
    return {
        "scope": scope,
        "name": name,
        "bytes": size if size is not None else 1024 + index % 4096,
        "adler32": f"{zlib.adler32(name.encode()) & 0xFFFFFFFF:08x}",
    }


def write_sparse(files: list[dict[str, object]]) -> None:
    """Each file at its path in the mounted RSE's storage (identity lfn2pfn: user.x -> user/x)."""
    storage = layout().rse_dir(MOUNTED_RSE)
    for file in files:
        scope = str(file["scope"])
        folder = (
            storage.joinpath(*scope.split(".", 1))
            if scope.startswith(("user.", "group."))
            else storage / scope
        )
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / str(file["name"]), "wb") as handle:
            handle.truncate(int(file["bytes"]))  # type: ignore[call-overload]


def generate(
    client: Client, scope: str, name: str, files: int, rse: str, size: int | None, on_mount: bool
) -> float:
    started = time.monotonic()
    client.add_dataset(scope, name, meta={"project": "bench"} if not scope.startswith("user.") else None)
    for first in range(0, files, BATCH):
        batch = [
            file_entry(scope, f"{name}.file{i:07d}.root", i, size)
            for i in range(first, min(first + BATCH, files))
        ]
        if on_mount:
            write_sparse(batch)
        client.add_files_to_dataset(scope, name, batch, rse=rse)
    client.close(scope, name)
    if on_mount:
        # As jdoe, as "Make available" would: the replicas are there, so the rule is OK at once.
        os.environ["RUCIO_CONFIG"] = str(layout().client_config)
        clean_cached_config()
        Client().add_replication_rule([{"scope": scope, "name": name}], 1, rse)
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
    parser.add_argument(
        "--on-mount",
        action="store_true",
        help=f"replicas on {MOUNTED_RSE}, sparse files in its storage, and an OK rule of jdoe's",
    )
    parser.add_argument("--bytes", type=int, help="size of each file (default 1,024 to 5,119 bytes)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args()
    if args.files < 1:
        parser.error("--files must be at least 1")
    name = args.name or f"bench.{args.files}files.{time.strftime('%Y%m%dT%H%M%S')}"
    rse = MOUNTED_RSE if args.on_mount else args.rse
    seconds = generate(Client(), args.scope, name, args.files, rse, args.bytes, args.on_mount)
    result = {
        "did": f"{args.scope}:{name}",
        "files": args.files,
        "rse": rse,
        "seconds": round(seconds, 2),
    }
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"registered {result['did']}: {args.files} files on {rse} in {seconds:.1f}s "
            f"({args.files / seconds:.0f} files/s)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
