"""Upload a workspace file or folder to an RSE, as the user, and register it in Rucio.

Files are uploaded one at a time. Where the RSE's write protocol is `file://`
(storage this server can write, as rucio-clients' posix protocol does), each
file is copied straight into the path Rucio's lfn2pfn gives it, in one pass that
computes adler32 and md5 as the bytes go by, with byte progress and cancel
between chunks; then it is registered as `rucio upload` registers it (replica
with size and both checksums, the dataset with its rule, or a rule on the file,
and the attachment). UploadClient reads a file four times (adler32, md5, the
copy, adler32 of the copy). Other schemes go through UploadClient, whose thread
cannot be stopped mid-file: progress and cancel there are between files.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import queue
import re
import threading
import uuid
import zlib
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from rucio.client import Client
from rucio.client.uploadclient import UploadClient
from rucio.common.checksum import adler32
from rucio.common.exception import (
    DataIdentifierAlreadyExists,
    DataIdentifierNotFound,
    DuplicateContent,
    FileAlreadyExists,
)
from rucio.rse import rsemanager

from vre_common.errors import BackendError, BadRequest, Conflict, Forbidden, local_file_error, no_space_left
from vre_common.paths import atomic_write
from vre_common.streams import ByteProgress, BytesDone
from vre_common.tasks import Task, TaskRegistry
from vre_common.workspace import SelectedFile, WalkPolicy, workspace_files

from .downloads import STORAGE
from .session import RucioSession, did_dict

log = logging.getLogger(__name__)
MAX_LISTED = 100
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,250}$")
MIN_RATE = 1 << 20  # bytes/s below which a file's upload counts as stalled
CHUNK = 4 << 20  # bytes read, written and checksummed at a time
BUFFERS = 3  # chunks in flight: one being read and written, the others with the md5 thread


def rucio_log(level: int, msg: str, *args: Any, **kwargs: Any) -> None:
    log.log(level, msg, *args, **kwargs)


# UploadClient calls its `logger` argument both as `logger.log(...)` and, with tracing off, as `logger(...)`.
rucio_log.log = rucio_log  # type: ignore[attr-defined]


# Each file becomes the DID `scope:<file name>`: a flat namespace, so names must be unique.
UPLOAD_POLICY = WalkPolicy("Rucio", max_files=10_000, naming="file")


def check_names(files: list[SelectedFile]) -> None:
    for file in files:
        if not NAME_PATTERN.match(file.name):
            raise BadRequest(
                f"{file.name!r} cannot be a Rucio file name: use letters, digits, '.', '_' and '-'.",
                code="invalid_file_name",
            )


def remember_rse(client: Client, rse: str) -> None:
    """Give rucio-clients' RSE cache what it would otherwise fetch with a client of its own.

    UploadClient looks RSE protocols up through `rsemanager.get_rse_info`, which
    builds a new Client from a rucio.cfg that this server does not have. The
    cache is keyed by RSE name and VO; protocols are not per-user.
    """
    rsemanager.RSE_REGION.set(f"rse_info_{rse}:{client.vo}", client.get_rse(rse))


def refuse_other_content(client: Client, scope: str, name: str, path: Path) -> bool:
    """A clear 409 when `scope:name` exists with other bytes (UploadClient only says it uploaded nothing).

    True when it exists with the same bytes (e.g. uploaded before a server restart).
    """
    try:
        existing = client.get_metadata(scope, name)
    except DataIdentifierNotFound:
        return False
    if str(existing.get("adler32") or "").lstrip("0") != adler32(str(path)).lstrip("0"):
        raise Conflict(
            f"{scope}:{name} exists in Rucio with other content: rename your file to upload it.",
            code="rucio_already_exists",
        )
    return True


class _Stopped(Exception):
    """Cancelled (or timed out) between two chunks of a copy."""


@dataclass(frozen=True)
class Copied:
    size: int
    adler32: str
    md5: str


def copy_with_checksums(
    source: Path, target: Path, stop: threading.Event, on_bytes: BytesDone
) -> Copied | None:
    """Copy `source` to `target` reading it once, with adler32 and md5 of the bytes written (blocking).

    `target` appears only whole and flushed to disk; None, and nothing at
    `target`, when `stop` is set. md5 runs on a second thread (hashlib and zlib
    let go of the GIL on large buffers), so it overlaps the copy.
    """
    free: queue.Queue[bytearray] = queue.Queue()
    for _ in range(BUFFERS):
        free.put(bytearray(CHUNK))
    to_hash: queue.Queue[memoryview | None] = queue.Queue()
    md5 = hashlib.md5()  # noqa: S324 - Rucio's md5 checksum, not a security use

    def hash_md5() -> None:
        while (view := to_hash.get()) is not None:
            md5.update(view)
            free.put(view.obj)  # type: ignore[arg-type]

    try:
        src = open(source, "rb", buffering=0)  # noqa: SIM115 - closed below, after the hashing thread is set up
    except OSError as err:
        raise local_file_error(err, source.name) from None
    hasher = threading.Thread(target=hash_md5, name="vre-upload-md5", daemon=True)
    hasher.start()
    adler, size = 1, 0
    try:
        with src:
            before = os.fstat(src.fileno())
            target.parent.mkdir(parents=True, exist_ok=True)
            with atomic_write(target) as out:
                while True:
                    if stop.is_set():
                        raise _Stopped
                    buffer = free.get()
                    try:
                        n = src.readinto(buffer)
                    except OSError as err:
                        raise local_file_error(err, source.name) from None
                    if not n:
                        break
                    view = memoryview(buffer)[:n]
                    out.write(view)
                    adler = zlib.adler32(view, adler)
                    to_hash.put(view)
                    size += n
                    on_bytes(size)
                after = os.fstat(src.fileno())
                if (size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                    raise Conflict(
                        f"{source.name} changed while it was being uploaded: upload it again once it is written.",
                        code="file_changed",
                    )
    except _Stopped:
        return None
    except OSError as err:  # the RSE's storage: reading the workspace file is handled above
        raise no_space_left(err, "the RSE's storage") or BackendError(
            STORAGE, f"the RSE's storage could not be written ({err.strerror or type(err).__name__})."
        ) from None
    finally:
        to_hash.put(None)
        hasher.join()
    return Copied(size, f"{adler & 0xFFFFFFFF:08x}", md5.hexdigest())


def local_storage_path(client: Client, rse: str, scope: str, name: str) -> Path | None:
    """Where `scope:name` goes on `rse`, when the RSE's write protocol is storage this server writes directly.

    The protocol and path are the ones UploadClient would use (first write
    protocol for the WAN, the RSE's lfn2pfn); None for other schemes.
    """
    settings = rsemanager.get_rse_info(rse, vo=client.vo)  # cached by remember_rse
    if not settings["availability_write"]:
        raise Conflict(f"{rse} is not available for writing; choose another RSE.", code="rse_not_writable")
    if not settings.get("deterministic", True):
        return None  # a PFN must be given; UploadClient says so
    protocol = rsemanager.create_protocol(settings, "write", domain="wan")
    if protocol.attributes["scheme"] != "file":
        return None
    pfn = next(iter(protocol.lfns2pfns({"scope": scope, "name": name}).values()))
    return Path(protocol.pfn2path(pfn))


def register_upload(
    client: Client,
    *,
    rse: str,
    did: dict[str, str],
    copied: Copied,
    existed: bool,
    dataset: tuple[str, str] | None,
    new_dataset: bool,
    lifetime: int | None,
) -> None:
    """Register a file copied to `rse` as `rucio upload` does (rucio-clients' UploadClient._register_file).

    The dataset, when new, is created with a rule on `rse` carrying the
    lifetime; a file outside a dataset gets its own rule; a file DID that
    existed already (same adler32, checked before) only gains the replica.
    """
    if dataset and new_dataset:
        rule = {"account": client.account, "copies": 1, "rse_expression": rse, "grouping": "DATASET"}
        with contextlib.suppress(DataIdentifierAlreadyExists):  # made by the run a restart interrupted
            client.add_dataset(scope=dataset[0], name=dataset[1], rules=[{**rule, "lifetime": lifetime}])
    replica = {
        **did,
        "bytes": copied.size,
        "adler32": copied.adler32,
        "md5": copied.md5,
        "meta": {"guid": uuid.uuid4().hex},
    }
    client.add_replicas(rse=rse, files=[replica])
    if not existed and not dataset:
        client.add_replication_rule([did], copies=1, rse_expression=rse, lifetime=lifetime)
    if dataset:
        with contextlib.suppress(FileAlreadyExists, DuplicateContent):
            client.attach_dids(*dataset, [did])


def upload_with_client(
    client: Client,
    *,
    path: Path,
    rse: str,
    did: tuple[str, str],
    dataset: tuple[str, str] | None,
    lifetime: int | None,
) -> None:
    """Upload and register one file with rucio-clients' UploadClient (storage this server cannot write)."""
    item: dict[str, Any] = {
        "path": str(path),
        "rse": rse,
        "did_scope": did[0],
        "did_name": did[1],
        "register_after_upload": True,
        "lifetime": lifetime,
    }
    if dataset:
        item.update(dataset_scope=dataset[0], dataset_name=dataset[1])
    UploadClient(client, logger=rucio_log, tracing=False).upload([item])  # type: ignore[arg-type]


class Uploads:
    def __init__(self, session: RucioSession, tasks: TaskRegistry, jupyter_root: Path) -> None:
        self.session = session
        self.tasks = tasks
        self.jupyter_root = jupyter_root.resolve()

    async def start(
        self,
        path: str,
        rse: str,
        scope: str,
        dataset: tuple[str, str] | None,
        lifetime_days: int | None,
        resuming: bool = False,
    ) -> Task:
        """Check everything that can be checked before any byte moves, then upload in the background.

        `resuming`: the same upload started again after a server restart; the
        dataset it created then is no conflict, and files already registered
        with the same checksum are only attached.
        """
        files = await workspace_files(self.session.vre.executor, self.jupyter_root, [path], UPLOAD_POLICY)
        check_names(files)
        lifetime = lifetime_days * 86400 if lifetime_days else None

        def check(client: Client) -> bool:
            if scope not in client.list_scopes_for_account(client.account):
                raise Forbidden(
                    f"Your Rucio account {client.account} cannot write to scope {scope}; "
                    f"try user.{client.account}.",
                    code="scope_not_allowed",
                )
            remember_rse(client, rse)  # 404 for an unknown RSE
            if dataset is None:
                return False
            try:
                client.get_did(*dataset)
            except DataIdentifierNotFound:
                return False  # UploadClient creates it
            if lifetime and not resuming:
                raise Conflict(
                    f"{dataset[0]}:{dataset[1]} exists, and its rules decide how long its files stay: "
                    "leave the lifetime empty to add files to it.",
                    code="dataset_exists",
                )
            return True

        dataset_exists = await self.session.call(check)
        if dataset_exists:
            lifetime = None  # the dataset's own rule decides (only a resumed upload gets here with one)
        title = f"Upload {PurePosixPath(path).name} to {rse}"
        resume = {
            "instance": self.session.instance.name,
            "path": path,
            "rse": rse,
            "scope": scope,
            "dataset": f"{dataset[0]}:{dataset[1]}" if dataset else None,
            "lifetime_days": lifetime_days,
        }
        return self.tasks.start(
            "rucio.upload",
            title,
            lambda task: self._run(task, files, rse, scope, dataset, lifetime, dataset_exists),
            unit="bytes",
            resume=resume,
        )

    @staticmethod
    def _plan(
        client: Client, file: SelectedFile, rse: str, scope: str, dataset: tuple[str, str] | None
    ) -> tuple[Path | Literal["there"] | None, bool]:
        """Where the file is copied (None: UploadClient uploads it), or "there"; and whether its DID exists."""
        did = did_dict((scope, file.name))
        existed = refuse_other_content(client, scope, file.name, file.local)
        if existed and any(rse in r.get("rses", {}) for r in client.list_replicas([did])):
            # Uploaded before a restart: only attach it.
            if dataset:
                with contextlib.suppress(FileAlreadyExists, DuplicateContent):
                    client.attach_dids(*dataset, [did])
            return "there", existed
        remember_rse(client, rse)  # again per file: rucio-clients' cache entry expires after 15 min
        return local_storage_path(client, rse, scope, file.name), existed

    async def _run(
        self,
        task: Task,
        files: list[SelectedFile],
        rse: str,
        scope: str,
        dataset: tuple[str, str] | None,
        lifetime: int | None,
        dataset_exists: bool,
    ) -> dict[str, Any]:
        progress = ByteProgress(task.report, sum(file.size for file in files))
        for file in files:
            limit = self.session.timeout + file.size / MIN_RATE
            # The plan may read the whole file (adler32, when the DID exists already): its limit too.
            target, existed = await self.session.call(
                lambda c, f=file: self._plan(c, f, rse, scope, dataset), timeout=limit
            )
            if isinstance(target, Path):
                # A kill mid-copy leaves a temporary file there, removed at the next start (one copy at a time).
                task.checkpoint(scratch=[str(target.parent)])
                on_bytes = progress.next_file()
                copied = await self.session.vre.executor.run_stoppable(
                    STORAGE,
                    limit,
                    lambda stop, f=file, t=target, b=on_bytes: copy_with_checksums(f.local, t, stop, b),
                )
                if copied is None:  # run_stoppable raises when it stops the copy; a stop it did not ask for
                    raise asyncio.CancelledError
                registration = partial(
                    register_upload,
                    rse=rse,
                    did=did_dict((scope, file.name)),
                    copied=copied,
                    existed=existed,
                    dataset=dataset,
                    new_dataset=not dataset_exists,
                    lifetime=lifetime,
                )
                await self.session.call(registration)
            elif target is None:
                await self.session.call(
                    partial(
                        upload_with_client,
                        path=file.local,
                        rse=rse,
                        did=(scope, file.name),
                        dataset=dataset,
                        lifetime=lifetime,
                    ),
                    timeout=limit,
                )
            if dataset and not dataset_exists:
                lifetime, dataset_exists = None, True  # the new dataset's rule carries the lifetime
            progress.file_done(file.size)
        return {
            "rse": rse,
            "files": len(files),
            "bytes": progress.done,
            "dataset": f"{dataset[0]}:{dataset[1]}" if dataset else None,
            "dids": [f"{scope}:{file.name}" for file in files[:MAX_LISTED]],
        }
