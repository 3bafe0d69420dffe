"""Verify checksums: read every byte of DIDs' files where the notebook reads them, compare adler32.

Kept apart from making available: over a network mount, reading a terabyte
takes hours, so it is a task of its own that the user starts, with progress in
bytes and cancel. The files are walked in chunks as everywhere else
(`collection.py`); each file is read in its own stoppable executor call whose
time limit grows with its size.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

from vre_common.errors import Conflict
from vre_common.tasks import Task, TaskRegistry

from .collection import EXAMPLES, Locate, RucioFile, file_chunks
from .session import RucioSession

CHUNK = 4 << 20
MIN_RATE = 1 << 20  # bytes/s below which reading a file counts as stalled
STORAGE = "mounted storage"


class Stopped(Exception):
    """Cancelled while a file was being read."""


def adler32_of(path: str, stop: threading.Event, on_bytes: Callable[[int], None]) -> str | None:
    """The adler32 of a file as Rucio writes it (8 hex digits); None when it cannot be read."""
    value = 1
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                if stop.is_set():
                    raise Stopped
                value = zlib.adler32(chunk, value)
                on_bytes(len(chunk))
    except OSError:
        return None
    return f"{value & 0xFFFFFFFF:08x}"


class Verification:
    def __init__(
        self,
        session: RucioSession,
        tasks: TaskRegistry,
        locator: Callable[[tuple[str, str]], Awaitable[Locate]],
    ) -> None:
        self.session = session
        self.tasks = tasks
        self.locator = locator

    def start(self, dids: list[tuple[str, str]]) -> Task:
        first = f"{dids[0][0]}:{dids[0][1]}"
        title = f"Verify checksums of {first}" + (f" (and {len(dids) - 1} more)" if len(dids) > 1 else "")
        return self.tasks.start("rucio.verify", title, lambda task: self._run(task, dids), unit="bytes")

    async def _run(self, task: Task, dids: list[tuple[str, str]]) -> dict[str, Any]:
        def sizes(client: Any) -> int:
            return sum(int(client.get_did(*did, dynamic_depth="FILE").get("bytes") or 0) for did in dids)

        task.report(0, await self.session.call(sizes))
        done = files = 0
        bad: list[str] = []
        for did in dids:
            locate = await self.locator(did)
            async for chunk in file_chunks(self.session, did):
                paths = await self.session.call(lambda client, c=chunk, where=locate: where(client, c))
                for file, path in zip(chunk, paths, strict=True):
                    if task.cancelled:
                        return {"files": files, "bytes": done, "mismatched": len(bad)}
                    files += 1
                    if not await self._matches(file, path, task, done):
                        bad.append(file.did)
                    done += file.bytes or 0
                    task.report(done)
        if bad:
            named = ", ".join(bad[:EXAMPLES]) + (", …" if len(bad) > EXAMPLES else "")
            raise Conflict(
                f"{len(bad)} of {files} files are missing or do not match Rucio's adler32 ({named}): "
                "make them available again, or ask your admin to check the storage.",
                code="checksum_mismatch",
            )
        return {"files": files, "bytes": done, "mismatched": 0}

    async def _matches(self, file: RucioFile, path: str | None, task: Task, offset: int) -> bool:
        if path is None:
            return False
        read = 0

        def count(n: int) -> None:
            nonlocal read
            read += n
            task.report(offset + read)

        limit = self.session.timeout + (file.bytes or 0) / MIN_RATE
        try:
            value = await self.session.vre.executor.run_stoppable(
                STORAGE, limit, lambda stop: adler32_of(path, stop, count)
            )
        except Stopped:
            return True  # cancelled: the caller stops before counting anything more
        if value is None or (file.bytes is not None and read != file.bytes):
            return False
        return not file.adler32 or value == file.adler32.zfill(8)
