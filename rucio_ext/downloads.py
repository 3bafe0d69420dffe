"""Download mode: copy DIDs' files into the download folder, for sites with no mounted RSE.

Each file lands at `<download folder>/<scope>/<name>`, written under a
temporary name and renamed only once its size and adler32 match Rucio's, so a
failed or cancelled download leaves nothing at the target. Replicas are tried
in Rucio's order of preference; `file://` and `http(s)://` are read directly,
other schemes through gfal2 where it is installed.
"""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import requests
from rucio.client import Client

from vre_common.errors import BackendError, BadRequest, Conflict, VREError, no_space_left
from vre_common.paths import atomic_write, resolve_within
from vre_common.tasks import Task, TaskRegistry

from .collection import Locate, RucioFile, Tally, check_there, walk
from .models import Availability, AvailabilityList
from .session import RucioSession, list_replicas

try:  # Debian's python3-gfal2, where the site installed it
    import gfal2
except ImportError:  # pragma: no cover - depends on the machine
    gfal2 = None

CHUNK = 4 << 20
STORAGE = "Rucio storage"
MIN_RATE = 1 << 20  # bytes/s below which a file's download counts as stalled
MAX_LISTED_PATHS = 100


class Stopped(Exception):
    """The task was cancelled or timed out while a file was being copied."""


class ReplicaUnreadable(Exception):
    """This replica could not be read or did not match; the next one may do."""


@dataclass(frozen=True)
class FileToFetch:
    did: str
    size: int
    adler32: str | None
    pfns: list[str]
    target: Path


def read_pfn(pfn: str, timeout: float) -> Iterator[bytes]:
    """The bytes of one replica, a chunk at a time."""
    scheme = urlparse(pfn).scheme
    try:
        if scheme == "file":
            with open(unquote(urlparse(pfn).path), "rb") as handle:
                while chunk := handle.read(CHUNK):
                    yield chunk
        elif scheme in ("http", "https"):
            with requests.get(pfn, stream=True, timeout=timeout) as answer:
                answer.raise_for_status()
                yield from answer.iter_content(CHUNK)
        elif gfal2 is not None:
            handle = gfal2.creat_context().open(pfn, "r")
            while chunk := handle.read(CHUNK):
                yield chunk
        else:
            raise ReplicaUnreadable(f"{scheme}:// needs gfal2, which is not installed here")
    except (OSError, requests.RequestException) as err:
        raise ReplicaUnreadable(f"{scheme}:// read failed ({type(err).__name__})") from None
    except Exception as err:  # gfal2.GError and other library errors
        if gfal2 is not None and isinstance(err, gfal2.GError):
            raise ReplicaUnreadable(f"{scheme}:// read failed ({err.code})") from None
        raise


def copy_verified(
    file: FileToFetch, pfn: str, stop: threading.Event, on_bytes: Callable[[int], None]
) -> None:
    """Copy one replica to `file.target` if its size and adler32 match; blocking, polls `stop`.

    Each chunk is written on a second thread while this one checksums it and reads the next
    (both release the GIL): a 2 GiB copy took about 5 s one step after another, 4 s overlapped.
    """
    # The writer stops (its last write done) before atomic_write removes an unfinished file.
    with atomic_write(file.target) as out, ThreadPoolExecutor(1, "vre-download-write") as writer:
        size, value, writing = 0, 1, None
        for chunk in read_pfn(pfn, timeout=60):
            if stop.is_set():
                raise Stopped
            if writing is not None:
                writing.result()  # a failed write (disk full) raises here
            writing = writer.submit(out.write, chunk)
            size += len(chunk)
            value = zlib.adler32(chunk, value)
            on_bytes(size)
        if writing is not None:
            writing.result()
        adler32 = f"{value & 0xFFFFFFFF:08x}"
        if size != file.size or (file.adler32 and adler32 != file.adler32.zfill(8)):
            raise ReplicaUnreadable(f"{urlparse(pfn).scheme}:// copy did not match Rucio's size or adler32")


def already_there(file: FileToFetch) -> bool:
    if not file.target.is_file() or file.target.stat().st_size != file.size:
        return False
    if not file.adler32:
        return True
    value = 1
    with open(file.target, "rb") as handle:
        while chunk := handle.read(CHUNK):
            value = zlib.adler32(chunk, value)
    return f"{value & 0xFFFFFFFF:08x}" == file.adler32.zfill(8)


