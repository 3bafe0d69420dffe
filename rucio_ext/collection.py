"""A collection's files, located and checked chunk by chunk, with progress and cancel.

A dataset may hold a million files. Nothing here lists, locates or checks them
in one call under one timeout, nor holds them in memory: Rucio's `list_files`
stream is read `CHUNK` files at a time, each chunk is located (where each file
should be) by its own Rucio call and checked (there, with Rucio's size) by stats
spread over the bounded executor, while the next chunk is already being read
from Rucio. Found paths go to a file as they come, and
that file is kept only when every file was found: a collection that is not
whole never resolves to the part of it that is there.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import os
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from rucio.client import Client

from vre_common.errors import Conflict
from vre_common.paths import atomic_write
from vre_common.tasks import Task

from .session import RucioSession

CHUNK = 1000  # files per Rucio call: the most that Rucio's schema takes in one list_replicas
STAT_JOBS = 8  # parallel stat jobs per chunk (network mounts answer stats slowly, not in series)
EXAMPLES = 3  # missing files named in the message
SAMPLE = 100  # paths kept in a task's result
STORAGE = "mounted storage"


@dataclass(frozen=True)
class RucioFile:
    scope: str
    name: str
    bytes: int | None
    adler32: str | None

    @property
    def did(self) -> str:
        return f"{self.scope}:{self.name}"

    @staticmethod
    def of(raw: dict[str, Any]) -> RucioFile:
        return RucioFile(raw["scope"], raw["name"], raw.get("bytes"), raw.get("adler32"))


# Where each file of a chunk should be (None: Rucio has it nowhere we can read). Blocking.
Locate = Callable[[Client, list[RucioFile]], list[str | None]]


@dataclass
class Tally:
    """What a walk over a collection found."""

    files: int = 0
    missing: int = 0
    bytes: int = 0
    examples: list[str] = field(default_factory=list)  # the first missing DIDs
    sample: list[str] = field(default_factory=list)  # the first paths found

    def problem(self, did: tuple[str, str], how: str) -> Conflict | None:
        """The 409 for a collection that is not whole (or empty), None when all its files are there."""
        if self.files and not self.missing:
            return None
        if not self.files:
            return Conflict(f"{did[0]}:{did[1]} holds no files.", code="not_available")
        named = ", ".join(self.examples) + (", …" if self.missing > len(self.examples) else "")
        return Conflict(
            f"{did[0]}:{did[1]} is not available yet: {self.missing} of {self.files} files are missing "
            f"({named}); {how}.",
            code="not_available",
        )


async def file_chunks(
    session: RucioSession, did: tuple[str, str], size: int = CHUNK
) -> AsyncIterator[list[RucioFile]]:
    """The files of a collection, `size` at a time, from one streamed `list_files`.

    Each chunk is read in its own executor call, so the whole listing is under
    no single timeout; the stream is closed when the caller stops early.
    """

    def open_listing(client: Client) -> Iterator[dict[str, Any]]:
        return iter(client.list_files(*did))

    listing = await session.call(open_listing)
    try:
        while True:
            raw = await session.call(lambda _client: list(itertools.islice(listing, size)))
            if raw:
                yield [RucioFile.of(item) for item in raw]
            if len(raw) < size:
                return
    finally:
        close = getattr(listing, "close", None)
        if close:
            close()


async def one_ahead(chunks: AsyncIterator[list[RucioFile]]) -> AsyncIterator[list[RucioFile]]:
    """`chunks`, the next one already being read from Rucio while the caller checks the current one."""
    pending = asyncio.ensure_future(anext(chunks, None))
    try:
        while (chunk := await pending) is not None:
            pending = asyncio.ensure_future(anext(chunks, None))
            yield chunk
    finally:
        # Let the read in flight end (one chunk, under its call's timeout) before the listing closes.
        with contextlib.suppress(Exception):
            await pending
        await chunks.aclose()  # type: ignore[attr-defined]


def whole_file_there(path: str | None, size: int | None) -> bool:
    if path is None:
        return False
    try:
        found = os.stat(path)
    except OSError:
        return False
    return os.path.isfile(path) and (size is None or found.st_size == size)


async def check_there(session: RucioSession, files: list[RucioFile], paths: list[str | None]) -> list[bool]:
    """Whether each file is at its path with Rucio's size: stats in parallel jobs in the executor."""
    executor = session.vre.executor
    step = max(1, -(-len(files) // STAT_JOBS))

    def stat_slice(start: int) -> list[bool]:
        return [
            whole_file_there(path, file.bytes)
            for file, path in zip(files[start : start + step], paths[start : start + step], strict=True)
        ]

    slices = await asyncio.gather(
        *(executor.run(STORAGE, session.timeout, stat_slice, start) for start in range(0, len(files), step))
    )
    return [ok for part in slices for ok in part]


class PathsFile:
    """Paths written a chunk at a time to a temporary file, renamed to `target` only when complete."""

    def __init__(self, session: RucioSession, target: Path) -> None:
        self.session = session
        self.target = target
        self._writer: contextlib.AbstractContextManager[IO[Any]] | None = None
        self._handle: IO[Any] | None = None

    async def _run(self, fn: Callable[[], None]) -> None:
        await self.session.vre.executor.run(STORAGE, self.session.timeout, fn)

    async def open(self) -> None:
        def start() -> None:
            self.target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._writer = atomic_write(self.target, "w")
            self._handle = self._writer.__enter__()

        await self._run(start)

    async def write(self, paths: list[str]) -> None:
        text = "".join(f"{p}\n" for p in paths)
        await self._run(lambda: self._handle.write(text) if self._handle else None)  # type: ignore[func-returns-value]

    async def close(self, keep: bool) -> None:
        """Rename into place (`keep`) or remove the temporary file."""
        writer, self._writer = self._writer, None
        if writer is None:
            return

        def finish() -> None:
            if keep:
                writer.__exit__(None, None, None)
            else:
                with contextlib.suppress(Conflict):
                    writer.__exit__(Conflict, Conflict("incomplete"), None)

        await asyncio.shield(self._run(finish))


def paths_file_for(folder: Path, instance: str, did: str) -> Path:
    """One file per attached DID, named so that no DID can choose where it goes."""
    digest = hashlib.sha256(f"{instance}\n{did}".encode()).hexdigest()[:32]
    return folder / f"{digest}.paths"


async def walk(
    session: RucioSession,
    did: tuple[str, str],
    locate: Locate,
    task: Task,
    out: Path | None = None,
    offset: int = 0,
) -> Tally:
    """Locate and check every file of a collection, `CHUNK` at a time; the paths go to `out`.

    Progress is reported in files (total: Rucio's file count when it has one);
    `offset` is the progress already made by earlier walks of the same task;
    a cancelled task stops at the next chunk. `out` is kept only if nothing is missing.
    """
    tally = Tally()
    if task.progress.total is None:  # Rucio's file count, when it keeps one (closed datasets do)
        length = (await session.call(lambda client: client.get_did(*did))).get("length")
        task.report(offset, length)
    writer = PathsFile(session, out) if out else None
    if writer:
        await writer.open()
    complete = False
    try:
        async with contextlib.aclosing(one_ahead(file_chunks(session, did))) as chunks:
            async for files in chunks:
                if task.cancelled:
                    break
                paths = await session.call(lambda client, chunk=files: locate(client, chunk))
                there = await check_there(session, files, paths)
                found = []
                for file, path, ok in zip(files, paths, there, strict=True):
                    tally.files += 1
                    if ok and path is not None:
                        found.append(path)
                        tally.bytes += file.bytes or 0
                    else:
                        tally.missing += 1
                        if len(tally.examples) < EXAMPLES:
                            tally.examples.append(file.did)
                tally.sample.extend(found[: SAMPLE - len(tally.sample)])
                if writer and not tally.missing:
                    await writer.write(found)
                task.report(offset + tally.files)
        complete = not task.cancelled
    finally:
        if writer:
            await writer.close(keep=complete and tally.files > 0 and not tally.missing)
    return tally
