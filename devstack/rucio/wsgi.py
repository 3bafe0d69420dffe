"""The Rucio server's WSGI application, with the dev stack's SQLite locking (see sqlite_locking.py)."""

import logging

import sqlite_locking
from stack_layout import layout

if layout().database == "sqlite":
    sqlite_locking.install()

from rucio.web.rest.flaskapi.v1.main import application  # after install(): it makes the engine


def _not_boolean_nag(record: logging.LogRecord) -> bool:
    # rucio-clients 41 sends 0/1 query flags; the server warns once per flag per request.
    return not record.getMessage().startswith("Booleans should only accept true/false")


logging.getLogger().addFilter(_not_boolean_nag)

__all__ = ["application"]
