"""Service credentials that are not IAM tokens: a REANA token, a Zenodo token, a Rucio password.

Kept server-side in one JSON file with mode 0600 under the Jupyter data
directory, written atomically. Admins can pre-provision values by config or
environment; a user's own value wins over the admin's.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Literal

from .paths import atomic_write

Source = Literal["user", "admin"]


class Secret(str):
    """A string that does not show itself in reprs, logs or tracebacks."""

    def __repr__(self) -> str:
        return "Secret('***')"


def _key(service: str, instance: str) -> str:
    return f"{service}/{instance}"


class CredentialStore:
    """The credentials file, held in memory: reading a credential never touches the disk.

    Writes go through to the file (atomically, 0600). A change made by someone else
    (another server of the same user, an admin) is picked up by `reload`, which the
    server runs off the event loop every few seconds.
    """

    def __init__(self, path: str | os.PathLike[str], admin: dict[str, dict[str, str]] | None = None) -> None:
        """`admin` maps "service/instance" to fields, e.g. {"reana/default": {"token": "..."}}."""
        self.path = Path(path)
        self._admin = {key: dict(fields) for key, fields in (admin or {}).items()}
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, str]] = {}
        self._stamp: tuple[int, int] | None = None
        self.reload()  # at start-up, before any request

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            found = self.path.stat()
        except FileNotFoundError:
            return None
        return found.st_mtime_ns, found.st_size

    def reload(self) -> bool:
        """Read the file again if it changed since it was last read or written; blocking. True if it did."""
        with self._lock:
            stamp = self._file_stamp()
            if stamp == self._stamp:
                return False
            try:
                data = json.loads(self.path.read_text()) if stamp else {}
            except FileNotFoundError:
                data, stamp = {}, None
            self._data, self._stamp = data, stamp
            return True

    def _write(self, data: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with atomic_write(self.path, "w") as handle:
            os.fchmod(handle.fileno(), 0o600)
            json.dump(data, handle, indent=1, sort_keys=True)
        self._data, self._stamp = data, self._file_stamp()

    def add_admin(self, service: str, instance: str, fields: dict[str, str]) -> None:
        """Pre-provision a credential (from an extension's config or environment)."""
        self._admin.setdefault(_key(service, instance), dict(fields))

    def get(self, service: str, instance: str) -> tuple[dict[str, Secret], Source] | None:
        """The fields and where they came from, or None; from memory."""
        key = _key(service, instance)
        if user := self._data.get(key):
            return {k: Secret(v) for k, v in user.items()}, "user"
        if admin := self._admin.get(key):
            return {k: Secret(v) for k, v in admin.items()}, "admin"
        return None

    def set(self, service: str, instance: str, fields: dict[str, str]) -> None:
        """Store the user's own value; blocking (the file is written)."""
        with self._lock:
            self._write({**self._data, _key(service, instance): dict(fields)})

    def delete(self, service: str, instance: str) -> bool:
        """Remove the user's own value (an admin's stays). True if there was one; blocking."""
        with self._lock:
            key = _key(service, instance)
            if key not in self._data:
                return False
            self._write({k: v for k, v in self._data.items() if k != key})
            return True
