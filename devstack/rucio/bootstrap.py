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

from stack_layout import (
    PG_DATABASE,
    PG_PASSWORD,
    PG_USER,
    ROOT_ACCOUNT,
    ROOT_USERNAME,
    SECOND_VO,
    VO,
    Layout,
    layout,
)

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


def add_vos() -> None:
    """Multi-VO: a root account in the default VO, and the second VO with its own root.

    In multi-VO mode Rucio's bootstrap makes only super_root in the default VO, an
    account that may manage VOs and nothing else; the dev stack seeds the default VO
    too, so it gets a root with the bootstrap identity as well. add_vo (what
    `rucio-admin vo add` calls) makes the second VO's root and maps super_root's
    identities to it, so the same root client config logs in to either VO.
    """
    from rucio.common.types import InternalAccount
    from rucio.core.account import add_account
    from rucio.core.identity import add_account_identity
    from rucio.core.vo import add_vo
    from rucio.db.sqla.constants import AccountType, DatabaseOperationType, IdentityType
    from rucio.db.sqla.session import db_session

    email = "root@vre.example.org"
    root = InternalAccount(ROOT_ACCOUNT, vo=VO)
    with db_session(DatabaseOperationType.WRITE) as session:
        add_account(root, AccountType.SERVICE, email, session=session)
        add_account_identity(ROOT_USERNAME, IdentityType.USERPASS, root, email, default=True, session=session)
        add_vo(SECOND_VO, "second VO of the dev stack", email, session=session)


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
    if lay.multi_vo:
        add_vos()
    print(f"rucio: {lay.database} database bootstrapped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
