"""The dev stack's SQLite locking (devstack/rucio/sqlite_locking.py) as the Rucio server's requests meet it.

Flask is not installed here: a stand-in gives `_may_write` the request it asks about.
"""

from __future__ import annotations

import importlib.util
import sqlite3
import sys
import threading
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

REPO = Path(__file__).resolve().parents[2]
JWT = "header.payload.signature"
RUCIO_TOKEN = "jdoe-jdoe-a1b2c3"  # what Rucio's own /auth endpoints hand out: no dots


def load_locking() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sqlite_locking", REPO / "devstack/rucio/sqlite_locking.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def locking() -> ModuleType:
    return load_locking()


@pytest.fixture
def request_as(monkeypatch):
    """`request_as(method, path, token, checked)`: the Flask request the server is handling."""

    def set_request(method: str, path: str, token: str = "", checked: bool = False) -> None:
        environ = {"issuer": "jdoe"} if checked else {}  # Rucio's request_auth_env sets it
        request = SimpleNamespace(
            method=method, path=path, headers={"X-Rucio-Auth-Token": token}, environ=environ
        )
        flask = ModuleType("flask")
        flask.has_request_context = lambda: True
        flask.request = request
        monkeypatch.setitem(sys.modules, "flask", flask)

    return set_request


@pytest.mark.parametrize(
    ("method", "path", "token", "checked", "writes"),
    [
        ("GET", "/auth/userpass", "", False, True),
        ("GET", "/dids/user.jdoe/files", RUCIO_TOKEN, False, False),
        ("GET", "/dids/user.jdoe/files", JWT, False, True),
        ("POST", "/rules/", RUCIO_TOKEN, True, True),
        ("POST", "/replicas/list", RUCIO_TOKEN, False, False),
        ("POST", "/replicas/list", RUCIO_TOKEN, True, False),
        # Checking a JWT may store it (the first request with it): the write lock, read-only path or not.
        ("POST", "/replicas/list", JWT, False, True),
        # Once checked, the listing itself does not hold the write lock.
        ("POST", "/replicas/list", JWT, True, False),
    ],
)
def test_which_requests_take_the_write_lock(locking, request_as, method, path, token, checked, writes):
    request_as(method, path, token, checked)
    assert locking._may_write() is writes


def test_a_new_jwt_on_a_replica_listing_waits_for_a_daemon_instead_of_failing(tmp_path, locking, request_as):
    """Rucio stores a JWT it has not seen while it checks it; a deferred BEGIN that meets a daemon's write
    lock there fails at once ("database is locked"), which Rucio answers with 401 CannotAuthenticate."""
    db = tmp_path / "rucio.db"
    with sqlite3.connect(db) as setup:
        setup.execute("PRAGMA journal_mode=WAL")  # as devstack/rucio/bootstrap.py
        setup.execute("CREATE TABLE tokens (token TEXT PRIMARY KEY)")
    daemon = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    daemon.execute("BEGIN IMMEDIATE")  # a daemon's transaction (they all begin so)
    releases = threading.Timer(0.3, lambda: daemon.execute("COMMIT"))

    locking.install()
    try:
        engine = create_engine(f"sqlite:///{db}?timeout=10")
        request_as("POST", "/replicas/list", JWT)
        releases.start()
        with engine.begin() as conn:  # validate_auth_token's session: look the token up, then store it
            assert conn.exec_driver_sql("SELECT token FROM tokens WHERE token = ?", (JWT,)).first() is None
            conn.exec_driver_sql("INSERT INTO tokens VALUES (?)", (JWT,))
        engine.dispose()
    finally:
        releases.join()
        event.remove(Engine, "connect", locking._on_connect)
        event.remove(Engine, "begin", locking._on_begin)
        daemon.close()
    with sqlite3.connect(db) as check:
        assert check.execute("SELECT token FROM tokens").fetchall() == [(JWT,)]
