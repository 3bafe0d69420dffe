"""The Zenodo service's own logic, against an in-memory double of the Zenodo client (no dev stack).

The double is configured the way an admin or a test swaps any part: through the
server config (`c.ZenodoExtension.session_class`), not by patching.
"""

from __future__ import annotations

import itertools
import json
from types import SimpleNamespace
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from vre_common.errors import VREError
from vre_common.executor import BlockingExecutor
from vre_common.tasks import TaskRegistry
from zenodo_ext.answers import record_summary, summary
from zenodo_ext.client import ZenodoSession
from zenodo_ext.depositions import Depositions
from zenodo_ext.models import CreateInput, MetadataForm
from zenodo_ext.records import Records
from zenodo_ext.service import ZenodoService
from zenodo_ext.transfers import Transfers

FORM = {
    "title": "Muon counts",
    "upload_type": "dataset",
    "description": "Counts.",
    "creators": [{"name": "Doe, Jane"}],
}


class Answer:
    def __init__(self, payload: Any) -> None:
        self.payload = payload

    def json(self) -> Any:
        return self.payload


class FakeZenodo:
    """Depositions in memory, spoken to as eOSSR's module functions and its `ZenodoAPI` are."""

    def __init__(self) -> None:
        self.depositions: dict[int, dict[str, Any]] = {}
        self.ids = itertools.count(101)
        self.refuse_metadata = False
        self.erased: list[int] = []

    def add(self, **fields: Any) -> dict[str, Any]:
        dep_id = next(self.ids)
        self.depositions[dep_id] = {
            "id": dep_id,
            "state": "unsubmitted",
            "submitted": False,
            "metadata": {"prereserve_doi": {"doi": f"10.5072/zenodo.{dep_id}"}},
            "files": [],
            "links": {"bucket": f"http://zenodo.invalid/api/files/{dep_id}"},
            **fields,
        }
        return self.depositions[dep_id]

    # eOSSR module functions
    def get_deposit(self, dep_id: int, token: str) -> dict[str, Any]:
        return self.depositions[dep_id]

    def query_deposits(self, query: str, token: str, page: int = 1, size: int = 10) -> Answer:
        ordered = sorted(self.depositions.values(), key=lambda d: -d["id"])
        return Answer(ordered[(page - 1) * size : page * size])

    def get_community(self, slug: str) -> dict[str, Any]:
        return {"id": slug}

    # eOSSR ZenodoAPI methods
    def create_new_deposit(self) -> Answer:
        return Answer(self.add())

    def set_deposit_metadata(self, dep_id: int, metadata: dict[str, Any]) -> Answer:
        if self.refuse_metadata:
            raise VREError("Zenodo refused the request.", code="zenodo_invalid")
        self.depositions[dep_id]["metadata"] = {**self.depositions[dep_id]["metadata"], **metadata}
        return Answer(self.depositions[dep_id])

    def erase_deposit(self, dep_id: int) -> None:
        self.erased.append(dep_id)
        del self.depositions[dep_id]

    def publish_deposit(self, dep_id: int) -> Answer:
        dep = self.depositions[dep_id]
        dep.update(state="done", submitted=True, doi=dep["metadata"]["prereserve_doi"]["doi"])
        dep["links"]["record_html"] = f"http://zenodo.invalid/records/{dep_id}"
        return Answer(dep)


class FakeSession(ZenodoSession):
    """A `ZenodoSession` whose calls reach `FakeZenodo` instead of the network."""

    zenodo = FakeZenodo()

    def __init__(self, vre: Any, instance: str, api_url: str, timeout: float, transfer: float) -> None:
        self.vre, self.instance, self.api_url = vre, instance, api_url.rstrip("/")
        self.timeout = self.transfer_timeout = timeout
        self.eossr = self.zenodo

    def token(self) -> str:
        return "token-of-the-double"

    async def call(self, fn: Any, *, authenticated: bool = True) -> Any:
        return fn(self.eossr, self.token())


@pytest.fixture
def zenodo(tmp_path):
    FakeSession.zenodo = FakeZenodo()
    executor = BlockingExecutor(2)
    vre = SimpleNamespace(executor=executor, tasks=TaskRegistry(keep_finished_seconds=60))
    session = FakeSession(vre, "sandbox", "http://zenodo.invalid/api", 5, 5)
    service = ZenodoService(session, str(tmp_path), "escape2020")
    yield SimpleNamespace(service=service, fake=FakeSession.zenodo, root=tmp_path)
    executor.shutdown()


async def codes_of(call: Any) -> str:
    with pytest.raises(VREError) as err:
        await call
    return err.value.code


def test_a_deposition_is_published_only_when_zenodo_says_so():
    draft = summary({"id": 1, "state": "unsubmitted", "doi": "10.5072/x", "metadata": {}})
    assert (draft.published, draft.doi, draft.record_url) == (False, None, None)
    done = summary({"id": 1, "state": "done", "doi": "10.5072/x", "links": {"record_html": "u"}})
    assert (done.published, done.doi_url, done.record_url) == (True, "https://doi.org/10.5072/x", "u")