class Downloads:
    def __init__(self, session: RucioSession, tasks: TaskRegistry, jupyter_root: Path) -> None:
        self.session = session
        self.tasks = tasks
        self.instance = session.instance
        self.jupyter_root = jupyter_root.resolve()

    @property
    def root(self) -> Path:
        """The download folder: an admin's absolute path as it is, a relative one under the Jupyter root."""
        configured = self.instance.download_dir
        if Path(configured).is_absolute():
            return Path(configured).resolve()
        return resolve_within(self.jupyter_root, configured)

    def _require_download_mode(self) -> Path:
        if self.instance.mode != "download":
            raise BadRequest(
                f"{self.instance.label} makes data available on a mounted RSE; use “Make available”.",
                code="not_download_mode",
            )
        return self.root

    def target(self, scope: str, name: str) -> Path:
        return resolve_within(self.root, f"{scope}/{name}")

    def _target_of_listed(self, scope: str, name: str) -> Path:
        """`target` for a file Rucio listed: a name that would leave the download folder is Rucio's doing."""
        try:
            return self.target(scope, name)
        except VREError:
            raise BackendError(
                "Rucio",
                f"{scope}:{name[:80]} cannot be saved under its name: it leads outside the download folder.",
                code="rucio_unsafe_name",
            ) from None

    def shown_path(self, path: Path) -> str:
        """A path as the file browser can open it: relative to the Jupyter root when inside it."""
        return (
            str(path.relative_to(self.jupyter_root)) if path.is_relative_to(self.jupyter_root) else str(path)
        )

    def start(self, dids: list[tuple[str, str]]) -> Task:
        self._require_download_mode()
        first = f"{dids[0][0]}:{dids[0][1]}"
        title = f"Download {first}" + (f" (and {len(dids) - 1} more)" if len(dids) > 1 else "")
        resume = {"instance": self.instance.name, "dids": [f"{s}:{n}" for s, n in dids]}
        return self.tasks.start(
            "rucio.download", title, lambda task: self._run(task, dids), unit="bytes", resume=resume
        )

    def _plan(self, client: Client, dids: list[tuple[str, str]]) -> list[FileToFetch]:
        for did in dids:
            client.get_did(*did)  # an unknown DID is a 404, not an empty download
        files: dict[str, FileToFetch] = {}
        for replica in list_replicas(client, dids):
            did = f"{replica['scope']}:{replica['name']}"
            pfns = sorted(replica.get("pfns", {}).items(), key=lambda item: item[1].get("priority", 0))
            if not pfns:
                raise Conflict(
                    f"{did} has no replica that can be read now; try again later.", code="no_replica"
                )
            files[did] = FileToFetch(
                did=did,
                size=int(replica["bytes"]),
                adler32=replica.get("adler32"),
                pfns=[pfn for pfn, _ in pfns],
                target=self._target_of_listed(replica["scope"], replica["name"]),
            )
        if not files:
            raise Conflict("These DIDs hold no files to download.", code="nothing_to_download")
        return sorted(files.values(), key=lambda f: f.did)

    async def _run(self, task: Task, dids: list[tuple[str, str]]) -> dict[str, Any]:
        files = await self.session.call(lambda c: self._plan(c, dids))
        task.checkpoint(scratch=[str(f.target.parent) for f in files])  # where temporary files may be left
        total = sum(f.size for f in files)
        done = skipped = 0
        task.report(0, total)
        executor = self.session.vre.executor
        for file in files:
            if await executor.run(STORAGE, self.session.timeout, already_there, file):
                skipped += 1
            else:
                offset = done
                limit = self.session.timeout + file.size / MIN_RATE
                await executor.run_stoppable(
                    STORAGE, limit, lambda stop, f=file, o=offset: self._fetch(f, stop, task, o)
                )
            done += file.size
            task.report(done)
        return {
            "directory": self.shown_path(self.root),
            "files": len(files),
            "skipped": skipped,
            "bytes": total,
            "paths": [self.shown_path(f.target) for f in files[:MAX_LISTED_PATHS]],
        }

    @staticmethod
    def _fetch(file: FileToFetch, stop: threading.Event, task: Task, offset: int) -> None:
        """Try each replica in turn until one copies and verifies."""
        problems = []
        file.target.parent.mkdir(parents=True, exist_ok=True)
        for pfn in file.pfns:
            try:
                copy_verified(file, pfn, stop, lambda n: task.report(offset + n))
                return
            except ReplicaUnreadable as err:
                problems.append(str(err))
            except Stopped:
                return
            except OSError as err:
                if full := no_space_left(err, "the download folder"):
                    raise full from None
                raise
        raise BackendError(STORAGE, f"{file.did} could not be downloaded: {'; '.join(problems)[:400]}.")

    def availability(self, dids: list[tuple[str, str]]) -> AvailabilityList:
        """Which files are in the download folder (no Rucio call: it is the local folder that counts)."""
        root = self._require_download_mode()
        files = []
        for scope, name in dids:
            target = self.target(scope, name)
            if target.is_file():
                files.append(Availability(did=f"{scope}:{name}", state="available", path=str(target)))
            else:
                files.append(Availability(did=f"{scope}:{name}", state="not_available"))
        return AvailabilityList(rse=str(root), files=files)

    how = "download it first"

    async def check(self, did: tuple[str, str], task: Task, out: Path | None = None) -> Tally:
        """Walk the files of `did` in the download folder (see `collection.walk`)."""
        return await walk(self.session, did, await self.locator(did), task, out)

    async def locator(self, did: tuple[str, str]) -> Locate:
        """Where each file is: `<download folder>/<scope>/<name>` (no Rucio call)."""
        self._require_download_mode()

        def locate(_client: Client, files: list[RucioFile]) -> list[str | None]:
            return [str(self.target(f.scope, f.name)) for f in files]

        return locate

    async def file_path(self, did: tuple[str, str]) -> str:
        """A downloaded file's path; a 409 unless it is there with Rucio's size."""
        self._require_download_mode()
        raw = await self.session.call(lambda client: client.get_did(*did))
        file, path = RucioFile.of({**raw, "scope": did[0], "name": did[1]}), str(self.target(*did))
        if not (await check_there(self.session, [file], [path]))[0]:
            raise Conflict(f"{did[0]}:{did[1]} is not available yet: {self.how}.", code="not_available")
        return path
