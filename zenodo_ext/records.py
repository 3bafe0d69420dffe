"""Published records and communities: search, read, find (no token needed)."""

from __future__ import annotations

from typing import Any

from vre_common.errors import BadRequest

from .answers import check_page, file_info, record_summary
from .client import ZenodoSession
from .metadata import citation
from .models import Community, CommunityPage, Record, RecordPage, RecordVersion


class Records:
    def __init__(self, session: ZenodoSession, default_community: str) -> None:
        self.session = session
        self.default_community = default_community

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
