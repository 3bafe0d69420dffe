"""Move bytes between HTTP streams and workspace files without holding them in memory.

Used for every streamed transfer (REANA inputs and outputs, Zenodo files):
memory stays flat whatever the file size, progress is reported as bytes move,
and a download that fails or is cancelled leaves no file at its target.
File I/O runs in a worker thread, so the event loop never waits on the disk.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterable, AsyncIterator, Callable
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from .errors import local_file_error

CHUNK = 1 << 20

BytesDone = Callable[[int], None]
T = TypeVar("T")


async def save_stream(chunks: AsyncIterable[bytes], target: Path, on_bytes: BytesDone | None = None) -> int:
    """Write `chunks` to `target` through a temporary file in the same folder; return the byte count.

    `target` appears only complete: on any error or cancellation the temporary
    file is removed and an existing `target` is left as it was. A failure of the
    disk (full, not writable) is a workspace error; one of `chunks` (the network)
    is raised as it is.
    """

    async def on_disk(fn: Callable[..., T], *args: Any) -> T:
        try:
            return await asyncio.to_thread(fn, *args)
        except OSError as err:
            raise local_file_error(err, target.name) from None

    fd, tmp_name = await on_disk(_make_temporary, target)
    tmp = Path(tmp_name)
    handle = os.fdopen(fd, "wb")
    written = 0
    try:
        async for chunk in chunks:
            await on_disk(handle.write, chunk)
            written += len(chunk)
            if on_bytes:
                on_bytes(written)
        await on_disk(_flush_and_close, handle)
        await on_disk(tmp.replace, target)
    except BaseException:
        handle.close()
        tmp.unlink(missing_ok=True)
        raise
    return written


def _make_temporary(target: Path) -> tuple[int, str]:
    target.parent.mkdir(parents=True, exist_ok=True)
    return tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")


def _flush_and_close(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


async def read_file(
    path: Path, on_bytes: BytesDone | None = None, chunk: int = CHUNK
) -> AsyncIterator[bytes]:
    """The bytes of `path`, a chunk at a time (e.g. as an httpx request body), reporting bytes read.

    A file that cannot be read, or goes away, is a workspace error naming it, not a backend failure.
    """
    try:
        handle = await asyncio.to_thread(open, path, "rb")
    except OSError as err:
        raise local_file_error(err, path.name) from None
    done = 0
    try:
        while True:
            try:
                data = await asyncio.to_thread(handle.read, chunk)
            except OSError as err:
                raise local_file_error(err, path.name) from None
            if not data:
                break
            done += len(data)
            if on_bytes:
                on_bytes(done)
            yield data
    finally:
        handle.close()


class ByteProgress:
    """Byte progress of files moved one after another, reported as one total to a task."""

    def __init__(self, report: Callable[[int, int | None], None], total: int | None) -> None:
        self.report, self.total, self.done = report, total, 0
        report(0, total)

    def next_file(self) -> BytesDone:
        """For the file about to move: its bytes so far, added to those of the files before it."""
        before = self.done
        return lambda n: self.report(before + n, self.total)

    def file_done(self, size: int) -> None:
        self.done += size
        self.report(self.done, self.total)
