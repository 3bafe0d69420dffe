"""Take SQLite's write lock at the start of a transaction that may write.

Rucio's transactions read first and write later. With pysqlite's default (BEGIN
only just before the first write), a transaction whose read snapshot went stale
because another process committed meanwhile fails at its first write with
"database is locked" at once: SQLite cannot upgrade a stale snapshot and does
not wait. Beginning such transactions with BEGIN IMMEDIATE makes them queue for
the lock instead (up to the connection's timeout, 60 s in rucio.cfg).

A plain (deferred) BEGIN is kept for read-only API requests, so long listings do
not hold the write lock, and for a session opened while another session of the
same thread holds the lock (Rucio nests independent read sessions, e.g. config
look-ups inside add_rule): taking the lock there would wait on ourselves.

A read-only POST (/replicas/list) writes too while Rucio checks its auth token:
the first request with a JWT Rucio has not seen stores it (oidc.validate_jwt).
Deferred, that check failed at once whenever a daemon held the lock, and Rucio
answers such a failure with 401 CannotAuthenticate: a flaky 401 for the first
replica listing with a new IAM token. Once the token is checked Rucio sets the
request's `issuer`, and the listing itself begins deferred again.

Installed by wsgi.py (server) and daemon.py (daemons), on SQLite only.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

READ_ONLY_METHODS = ("GET", "HEAD", "OPTIONS")
READ_ONLY_POSTS = ("/replicas/list",)
_thread = threading.local()


def _may_write() -> bool:
    try:
        import flask
    except ImportError:
        return True
    if not flask.has_request_context():
        return True  # daemons, scripts
    request = flask.request
    jwt = request.headers.get("X-Rucio-Auth-Token", "").count(".") == 2
    if request.method in READ_ONLY_METHODS:
        # Authentication GETs store tokens, and so does the first request with a new JWT.
        return request.path.startswith("/auth") or jwt
    # A read-only POST too while Rucio checks its JWT (until then the request has no `issuer`).
    return not request.path.startswith(READ_ONLY_POSTS) or (jwt and "issuer" not in request.environ)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None  # pysqlite stops issuing BEGIN; _on_begin does


def _in_transaction(dbapi_connection: sqlite3.Connection) -> bool:
    try:
        return dbapi_connection.in_transaction
    except sqlite3.ProgrammingError:  # closed by the pool meanwhile
        return False


def _on_begin(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    this = connection.connection.dbapi_connection
    # Connections of this thread that still hold the write lock we took for them.
    holders = [c for c in getattr(_thread, "holders", ()) if c is not this and _in_transaction(c)]
    if not holders and _may_write():
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        holders.append(this)
    else:
        connection.exec_driver_sql("BEGIN")
    _thread.holders = holders


def install() -> None:
    event.listen(Engine, "connect", _on_connect)
    event.listen(Engine, "begin", _on_begin)
