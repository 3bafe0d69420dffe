"""Write the configs and create the Rucio database once (run by setup.sh with the rucio venv).

A database counts as bootstrapped when it has the root account; anything else at
that path is a leftover of an interrupted bootstrap and is rebuilt.
"""

from __future__ import annotations

import os
import sqlite3
import sys

from stack_layout import layout, write_configs


def bootstrapped(db: str) -> bool:
    if not os.path.exists(db):
        return False
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT 1 FROM accounts WHERE account = 'root'").fetchone() is not None
    except sqlite3.Error:
        return False


def main() -> int:
    lay = layout()
    write_configs(lay)
    lay.logs.mkdir(parents=True, exist_ok=True)
    if bootstrapped(str(lay.db)):
        return 0
    for leftover in (lay.db, lay.db.with_name(lay.db.name + "-wal"), lay.db.with_name(lay.db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    lay.samples_record.unlink(missing_ok=True)
    with sqlite3.connect(lay.db) as conn:
        # WAL: readers (the API) are not blocked by the daemons' writes. Persistent in the file.
        conn.execute("PRAGMA journal_mode=WAL")
    os.environ["RUCIO_CONFIG"] = str(lay.server_config)
    from rucio.db.sqla.util import build_database, create_base_vo, create_root_account

    build_database()
    create_base_vo()
    create_root_account()
    print(f"rucio: database bootstrapped at {lay.db}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
