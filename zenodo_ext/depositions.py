"""Depositions: the user's drafts and published records, created, described, published, versioned.

eOSSR does the REST calls; a draft whose metadata Zenodo refuses is discarded again.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import requests

from vre_common.errors import BackendError, BadRequest, Conflict, scrub
from vre_common.paths import resolve_within

from .answers import check_page, deposition, doi_url, summary
from .client import ZenodoSession, check_response, map_error
from .metadata import check_metadata, citation, load_licenses, read_codemeta
from .models import (
    CodemetaMetadata,
    CommunityRequest,
    CreateInput,
    Deposition,
    DepositionPage,
    MetadataForm,
    Published,
    VerifyResult,
)


class Depositions:
    def __init__(self, session: ZenodoSession, root: Path) -> None:
        self.session = session
        self.root = root
        self.vre = session.vre

    async def verify(self) -> VerifyResult:
        """Check the stored token with one cheap authenticated call."""
        eossr = self.session.eossr
        await self.session.call(lambda api, token: eossr.query_deposits("", token, size=1))
        return VerifyResult(connected=True, message=f"Zenodo accepted your token ({self.session.api_url}).")

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

    async def raw(self, deposition_id: int) -> dict[str, Any]:
        eossr = self.session.eossr
        return await self.session.call(lambda api, token: eossr.get_deposit(deposition_id, token))

    async def get_deposition(self, deposition_id: int) -> Deposition:
        return deposition(await self.raw(deposition_id))

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
        raw = await self.raw(deposition_id)
        if summary(raw).published:
            raise Conflict(
                "This deposition is published: edit its metadata as a published record, or make a new version.",
                code="already_published",
            )
        return deposition(
            await self.session.call(lambda api, t: api.set_deposit_metadata(deposition_id, metadata).json())
        )

    async def edit_published(self, deposition_id: int, form: MetadataForm) -> Deposition:
        """New metadata for a published record under the same DOI.

        Zenodo's deposit API unlocks a published deposition (`actions/edit`), takes new metadata
        (`PUT`) and publishes it again (`actions/publish`). A refused change is taken back
        (`actions/discard`), so the record is never left half-edited.
        """
        metadata = check_metadata(form)
        head = summary(await self.raw(deposition_id))
        if not head.published:
            raise Conflict(
                "This deposition is a draft: change its metadata in the publishing view.",
                code="not_published",
            )
        metadata.pop("prereserve_doi", None)
        if head.doi:
            metadata["doi"] = head.doi  # the record keeps its DOI
        actions = f"{self.session.api_url}/deposit/depositions/{deposition_id}/actions"
        timeout = self.session.timeout

        def edit(api: Any, token: str) -> dict[str, Any]:
            unlocked = requests.post(f"{actions}/edit", params={"access_token": token}, timeout=timeout)
            if unlocked.status_code != 403:  # 403: it is open for editing already
                unlocked.raise_for_status()
            try:
                api.set_deposit_metadata(deposition_id, metadata)
                return api.publish_deposit(deposition_id).json()
            except Exception:
                with contextlib.suppress(Exception):  # the first error is the one to report
                    requests.post(f"{actions}/discard", params={"access_token": token}, timeout=timeout)
                raise

        return deposition(await self.session.call(edit))

    async def discard(self, deposition_id: int) -> None:
        raw = await self.raw(deposition_id)
        if summary(raw).published:
            raise Conflict("A published record cannot be deleted.", code="already_published")
        await self.session.call(lambda api, t: api.erase_deposit(deposition_id))

    async def publish(self, deposition_id: int) -> Published:
        raw = await self.raw(deposition_id)
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

    async def request_community(self, deposition_id: int, community: str) -> CommunityRequest:
        """Ask for the deposition to be included in a community.

        A draft gets it in its metadata (Zenodo sends the request when it is
        published); a published record gets a request now.
        """
        slug = community.strip().lower()
        eossr = self.session.eossr
        await self.session.call(lambda api, t: eossr.get_community(slug), authenticated=False)
        raw = await self.raw(deposition_id)
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
