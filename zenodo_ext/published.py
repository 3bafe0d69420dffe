"""Changing the metadata of a published Zenodo record.

Zenodo's deposit API unlocks a published deposition (`actions/edit`), takes new
metadata (`PUT`), and publishes it again under the same DOI
(`actions/publish`). A refused change is taken back (`actions/discard`), so
the record is never left half-edited.
"""

from __future__ import annotations

import contextlib
from typing import Any

import requests

from vre_common.errors import Conflict

from .answers import deposition, summary
from .client import ZenodoSession
from .metadata import check_metadata
from .models import Deposition, MetadataForm


async def edit_published(session: ZenodoSession, deposition_id: int, form: MetadataForm) -> Deposition:
    metadata = check_metadata(form)
    eossr = session.eossr
    raw = await session.call(lambda api, token: eossr.get_deposit(deposition_id, token))
    head = summary(raw)
    if not head.published:
        raise Conflict(
            "This deposition is a draft: change its metadata in the publishing view.", code="not_published"
        )
    metadata.pop("prereserve_doi", None)
    if head.doi:
        metadata["doi"] = head.doi  # the record keeps its DOI
    timeout = session.timeout

    def edit(api: Any, token: str) -> dict[str, Any]:
        actions = f"{session.api_url}/deposit/depositions/{deposition_id}/actions"
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

    return deposition(await session.call(edit))
