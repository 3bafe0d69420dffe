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
from typing import BinaryIO

from .errors import no_space_left

CHUNK = 1 << 20

BytesDone = Callable[[int], None]


async def save_stream(chunks: AsyncIterable[bytes], target: Path, on_bytes: BytesDone | None = None) -> int:
    """Write `chunks` to `target` through a temporary file in the same folder; return the byte count.

    `target` appears only complete: on any error or cancellation the temporary
    file is removed and an existing `target` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = await asyncio.to_thread(
        tempfile.mkstemp, dir=target.parent, prefix=f".{target.name}.", suffix=".part"
    )
    tmp = Path(tmp_name)
    handle = os.fdopen(fd, "wb")
    written = 0
    try:
        async for chunk in chunks:
            await asyncio.to_thread(handle.write, chunk)
            written += len(chunk)
            if on_bytes:
                on_bytes(written)
        await asyncio.to_thread(_flush_and_close, handle)
        await asyncio.to_thread(tmp.replace, target)
    except BaseException as err:
        handle.close()
        tmp.unlink(missing_ok=True)
        if isinstance(err, OSError) and (
            full := no_space_left(err, str(target.parent.name or target.parent))
        ):
            raise full from None
        raise
    return written


def _flush_and_close(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())
    handle.close()


async def read_file(
    path: Path, on_bytes: BytesDone | None = None, chunk: int = CHUNK
) -> AsyncIterator[bytes]:
    """The bytes of `path`, a chunk at a time (e.g. as an httpx request body), reporting bytes read."""
    handle = await asyncio.to_thread(open, path, "rb")
    done = 0
    try:
        while data := await asyncio.to_thread(handle.read, chunk):
            done += len(data)
            if on_bytes:
                on_bytes(done)
            yield data
    finally:
        handle.close()
