"""What each running task needs to resume after the Jupyter server died: a small file, never a credential.

Hubs cull idle servers, restart them on upgrades and kill them when memory
runs out; the Rucio rules, REANA workflows and Zenodo drafts a task was
driving live on. The journal keeps, per running task, the request that
started it (DIDs, workspace paths, ids) and the folders where it writes
temporary files. At start the server reads it, removes those temporary files
and offers each task as interrupted, with Resume.

One JSON file, mode 0600 under the Jupyter data directory, replaced
atomically on every change. Writes happen on one thread of their own, in
order, so the event loop never waits on the disk.
"""

from __future__ import annotations

import json
import logging
import os
import re
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .credentials import Secret
from .paths import atomic_write

log = logging.getLogger(__name__)

VERSION = 1
# What `atomic_write` and `save_stream` name their temporary files: `.<name>.<8 random>.part`.
TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.part$")
# Keys that would hold a credential; the journal refuses them (a programming error, not user input).
SECRET_KEY = re.compile(r"token|password|secret|credential|authorization", re.IGNORECASE)
MAX_SCRATCH = 1000


def check_no_secret(value: Any, where: str = "entry") -> None:
    if isinstance(value, Secret):
        raise ValueError(f"the task journal refuses a credential at {where}")
    if isinstance(value, dict):
        for key, item in value.items():
            if SECRET_KEY.search(str(key)):
                raise ValueError(f"the task journal refuses a credential-like key {key!r} at {where}")
            check_no_secret(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_no_secret(item, f"{where}[{index}]")


def remove_temporary_files(folder: str) -> int:
    """Delete our transfer temporary files directly in `folder` (not below); how many."""
    removed = 0
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for entry in entries:
        if TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
            try:
                os.unlink(entry.path)
                removed += 1
            except OSError as err:
                log.warning("could not remove the left-over temporary file %s: %s", entry.path, err)
    return removed


class Journal:
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._entries: dict[str, dict[str, Any]] = {}
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vre-journal")
        self._last: Future[None] | None = None

    def load(self) -> dict[str, dict[str, Any]]:
        """The entries left by the previous server (blocking: called once, at start-up)."""
        try:
            data = json.loads(self.path.read_text())
            entries = data.get("tasks") if data.get("version") == VERSION else None
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, AttributeError) as err:
            log.warning("the task journal %s is unreadable (%s); starting without it", self.path, err)
            return {}
        if not isinstance(entries, dict):
            return {}
        self._entries = {k: v for k, v in entries.items() if isinstance(v, dict)}
        return dict(self._entries)

    def put(self, task_id: str, entry: dict[str, Any]) -> None:
        check_no_secret(entry)
        self._entries[task_id] = entry
        self._save()

    def drop(self, task_id: str) -> None:
        if self._entries.pop(task_id, None) is not None:
            self._save()

    def _save(self) -> None:
        snapshot = json.dumps({"version": VERSION, "tasks": self._entries}, indent=1, default=str)
        self._last = self._writer.submit(self._write, snapshot)

    def _write(self, text: str) -> None:
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            with atomic_write(self.path, "w") as handle:
                os.fchmod(handle.fileno(), 0o600)
                handle.write(text)
        except OSError as err:  # a full or read-only disk must not fail the task itself
            log.warning("could not write the task journal %s: %s", self.path, err)

    def flush(self, timeout: float = 10) -> None:
        """Wait until every change so far is on disk (blocking: for shutdown and tests)."""
        if self._last is not None:
            self._last.result(timeout)

    def close(self) -> None:
        self._writer.shutdown(wait=True)
