"""File bytes between the workspace and Zenodo: uploads to a draft's bucket, fetches of a record.

They move through httpx and `vre_common.streams`, as tasks with byte progress,
so memory stays flat and a fetch leaves no partial file.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from vre_common.errors import BackendError, BadRequest, Conflict, local_file_error
from vre_common.models import TaskInfo
from vre_common.paths import resolve_within
from vre_common.streams import CHUNK, ByteProgress, BytesDone, read_file, save_stream
from vre_common.tasks import Task
from vre_common.workspace import PUBLISHED_RECORD, workspace_files

from .answers import file_info, summary
from .client import ZenodoSession, check_response, map_error
from .depositions import Depositions

MAX_FILES = PUBLISHED_RECORD.max_files
SAFE_NAME = re.compile(r"^[^/\\\x00]{1,255}$")


class Transfers:
    def __init__(self, session: ZenodoSession, depositions: Depositions, root: Path) -> None:
        self.session = session
        self.depositions = depositions
        self.root = root
        self.vre = session.vre
        self._resumable()

    def _resumable(self) -> None:
        """After a server restart, uploads continue their draft and fetches their folder."""

        async def upload(params: dict[str, Any]) -> TaskInfo:
            return await self.upload(int(params["deposition_id"]), [str(p) for p in params["paths"]])

        async def fetch(params: dict[str, Any]) -> TaskInfo:
            return await self.fetch(
                int(params["record_id"]), str(params["folder"]), bool(params.get("overwrite")), True
            )

        self.vre.tasks.resumable(
            "zenodo.upload",
            upload,
            "Resuming continues the same draft; files already there with the same checksum are skipped.",
        )
        self.vre.tasks.resumable(
            "zenodo.fetch", fetch, "Files already saved with the record's checksum are kept and skipped."
        )

    async def upload(self, deposition_id: int, paths: list[str]) -> TaskInfo:
        """Upload workspace files and folders to a draft, as a task with byte progress.

        Retry-safe: a file already in the draft with the same name, size and md5
        is skipped; any other is put again under its name, which replaces it.
        """
        plan = await workspace_files(self.vre.executor, self.root, paths, PUBLISHED_RECORD)
        raw = await self.depositions.raw(deposition_id)
        head = summary(raw)
        if head.published:
            raise Conflict(
                "This deposition is published; make a new version to add files.", code="already_published"
            )
        bucket = (raw.get("links") or {}).get("bucket")
        if not bucket:
            raise BackendError("Zenodo", "the deposition has no file bucket; is it a new-style draft?")
        present = {f.name: f for f in (file_info(x) for x in raw.get("files") or [])}
        if len(set(present) | {file.name for file in plan}) > MAX_FILES:
            raise BadRequest(f"Zenodo takes at most {MAX_FILES} files per record.", code="too_many_files")
        token = self.session.token()
        total = sum(file.size for file in plan)
        label = paths[0] if len(paths) == 1 else f"{len(paths)} items"
        renamed = {file.path: file.name for file in plan if file.name != file.path}
        note = " (files in subfolders named folder__file)" if renamed else ""

        async def work(task: Task) -> dict[str, Any]:
            skipped = 0
            progress = ByteProgress(task.report, total)
            try:
                async with self.session.http() as http:
                    for file in plan:
                        known = present.get(file.name)
                        if known and known.size == file.size and known.checksum == await md5_of(file.local):
                            skipped += 1
                        else:
                            url = f"{bucket}/{quote(file.name)}"
                            await self._put(http, url, file.local, file.size, progress.next_file(), token)
                        progress.file_done(file.size)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                raise map_error(err, token) from None
            return {
                "deposition_id": deposition_id,
                "files": len(plan),
                "skipped": skipped,
                "bytes": total,
                "renamed": renamed,
            }

        task = self.vre.tasks.start(
            "zenodo.upload",
            f"Upload {label} to Zenodo #{deposition_id}{note}",
            work,
            unit="bytes",
            resume={"deposition_id": deposition_id, "paths": paths},
        )
        return task.info()

    async def _put(self, http: Any, url: str, path: Path, size: int, on_bytes: BytesDone, token: str) -> None:
        digest = hashlib.md5(usedforsecurity=False)  # Zenodo reports md5 checksums

        async def body() -> AsyncIterator[bytes]:
            async for chunk in read_file(path, on_bytes=on_bytes):
                await asyncio.to_thread(digest.update, chunk)
                yield chunk

        answer = await http.put(
            url,
            content=body(),
            headers={
                "Authorization": f"Bearer {token}",
                "Content-Length": str(size),
                "Content-Type": "application/octet-stream",
            },
        )
        check_response(answer, token)
        got = str((answer.json() or {}).get("checksum") or "").removeprefix("md5:")
        if got and got != digest.hexdigest():
            raise BackendError(
                "Zenodo",
                f"{path.name} arrived damaged (checksum differs); run the upload again.",
                code="zenodo_checksum",
            )

    async def fetch(self, record_id: int, folder: str, overwrite: bool, resuming: bool = False) -> TaskInfo:
        """Download a record's files into a workspace folder, as a task; no partial files.

        `resuming`: files already saved with the record's size and md5 (saves are
        atomic, so a file there is whole) are skipped, not refused.
        """
        target_dir = resolve_within(self.root, folder)  # a bad folder is refused before asking Zenodo
        eossr = self.session.eossr
        raw = await self.session.call(lambda api, t: eossr.get_record(record_id).data, authenticated=False)
        if target_dir.exists() and not target_dir.is_dir():
            raise BadRequest(f"{folder} is a file, not a folder.", code="not_a_folder")
        entries = raw.get("files") or []
        if len(entries) > MAX_FILES:
            raise BackendError(
                "Zenodo",
                f"the record lists {len(entries)} files, more than a record may hold.",
                code="zenodo_too_many_files",
            )
        plan: list[tuple[str, Path, int | None]] = []
        for entry in entries:
            info = file_info(entry)
            url = (entry.get("links") or {}).get("self") or (entry.get("links") or {}).get("download")
            if not SAFE_NAME.match(info.name) or info.name in (".", "..") or not url:
                raise BackendError(
                    "Zenodo",
                    f"the record lists a file that cannot be saved: {info.name[:80]!r}.",
                    code="zenodo_unsafe_file_name",
                )
            target = resolve_within(self.root, f"{folder.rstrip('/')}/{info.name}")
            if resuming and await saved_already(target, info.size, info.checksum):
                continue
            if target.exists() and not overwrite:
                raise Conflict(
                    f"{folder}/{info.name} exists already: choose another folder, or overwrite.",
                    code="file_exists",
                )
            plan.append((str(url), target, info.size))
        if not plan and not resuming:
            raise BadRequest(f"Record {record_id} has no files to fetch.", code="no_files")
        total = sum(size or 0 for _, _, size in plan)

        async def work(task: Task) -> dict[str, Any]:
            progress = ByteProgress(task.report, total)
            try:
                async with self.session.http() as http:
                    for url, target, size in plan:
                        async with http.stream("GET", url) as answer:
                            if not answer.is_success:
                                await answer.aread()
                                check_response(answer, None)
                            chunks = at_most(answer.aiter_bytes(CHUNK), size, target.name)
                            got = await save_stream(chunks, target, progress.next_file())
                            progress.file_done(got)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                raise map_error(err) from None
            return {
                "record_id": record_id,
                "folder": folder,
                "files": [p.name for _, p, _ in plan],
                "bytes": progress.done,
            }

        title = f"Fetch Zenodo record {record_id} into {folder}"
        resume = {"record_id": record_id, "folder": folder, "overwrite": overwrite}
        return self.vre.tasks.start(
            "zenodo.fetch", title, work, unit="bytes", resume=resume, scratch=[str(target_dir)]
        ).info()


async def md5_of(path: Path) -> str:
    """The md5 of a local file, read in a worker thread."""

    def digest() -> str:
        md5 = hashlib.md5(usedforsecurity=False)
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    md5.update(chunk)
        except OSError as err:
            raise local_file_error(err, path.name) from None
        return md5.hexdigest()

    return await asyncio.to_thread(digest)


async def saved_already(target: Path, size: int | None, checksum: str | None) -> bool:
    """Whether `target` holds the record file already (same size and md5), read in a worker thread."""
    if size is None or not checksum:
        return False
    try:
        if (await asyncio.to_thread(target.stat)).st_size != size:
            return False
    except OSError:
        return False
    return await md5_of(target) == checksum.removeprefix("md5:")


async def at_most(chunks: AsyncIterator[bytes], size: int | None, name: str) -> AsyncIterator[bytes]:
    """`chunks`, refused once they pass the size the record lists (a backend that sends without end)."""
    got = 0
    async for chunk in chunks:
        got += len(chunk)
        if size is not None and got > size:
            raise BackendError(
                "Zenodo",
                f"{name} is longer than the {size} bytes the record lists; nothing was saved.",
                code="zenodo_size_mismatch",
            )
        yield chunk
