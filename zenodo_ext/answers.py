"""Zenodo's JSON answers turned into this API's models (depositions, records, files)."""

from __future__ import annotations

from typing import Any

from vre_common.errors import BadRequest

from .metadata import citation
from .models import Deposition, DepositionSummary, FileInfo, RecordSummary

MAX_PAGE = 100


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
