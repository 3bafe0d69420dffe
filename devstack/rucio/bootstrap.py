"""Create the Rucio database once (run by supervisor.py before the server, with the rucio venv).

SQLite: the file Layout.db. PostgreSQL: the database PG_DATABASE in the private cluster,
which supervisor.py has started by then. A database counts as bootstrapped when it
has the root account; anything else is a leftover of an interrupted bootstrap and is
rebuilt. Quick when there is nothing to do.
"""

from __future__ import annotations

import os
import sqlite3
import sys

from stack_layout import PG_DATABASE, PG_PASSWORD, PG_USER, Layout, layout

HAS_ROOT = "SELECT 1 FROM accounts WHERE account = 'root'"


def sqlite_bootstrapped(lay: Layout) -> bool:
    if not lay.db.exists():
        return False
    try:
        with sqlite3.connect(lay.db) as conn:
            return conn.execute(HAS_ROOT).fetchone() is not None
    except sqlite3.Error:
        return False


def sqlite_reset(lay: Layout) -> None:
    for leftover in (lay.db, lay.db.with_name(lay.db.name + "-wal"), lay.db.with_name(lay.db.name + "-shm")):
        leftover.unlink(missing_ok=True)
    with sqlite3.connect(lay.db) as conn:
        # WAL: readers (the API) are not blocked by the daemons' writes. Persistent in the file.
        conn.execute("PRAGMA journal_mode=WAL")


def postgres_bootstrapped(lay: Layout) -> bool:
    import psycopg

    try:
        with psycopg.connect(**lay.pg_socket_conninfo()) as conn:
            return conn.execute(HAS_ROOT).fetchone() is not None
    except psycopg.Error:  # no database yet, or no accounts table
        return False


def postgres_reset(lay: Layout) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(**lay.pg_socket_conninfo("postgres"), autocommit=True) as conn:
        # Rucio connects over loopback TCP with this password (the socket needs none).
        conn.execute(
            sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(PG_USER), sql.Literal(PG_PASSWORD))
        )
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(PG_DATABASE)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(PG_DATABASE)))


def main() -> int:
    lay = layout()
    postgres = lay.database == "postgresql"
    if (postgres_bootstrapped if postgres else sqlite_bootstrapped)(lay):
        return 0
    lay.samples_record.unlink(missing_ok=True)
    (postgres_reset if postgres else sqlite_reset)(lay)
    os.environ["RUCIO_CONFIG"] = str(lay.server_config)
    from rucio.db.sqla.util import build_database, create_base_vo, create_root_account

    build_database()
    create_base_vo()
    create_root_account()
    print(f"rucio: {lay.database} database bootstrapped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
