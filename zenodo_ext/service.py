"""What the Zenodo endpoints do, with no Tornado in it.

eOSSR does the REST calls (create, metadata, publish, new version, records,
communities, codemeta conversion); file bytes move through httpx and
`vre_common.streams`, so uploads report progress and memory stays flat.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from vre_common.errors import BackendError, BadRequest, Conflict, NotFound
from vre_common.models import TaskInfo
from vre_common.paths import resolve_within
from vre_common.streams import CHUNK, read_file, save_stream
from vre_common.tasks import Task

from .client import ZenodoSession, check_response, map_error, scrub
from .metadata import check_metadata, citation, load_licenses, read_codemeta
from .models import (
    CodemetaMetadata,
    Community,
    CommunityPage,
    CommunityRequest,
    CreateInput,
    Deposition,
    DepositionPage,
    DepositionSummary,
    FileInfo,
    MetadataForm,
    Published,
    Record,
    RecordPage,
    RecordSummary,
    RecordVersion,
    VerifyResult,
)

MAX_PAGE = 100
MAX_FILES = 100  # Zenodo's limit of files per record
SKIPPED_DIRS = {"__pycache__", ".ipynb_checkpoints", ".git", "node_modules"}
SAFE_NAME = re.compile(r"^[^/\\\x00]{1,255}$")


def check_page(page: int, size: int) -> None:
    if page < 1:
        raise BadRequest("page starts at 1.", code="invalid_page")
    if not 1 <= size <= MAX_PAGE:
        raise BadRequest(f"size must be between 1 and {MAX_PAGE}.", code="invalid_size")


def file_info(raw: dict[str, Any]) -> FileInfo:
    checksum = raw.get("checksum")
    return FileInfo(
        name=str(raw.get("filename") or raw.get("key") or raw.get("id")),
        size=raw.get("filesize", raw.get("size")),
        checksum=str(checksum).removeprefix("md5:") if checksum else None,
    )


def doi_url(doi: str | None) -> str | None:
    return f"https://doi.org/{doi}" if doi else None


def summary(raw: dict[str, Any]) -> DepositionSummary:
    metadata = raw.get("metadata") or {}
    links = raw.get("links") or {}
    published = bool(raw.get("submitted")) or raw.get("state") == "done"
    doi = (raw.get("doi") or None) if published else None
    return DepositionSummary(
        id=int(raw["id"]),
        title=str(raw.get("title") or metadata.get("title") or ""),
        state=str(raw.get("state", "unsubmitted")),
        published=published,
        doi=doi,
        reserved_doi=(metadata.get("prereserve_doi") or {}).get("doi"),
        doi_url=doi_url(doi),
        record_url=(links.get("record_html") or links.get("latest_html")) if published else None,
        conceptrecid=str(raw["conceptrecid"]) if raw.get("conceptrecid") else None,
        created=raw.get("created"),
        modified=raw.get("modified"),
    )


def deposition(raw: dict[str, Any]) -> Deposition:
    head = summary(raw)
    metadata = {k: v for k, v in (raw.get("metadata") or {}).items()}
    return Deposition(
        **head.model_dump(),
        metadata=metadata,
        files=[file_info(f) for f in raw.get("files") or []],
        citation=citation(metadata, head.doi) if head.published else None,
    )


def record_summary(raw: dict[str, Any]) -> RecordSummary:
    metadata = raw.get("metadata") or {}
    doi = raw.get("doi") or metadata.get("doi")
    links = raw.get("links") or {}
    return RecordSummary(
        id=int(raw["id"]),
        title=str(metadata.get("title") or raw.get("title") or ""),
        doi=doi,
        doi_url=doi_url(doi),
        record_url=links.get("html") or links.get("self_html"),
        publication_date=metadata.get("publication_date"),
        creators=[str(c.get("name")) for c in metadata.get("creators") or [] if c.get("name")],
        version=metadata.get("version"),
        communities=[str(c.get("id")) for c in metadata.get("communities") or [] if c.get("id")],
    )


class ZenodoService:
    def __init__(self, session: ZenodoSession, root_dir: str, default_community: str) -> None:
        self.session = session
        self.root = Path(root_dir).resolve()
        self.default_community = default_community
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

    # --- connection -----------------------------------------------------------------
    async def verify(self) -> VerifyResult:
        """Check the stored token with one cheap authenticated call."""
        eossr = self.session.eossr
        await self.session.call(lambda api, token: eossr.query_deposits("", token, size=1))
        return VerifyResult(connected=True, message=f"Zenodo accepted your token ({self.session.api_url}).")

    # --- depositions ----------------------------------------------------------------
    async def list_depositions(self, page: int, size: int) -> DepositionPage:
        check_page(page, size)
        eossr = self.session.eossr
        # One more than asked: tells whether there is a next page without a total (Zenodo gives none).
        raw = await self.session.call(
            lambda api, token: eossr.query_deposits("", token, page=page, size=size + 1).json()
        )
        if not isinstance(raw, list):
            raise BackendError("Zenodo", "the list of depositions has an unexpected shape.")
        return DepositionPage(
            items=[summary(d) for d in raw[:size]], page=page, size=size, has_next=len(raw) > size
        )

    async def _raw_deposition(self, deposition_id: int) -> dict[str, Any]:
        eossr = self.session.eossr
        return await self.session.call(lambda api, token: eossr.get_deposit(deposition_id, token))

    async def get_deposition(self, deposition_id: int) -> Deposition:
        return deposition(await self._raw_deposition(deposition_id))

    async def codemeta(self, path: str) -> CodemetaMetadata:
        resolved = resolve_within(self.root, path)
        await self.session.call(lambda api, t: load_licenses(self.session.eossr), authenticated=False)
        form, notes = await self.vre.executor.run("codemeta", 60, read_codemeta, resolved, path)
        return CodemetaMetadata(path=path, metadata=form, warnings=notes)

    async def create(self, body: CreateInput) -> Deposition:
        """A draft with checked metadata; a draft whose metadata Zenodo refuses is discarded again."""
        if (body.metadata is None) == (body.codemeta_path is None):
            raise BadRequest(
                "Give either metadata (the form) or codemeta_path (a codemeta.json in your workspace).",
                code="invalid_body",
            )
        form = body.metadata or (await self.codemeta(body.codemeta_path or "")).metadata
        metadata = check_metadata(form)

        def create(api: Any, token: str) -> dict[str, Any]:
            draft_id = api.create_new_deposit().json()["id"]
            try:
                return api.set_deposit_metadata(draft_id, metadata).json()
            except Exception:
                with contextlib.suppress(Exception):  # the first error is the one to report
                    api.erase_deposit(draft_id)
                raise

        return deposition(await self.session.call(create))

    async def update_metadata(self, deposition_id: int, form: MetadataForm) -> Deposition:
        metadata = check_metadata(form)
        raw = await self._raw_deposition(deposition_id)
        if summary(raw).published:
            raise Conflict(
                "This deposition is published; make a new version to change it.", code="already_published"
            )
        return deposition(
            await self.session.call(lambda api, t: api.set_deposit_metadata(deposition_id, metadata).json())
        )

    async def discard(self, deposition_id: int) -> None:
        raw = await self._raw_deposition(deposition_id)
        if summary(raw).published:
            raise Conflict("A published record cannot be deleted.", code="already_published")
        await self.session.call(lambda api, t: api.erase_deposit(deposition_id))

    async def publish(self, deposition_id: int) -> Published:
        raw = await self._raw_deposition(deposition_id)
        if summary(raw).published:
            raise Conflict("This deposition is already published.", code="already_published")
        if not raw.get("files"):
            raise BadRequest("Upload at least one file before publishing.", code="no_files")
        done = await self.session.call(lambda api, t: api.publish_deposit(deposition_id).json())
        head = summary(done)
        if not head.doi:
            raise BackendError(
                "Zenodo", "the deposition was published but no DOI came back; refresh the list."
            )
        return Published(
            id=head.id,
            doi=head.doi,
            doi_url=doi_url(head.doi) or "",
            record_url=head.record_url,
            citation=citation(done.get("metadata") or {}, head.doi),
        )

    async def new_version(self, deposition_id: int, keep_files: bool) -> Deposition:
        eossr = self.session.eossr

        def new_version(api: Any, token: str) -> dict[str, Any]:
            answer = api.new_version_deposit(deposition_id).json()
            draft_id = int(str(answer["links"]["latest_draft"]).rstrip("/").rsplit("/", 1)[-1])
            draft = eossr.get_deposit(draft_id, token)
            if not keep_files:
                for entry in draft.get("files") or []:
                    api.erase_file_deposit(draft_id, entry["id"])
                draft = eossr.get_deposit(draft_id, token)
            return draft

        return deposition(await self.session.call(new_version))

    # --- upload ---------------------------------------------------------------------
    def _plan(self, paths: list[str]) -> list[tuple[str, Path, int]]:
        """(name on Zenodo, local path, size) for each file under `paths`; blocking."""
        plan: dict[str, tuple[Path, int]] = {}
        for user_path in paths:
            top = resolve_within(self.root, user_path)
            if not top.exists():
                raise NotFound(f"There is no {user_path} in your workspace.", code="path_not_found")
            if top.is_file():
                found = [(top.name, top)]
            else:
                found = []
                for folder, dirs, files in os.walk(top):
                    dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS and not d.startswith("."))
                    for name in sorted(files):
                        if name.startswith("."):
                            continue
                        relative = (Path(folder) / name).relative_to(top)
                        # Zenodo's file names are flat: a subfolder becomes part of the name.
                        real = resolve_within(self.root, str((Path(folder) / name).relative_to(self.root)))
                        if real.is_file():
                            found.append(("__".join(relative.parts), real))
            for name, real in found:
                if name in plan and plan[name][0] != real:
                    raise BadRequest(
                        f"Two files would both be called {name!r} on Zenodo; rename one.", code="name_clash"
                    )
                plan[name] = (real, real.stat().st_size)
        if not plan:
            raise BadRequest("There are no files to upload in what you selected.", code="nothing_to_upload")
        if len(plan) > MAX_FILES:
            raise BadRequest(
                f"Zenodo takes at most {MAX_FILES} files per record, and this is {len(plan)}: "
                "zip some folders first.",
                code="too_many_files",
            )
        return [(name, real, size) for name, (real, size) in plan.items()]

    async def upload(self, deposition_id: int, paths: list[str]) -> TaskInfo:
        """Upload workspace files and folders to a draft, as a task with byte progress.

        Retry-safe: a file already in the draft with the same name, size and md5
        is skipped; any other is put again under its name, which replaces it.
        """
        plan = await self.vre.executor.run("workspace", 60, self._plan, paths)
        raw = await self._raw_deposition(deposition_id)
        head = summary(raw)
        if head.published:
            raise Conflict(
                "This deposition is published; make a new version to add files.", code="already_published"
            )
        bucket = (raw.get("links") or {}).get("bucket")
        if not bucket:
            raise BackendError("Zenodo", "the deposition has no file bucket; is it a new-style draft?")
        present = {f.name: f for f in (file_info(x) for x in raw.get("files") or [])}
        if len(set(present) | {name for name, _, _ in plan}) > MAX_FILES:
            raise BadRequest(f"Zenodo takes at most {MAX_FILES} files per record.", code="too_many_files")
        token = self.session.token()
        total = sum(size for _, _, size in plan)
        label = paths[0] if len(paths) == 1 else f"{len(paths)} items"

        async def work(task: Task) -> dict[str, Any]:
            sent = skipped = 0
            task.report(0, total)
            try:
                async with self.session.http() as http:
                    for name, path, size in plan:
                        known = present.get(name)
                        if known and known.size == size and known.checksum == await md5_of(path):
                            skipped += 1
                        else:
                            await self._put(
                                http, task, f"{bucket}/{quote(name)}", path, size, sent, total, token
                            )
                        sent += size
                        task.report(sent, total)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                raise map_error(err, token) from None
            return {"deposition_id": deposition_id, "files": len(plan), "skipped": skipped, "bytes": total}

        task = self.vre.tasks.start(
            "zenodo.upload",
            f"Upload {label} to Zenodo #{deposition_id}",
            work,
            unit="bytes",
            resume={"deposition_id": deposition_id, "paths": paths},
        )
        return task.info()

    async def _put(
        self, http: Any, task: Task, url: str, path: Path, size: int, before: int, total: int, token: str
    ) -> None:
        digest = hashlib.md5(usedforsecurity=False)  # Zenodo reports md5 checksums

        async def body() -> AsyncIterator[bytes]:
            async for chunk in read_file(path, on_bytes=lambda n: task.report(before + n, total)):
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

    # --- communities ----------------------------------------------------------------
    async def communities(self, query: str, page: int, size: int) -> CommunityPage:
        check_page(page, size)
        eossr = self.session.eossr
        answer = await self.session.call(
            lambda api, t: eossr._query("communities", search=query, page=page, size=size).json(),
            authenticated=False,
        )
        hits = answer.get("hits") or {}
        items = [
            Community(
                id=str(c.get("id")),
                slug=str(c.get("slug") or c.get("id")),
                title=str((c.get("metadata") or {}).get("title") or c.get("slug") or ""),
                description=(c.get("metadata") or {}).get("description"),
                url=(c.get("links") or {}).get("self_html"),
            )
            for c in hits.get("hits") or []
        ]
        total = hits.get("total")
        total = total.get("value", 0) if isinstance(total, dict) else int(total or 0)
        return CommunityPage(
            items=items, total=total, page=page, size=size, default_community=self.default_community or None
        )

    async def request_community(self, deposition_id: int, community: str) -> CommunityRequest:
        """Ask for the deposition to be included in a community.

        A draft gets it in its metadata (Zenodo sends the request when it is
        published); a published record gets a request now.
        """
        slug = community.strip().lower()
        eossr = self.session.eossr
        await self.session.call(lambda api, t: eossr.get_community(slug), authenticated=False)
        raw = await self._raw_deposition(deposition_id)
        if not summary(raw).published:
            metadata = dict(raw.get("metadata") or {})
            listed = list(metadata.get("communities") or [])
            if slug not in [c.get("identifier") for c in listed]:
                metadata["communities"] = [*listed, {"identifier": slug}]
                metadata.pop("prereserve_doi", None)
                await self.session.call(lambda api, t: api.set_deposit_metadata(deposition_id, metadata))
            return CommunityRequest(
                community=slug,
                status="on_publish",
                message=f"Zenodo will ask the curators of {slug} to include it when you publish.",
            )
        token = self.session.token()
        record_id = raw.get("record_id") or deposition_id
        try:
            async with self.session.http() as http:
                answer = await http.post(
                    f"{self.session.api_url}/records/{record_id}/communities",
                    json={"communities": [{"id": slug}]},
                    headers={"Authorization": f"Bearer {token}"},
                )
        except Exception as err:
            raise map_error(err, token) from None
        check_response(answer, token)
        result = answer.json() or {}
        if errors := result.get("errors"):
            raise BadRequest(
                f"Zenodo refused: {scrub(str(errors[0].get('message', errors[0])), token)}",
                code="zenodo_invalid",
            )
        processed = (result.get("processed") or [{}])[0]
        accepted = (processed.get("request") or {}).get("status") == "accepted"
        return CommunityRequest(
            community=slug,
            status="accepted" if accepted else "requested",
            message=f"Included in {slug}." if accepted else f"Requested; the curators of {slug} will decide.",
        )

    # --- records --------------------------------------------------------------------
    async def search_records(self, query: str, community: str | None, page: int, size: int) -> RecordPage:
        check_page(page, size)
        if len(query) > 500:
            raise BadRequest("The search text is longer than 500 characters.", code="invalid_query")
        eossr = self.session.eossr
        extra = {"communities": community} if community else {}
        answer = await self.session.call(
            lambda api, t: eossr.query_records(query, page=page, size=size, **extra).json(),
            authenticated=False,
        )
        hits = answer.get("hits") or {}
        total = hits.get("total")
        total = total.get("value", 0) if isinstance(total, dict) else int(total or 0)
        return RecordPage(
            items=[record_summary(r) for r in hits.get("hits") or []], total=total, page=page, size=size
        )

    async def record(self, record_id: int) -> Record:
        eossr = self.session.eossr

        def load(api: Any, token: str) -> tuple[dict[str, Any], dict[Any, Any]]:
            found = eossr.get_record(record_id)
            versions = found.get_associated_versions() if found.data.get("conceptrecid") else {}
            return found.data, versions

        raw, versions = await self.session.call(load, authenticated=False)
        head = record_summary(raw)
        metadata = raw.get("metadata") or {}
        return Record(
            **head.model_dump(),
            description=metadata.get("description"),
            metadata=metadata,
            files=[file_info(f) for f in raw.get("files") or []],
            versions=sorted(
                (RecordVersion(id=int(k), version=v) for k, v in versions.items()), key=lambda v: v.id
            ),
            conceptrecid=str(raw["conceptrecid"]) if raw.get("conceptrecid") else None,
            citation=citation(metadata, head.doi),
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
        plan: list[tuple[str, Path, int | None]] = []
        for entry in raw.get("files") or []:
            info = file_info(entry)
            url = (entry.get("links") or {}).get("self") or (entry.get("links") or {}).get("download")
            if not SAFE_NAME.match(info.name) or info.name in (".", "..") or not url:
                raise BackendError(
                    "Zenodo", f"the record lists a file that cannot be saved: {info.name[:80]!r}."
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
            got = 0
            task.report(0, total)
            try:
                async with self.session.http() as http:
                    for url, target, _ in plan:
                        async with http.stream("GET", url) as answer:
                            if not answer.is_success:
                                await answer.aread()
                                check_response(answer, None)
                            before = got
                            got += await save_stream(
                                answer.aiter_bytes(CHUNK),
                                target,
                                lambda n, b=before: task.report(b + n, total),
                            )
            except asyncio.CancelledError:
                raise
            except Exception as err:
                raise map_error(err) from None
            return {
                "record_id": record_id,
                "folder": folder,
                "files": [p.name for _, p, _ in plan],
                "bytes": got,
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
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                md5.update(chunk)
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
