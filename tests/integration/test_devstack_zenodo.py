"""eOSSR publishes to the dev stack's Zenodo (zenodo-mock behind devstack/zenodo/serve.py).

eOSSR reads its base URL from two places: `ZenodoAPI.api_base_url` (create, set
metadata, publish, new version, delete) and the module constant
`zenodo_api_base_url` (query_deposit, used by upload_file_deposit, and
get_record/search). Both are set to the stack's `<api_url>/`, the shape of
eOSSR's own constants; the stack collapses the `//` that eOSSR then builds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import eossr.api.zenodo.zenodo as eossr_zenodo
import httpx
import pytest
from eossr.api.zenodo import ZenodoAPI, get_record
from eossr.api.zenodo.http_status import HTTPStatusError

pytestmark = pytest.mark.integration

METADATA = {
    "title": "VRE dev stack round trip",
    "upload_type": "dataset",
    "description": "Published by the jupyterlab-vre integration tests.",
    "creators": [{"name": "Doe, Jane", "affiliation": "ESCAPE"}],
    "license": "cc-by-4.0",
}


@pytest.fixture
def zenodo(devstack_up: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    facts = devstack_up("zenodo")["zenodo"]
    monkeypatch.setattr(eossr_zenodo, "zenodo_api_base_url", facts["api_url"] + "/")
    return facts


def client(facts: dict[str, Any], token: str | None = None) -> ZenodoAPI:
    api = ZenodoAPI(access_token=token or facts["token"])
    api.api_base_url = facts["api_url"] + "/"
    return api


def test_eossr_creates_uploads_publishes_and_gets_a_doi(zenodo: dict[str, Any], tmp_path: Path) -> None:
    api = client(zenodo)
    deposit = api.create_new_deposit().json()
    assert deposit["state"] == "unsubmitted"
    deposit_id = deposit["id"]

    payload = tmp_path / "results.csv"
    payload.write_text("x,y\n1,2\n")
    api.upload_file_deposit(deposit_id, "results.csv", payload)
    updated = api.set_deposit_metadata(deposit_id, METADATA).json()
    assert [f["filename"] for f in updated["files"]] == ["results.csv"]
    assert updated["metadata"]["title"] == METADATA["title"]

    published = api.publish_deposit(deposit_id).json()
    assert published["state"] == "done"
    assert published["doi"] == f"{zenodo['doi_prefix']}{deposit_id}"

    record = get_record(deposit_id)  # public read, through eOSSR's module-level base URL
    assert record.doi == published["doi"]
    assert record.title == METADATA["title"]
    [link] = record.filelist
    assert httpx.get(link, timeout=10).content == payload.read_bytes()


def test_eossr_publishes_a_new_version(zenodo: dict[str, Any], tmp_path: Path) -> None:
    api = client(zenodo)
    (tmp_path / "notes.txt").write_text("first\n")
    first = api.upload_dir_content(tmp_path, metadata=METADATA)
    (tmp_path / "notes.txt").write_text("second\n")
    second = api.upload_dir_content(tmp_path, record_id=first, metadata=METADATA)
    assert str(second) != str(first)
    record = get_record(second)
    assert record.doi == f"{zenodo['doi_prefix']}{second}"
    [link] = record.filelist
    assert httpx.get(link, timeout=10).text == "second\n"


def test_an_unpublished_draft_can_be_discarded(zenodo: dict[str, Any]) -> None:
    api = client(zenodo)
    deposit_id = api.create_new_deposit().json()["id"]
    assert api.erase_deposit(deposit_id).status_code == 204
    assert (
        httpx.get(
            f"{zenodo['api_url']}/deposit/depositions/{deposit_id}",
            params={"access_token": zenodo["token"]},
            timeout=10,
        ).status_code
        == 404
    )


def test_a_wrong_token_is_refused(zenodo: dict[str, Any]) -> None:
    with pytest.raises(HTTPStatusError, match="401"):
        client(zenodo, token="not-the-token").create_new_deposit()
    missing = httpx.post(f"{zenodo['api_url']}/deposit/depositions", json={}, timeout=10)
    assert missing.status_code == 401
