"""Upload a workspace file or folder to an RSE with rucio-clients' UploadClient, as the user.

Files are uploaded one at a time so that progress (bytes of the files done)
and cancel work between files; UploadClient itself uploads, verifies the
checksum and registers each file, creates the dataset when one is asked for,
and attaches the files to it.
"""

from __future__ import annotations

import contextlib
import logging
import re
from pathlib import Path, PurePosixPath
from typing import Any

from rucio.client import Client
from rucio.client.uploadclient import UploadClient
from rucio.common.checksum import adler32
from rucio.common.exception import DataIdentifierNotFound, DuplicateContent, FileAlreadyExists
from rucio.rse import rsemanager

from vre_common.errors import BadRequest, Conflict, Forbidden
from vre_common.streams import ByteProgress
from vre_common.tasks import Task, TaskRegistry
from vre_common.workspace import SelectedFile, WalkPolicy, workspace_files

from .session import RucioSession, did_dict

log = logging.getLogger(__name__)
MAX_LISTED = 100
NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{1,250}$")
MIN_RATE = 1 << 20  # bytes/s below which a file's upload counts as stalled


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
            item: dict[str, Any] = {
                "path": str(file.local),
                "rse": rse,
                "did_scope": scope,
                "did_name": file.name,
                "register_after_upload": True,
                "lifetime": lifetime,
            }
            if dataset:
                item.update(dataset_scope=dataset[0], dataset_name=dataset[1])

            def upload(client: Client, item: dict[str, Any] = item) -> None:
                did = did_dict((scope, item["did_name"]))
                if refuse_other_content(client, scope, item["did_name"], Path(item["path"])) and any(
                    rse in r.get("rses", {}) for r in client.list_replicas([did])
                ):
                    # Uploaded before a restart: UploadClient would say "none uploaded"; only attach it.
                    if dataset:
                        with contextlib.suppress(FileAlreadyExists, DuplicateContent):
                            client.attach_dids(*dataset, [did])
                    return
                remember_rse(client, rse)  # again per file: rucio-clients' cache entry expires after 15 min
                uploader = UploadClient(client, logger=rucio_log, tracing=False)  # type: ignore[arg-type]
                uploader.upload([item])

            await self.session.call(upload, timeout=self.session.timeout + file.size / MIN_RATE)
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