def test_a_record_summary_takes_the_doi_from_either_place():
    assert (
        record_summary({"id": 3, "metadata": {"doi": "10.1/a", "title": "T"}}).doi_url
        == "https://doi.org/10.1/a"
    )
    assert record_summary({"id": 3, "doi": "10.1/b"}).doi == "10.1/b"


async def test_create_takes_the_form_or_a_codemeta_file_not_both(zenodo):
    body = CreateInput(metadata=MetadataForm(**FORM), codemeta_path="codemeta.json")
    assert await codes_of(zenodo.service.depositions.create(body)) == "invalid_body"
    assert await codes_of(zenodo.service.depositions.create(CreateInput())) == "invalid_body"


async def test_a_draft_whose_metadata_zenodo_refuses_is_discarded(zenodo):
    zenodo.fake.refuse_metadata = True
    body = CreateInput(metadata=MetadataForm(**FORM))
    assert await codes_of(zenodo.service.depositions.create(body)) == "zenodo_invalid"
    assert zenodo.fake.erased and not zenodo.fake.depositions


async def test_publish_needs_files_and_a_draft(zenodo):
    empty = zenodo.fake.add()
    assert await codes_of(zenodo.service.depositions.publish(empty["id"])) == "no_files"
    ready = zenodo.fake.add(files=[{"filename": "a.txt", "filesize": 1}])
    published = await zenodo.service.depositions.publish(ready["id"])
    assert published.doi == f"10.5072/zenodo.{ready['id']}"
    assert await codes_of(zenodo.service.depositions.publish(ready["id"])) == "already_published"
    assert await codes_of(zenodo.service.depositions.discard(ready["id"])) == "already_published"


async def test_a_community_on_a_draft_waits_for_publishing_and_is_asked_once(zenodo):
    draft = zenodo.fake.add()
    for _ in range(2):
        answer = await zenodo.service.depositions.request_community(draft["id"], " ESCAPE2020 ")
    assert answer.status == "on_publish"
    assert zenodo.fake.depositions[draft["id"]]["metadata"]["communities"] == [{"identifier": "escape2020"}]


async def test_an_upload_is_refused_before_any_byte_moves(zenodo):
    (zenodo.root / "out").mkdir()
    (zenodo.root / "out" / "a.txt").write_text("a")
    published = zenodo.fake.add(state="done", submitted=True)
    upload = zenodo.service.transfers.upload
    assert await codes_of(upload(published["id"], ["out"])) == "already_published"
    full = zenodo.fake.add(files=[{"filename": f"f{i}.txt", "filesize": 1} for i in range(100)])
    assert await codes_of(upload(full["id"], ["out"])) == "too_many_files"
    draft = zenodo.fake.add()
    assert await codes_of(upload(draft["id"], ["missing"])) == "path_not_found"


async def test_a_fetch_refuses_a_record_file_name_that_would_leave_the_folder(zenodo, monkeypatch):
    record = {"files": [{"key": "../escape.txt", "size": 1, "links": {"self": "http://zenodo.invalid/f"}}]}
    monkeypatch.setattr(
        zenodo.fake, "get_record", lambda record_id: SimpleNamespace(data=record), raising=False
    )
    assert await codes_of(zenodo.service.transfers.fetch(7, "here", False)) == "zenodo_unsafe_file_name"
    assert not (zenodo.root / "escape.txt").exists()


async def test_a_search_text_has_a_limit(zenodo):
    assert await codes_of(zenodo.service.records.search_records("x" * 501, None, 1, 10)) == "invalid_query"


def test_the_service_is_three_parts_on_one_session(zenodo):
    service = zenodo.service
    assert isinstance(service.depositions, Depositions)
    assert isinstance(service.transfers, Transfers) and service.transfers.depositions is service.depositions
    assert isinstance(service.records, Records)
    assert service.depositions.session is service.records.session


@pytest.fixture
def jp_server_config(jp_server_config):
    return {**jp_server_config, "ZenodoExtension": {"session_class": FakeSession}}


async def test_the_server_config_swaps_the_zenodo_client(jp_fetch, jp_serverapp):
    """Configured as an admin would (`c.ZenodoExtension.session_class`); built once, kept in the settings."""
    service = jp_serverapp.web_app.settings["zenodo_ext_service"]
    assert isinstance(service, ZenodoService)
    assert isinstance(service.depositions.session, FakeSession)
    draft = service.depositions.session.eossr.add()
    answer = json.loads((await jp_fetch("vre", "api", "zenodo", "depositions")).body)
    assert [item["id"] for item in answer["items"]] == [draft["id"]]
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch(
            "vre", "api", "zenodo", "depositions", str(draft["id"]), "publish", method="POST", body="{}"
        )
    assert json.loads(err.value.response.body)["error"] == "no_files"
