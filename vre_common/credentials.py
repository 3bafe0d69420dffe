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
    def __init__(self, path: str | os.PathLike[str], admin: dict[str, dict[str, str]] | None = None) -> None:
        """`admin` maps "service/instance" to fields, e.g. {"reana/default": {"token": "..."}}."""
        self.path = Path(path)
        self._admin = {key: dict(fields) for key, fields in (admin or {}).items()}
        self._lock = threading.Lock()

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            return json.loads(self.path.read_text())
        except FileNotFoundError:
            return {}

    def _write(self, data: dict[str, dict[str, str]]) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        with atomic_write(self.path, "w") as handle:
            os.fchmod(handle.fileno(), 0o600)
            json.dump(data, handle, indent=1, sort_keys=True)

    def add_admin(self, service: str, instance: str, fields: dict[str, str]) -> None:
        """Pre-provision a credential (from an extension's config or environment)."""
        self._admin.setdefault(_key(service, instance), dict(fields))

    def get(self, service: str, instance: str) -> tuple[dict[str, Secret], Source] | None:
        """The fields and where they came from, or None."""
        key = _key(service, instance)
        with self._lock:
            user = self._read().get(key)
        if user:
            return {k: Secret(v) for k, v in user.items()}, "user"
        if admin := self._admin.get(key):
            return {k: Secret(v) for k, v in admin.items()}, "admin"
        return None

    def set(self, service: str, instance: str, fields: dict[str, str]) -> None:
        with self._lock:
            data = self._read()
            data[_key(service, instance)] = dict(fields)
            self._write(data)

    def delete(self, service: str, instance: str) -> bool:
        """Remove the user's own value (an admin's stays). True if there was one."""
        with self._lock:
            data = self._read()
            if data.pop(_key(service, instance), None) is None:
                return False
            self._write(data)
            return True
