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

Through the API, registration runs at 35 to 340 files/s on this machine: hours for a
million files. With --direct the same rows (the dataset, its files, contents and
replicas and, with --on-mount, jdoe's OK rule with its dataset lock and an OK lock
per file) go straight into Rucio's database through Rucio's own SQLAlchemy models,
20,000 rows per INSERT. For benchmarks only: the account usage counters and Rucio's
messages are not updated as the API would update them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import zlib
from collections.abc import Iterator

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


def batches(
    scope: str, name: str, files: int, size: int | None, on_mount: bool, per: int
) -> Iterator[list[dict[str, object]]]:
    """The dataset's file entries, `per` at a time, each batch's sparse files written first with --on-mount."""
    for first in range(0, files, per):
        batch = [
            file_entry(scope, f"{name}.file{i:07d}.root", i, size)
            for i in range(first, min(first + per, files))
        ]
        if on_mount:
            write_sparse(batch)
        yield batch


def generate(
    client: Client, scope: str, name: str, files: int, rse: str, size: int | None, on_mount: bool
) -> float:
    started = time.monotonic()
    client.add_dataset(scope, name, meta={"project": "bench"} if not scope.startswith("user.") else None)
    for batch in batches(scope, name, files, size, on_mount, BATCH):
        client.add_files_to_dataset(scope, name, batch, rse=rse)
    client.close(scope, name)
    if on_mount:
        # As jdoe, as "Make available" would: the replicas are there, so the rule is OK at once.
        os.environ["RUCIO_CONFIG"] = str(layout().client_config)
        clean_cached_config()
        Client().add_replication_rule([{"scope": scope, "name": name}], 1, rse)
    return time.monotonic() - started


CHUNK = 20_000  # rows per INSERT with --direct


def generate_direct(scope: str, name: str, files: int, rse: str, size: int | None, on_mount: bool) -> float:
    """The rows `generate` makes through the API, inserted with Rucio's models (see the module's doc)."""
    os.environ["RUCIO_CONFIG"] = str(layout().server_config)
    clean_cached_config()
    from rucio.common.types import InternalAccount, InternalScope
    from rucio.common.utils import generate_uuid
    from rucio.core.rse import get_rse_id
    from rucio.db.sqla import models
    from rucio.db.sqla.constants import DIDType, LockState, ReplicaState, RuleGrouping, RuleState
    from rucio.db.sqla.session import get_session
    from sqlalchemy import insert, update

    started = time.monotonic()
    session = get_session()
    rse_id = get_rse_id(rse, session=session)
    did_scope, jdoe = InternalScope(scope), InternalAccount("jdoe")
    dataset = {"scope": did_scope, "name": name}
    rule = {**dataset, "rule_id": generate_uuid(), "rse_id": rse_id, "account": jdoe}
    # The parents first: contents, replicas and locks point at them.
    session.execute(
        insert(models.DataIdentifier),
        [{**dataset, "account": jdoe, "did_type": DIDType.DATASET, "is_open": True, "is_new": False}],
    )
    if on_mount:
        session.execute(
            insert(models.ReplicationRule),
            [
                {
                    **dataset,
                    "id": rule["rule_id"],
                    "account": jdoe,
                    "did_type": DIDType.DATASET,
                    "state": RuleState.REPLICATING,
                    "rse_expression": rse,
                    "copies": 1,
                    "locked": False,
                    "grouping": RuleGrouping.DATASET,
                    "purge_replicas": False,
                    "ignore_availability": False,
                    "ignore_account_limit": False,
                }
            ],
        )
    session.commit()
    total = done = 0
    for batch in batches(scope, name, files, size, on_mount, CHUNK):
        rows = [
            {"scope": did_scope, "name": f["name"], "bytes": f["bytes"], "adler32": f["adler32"]}
            for f in batch
        ]
        total += sum(int(r["bytes"]) for r in rows)  # type: ignore[call-overload]
        session.execute(
            insert(models.DataIdentifier),
            [{**r, "account": jdoe, "did_type": DIDType.FILE, "is_new": False} for r in rows],
        )
        session.execute(
            insert(models.DataIdentifierAssociation),
            [
                {
                    **dataset,
                    "child_scope": did_scope,
                    "child_name": r["name"],
                    "did_type": DIDType.DATASET,
                    "child_type": DIDType.FILE,
                    "bytes": r["bytes"],
                    "adler32": r["adler32"],
                }
                for r in rows
            ],
        )
        session.execute(
            insert(models.RSEFileAssociation),
            [
                {**r, "rse_id": rse_id, "state": ReplicaState.AVAILABLE, "lock_cnt": int(on_mount)}
                for r in rows
            ],
        )
        if on_mount:
            session.execute(
                insert(models.ReplicaLock),
                [
                    {
                        "scope": did_scope,
                        "name": r["name"],
                        "rule_id": rule["rule_id"],
                        "rse_id": rse_id,
                        "account": jdoe,
                        "bytes": r["bytes"],
                        "state": LockState.OK,
                    }
                    for r in rows
                ],
            )
        session.commit()
        done += len(rows)
        print(f"  {done:,} of {files:,} files", file=sys.stderr, flush=True)
    session.execute(
        update(models.DataIdentifier)
        .where(models.DataIdentifier.scope == did_scope, models.DataIdentifier.name == name)
        .values(is_open=False, length=files, bytes=total)
    )
    if on_mount:
        session.execute(
            update(models.ReplicationRule)
            .where(models.ReplicationRule.id == rule["rule_id"])
            .values(state=RuleState.OK, locks_ok_cnt=files)
        )
        session.execute(
            insert(models.DatasetLock),
            [{**rule, "state": LockState.OK, "length": files, "bytes": total}],
        )
    session.commit()
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
    parser.add_argument(
        "--direct", action="store_true", help="insert the rows into Rucio's database (large datasets)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    args = parser.parse_args()
    if args.files < 1:
        parser.error("--files must be at least 1")
    name = args.name or f"bench.{args.files}files.{time.strftime('%Y%m%dT%H%M%S')}"
    rse = MOUNTED_RSE if args.on_mount else args.rse
    if args.direct:
        seconds = generate_direct(args.scope, name, args.files, rse, args.bytes, args.on_mount)
    else:
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
