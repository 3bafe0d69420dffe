"""Editing a published record, filtered record search and fetching one file, against the dev stack's Zenodo."""

from __future__ import annotations

import uuid

import pytest
import test_zenodo_api as base
from test_zenodo_api import FORM, call, connect, create_from_form, error, upload, wait

# The fixtures of test_zenodo_api, used here under the same names.
jp_server_config, workspace, zenodo = base.jp_server_config, base.workspace, base.zenodo

pytestmark = pytest.mark.integration


async def publish(jp_fetch, workspace, title: str, **changes) -> dict:
    folder = workspace / title
    (folder / "code").mkdir(parents=True)
    (folder / "code" / "fit.py").write_text("print('fit')\n")
    (folder / "data.csv").write_text("x,y\n1,2\n")
    draft = await create_from_form(jp_fetch, title=title, **changes)
    assert (await upload(jp_fetch, draft["id"], title))["state"] == "succeeded"
    return await call(jp_fetch, "depositions", str(draft["id"]), "publish", method="POST")


async def test_a_published_record_gets_new_metadata_under_the_same_doi(jp_fetch, zenodo, workspace):
    await connect(jp_fetch, zenodo["token"])
    title = f"edit-{uuid.uuid4().hex[:8]}"
    done = await publish(jp_fetch, workspace, title)

    changed = {**FORM, "title": f"{title} corrected", "keywords": ["fixed"], "description": "Better words."}
    edited = await call(
        jp_fetch, "depositions", str(done["id"]), "edit", method="POST", body={"metadata": changed}
    )
    assert edited["published"] and edited["doi"] == done["doi"]
    assert edited["metadata"]["title"] == f"{title} corrected"
    record = await call(jp_fetch, "records", str(done["id"]))
    assert record["title"] == f"{title} corrected" and record["doi"] == done["doi"]
    assert record["metadata"]["keywords"] == ["fixed"]

    # Refused metadata leaves the record as it was.
    code, refused = await error(
        jp_fetch, "depositions", str(done["id"]), "edit", method="POST",
        body={"metadata": {**changed, "creators": []}},
    )  # fmt: skip
    assert code == 400 and "creator" in refused["message"].lower()
    again = await call(jp_fetch, "records", str(done["id"]))
    assert again["title"] == f"{title} corrected"

    draft = await create_from_form(jp_fetch, title=f"{title}-draft")
    code, body = await error(
        jp_fetch, "depositions", str(draft["id"]), "edit", method="POST", body={"metadata": FORM}
    )
    assert (code, body["error"]) == (409, "not_published")
    await call(jp_fetch, "depositions", str(draft["id"]), method="DELETE")  # discard the draft
    code, _ = await error(jp_fetch, "depositions", str(draft["id"]))
    assert code == 404


async def test_records_are_filtered_by_type_and_access_and_one_file_is_fetched(jp_fetch, zenodo, workspace):
    await connect(jp_fetch, zenodo["token"])
    word = f"filt{uuid.uuid4().hex[:8]}"
    software = await publish(jp_fetch, workspace, f"{word}-sw", upload_type="software")
    dataset = await publish(jp_fetch, workspace, f"{word}-ds", upload_type="dataset")

    found = await call(jp_fetch, "records", q=word)
    assert {r["id"] for r in found["items"]} == {software["id"], dataset["id"]}
    only = await call(jp_fetch, "records", q=word, resource_type="software")
    assert [(r["id"], r["resource_type"]) for r in only["items"]] == [(software["id"], "software")]
    assert (await call(jp_fetch, "records", q=word, access_right="open"))["total"] == 2
    assert (await call(jp_fetch, "records", q=word, access_right="closed"))["total"] == 0
    code, body = await error(jp_fetch, "records", q=word, resource_type="spaceship")
    assert (code, body["error"]) == (400, "invalid_resource_type")

    record = await call(jp_fetch, "records", str(dataset["id"]))
    names = {f["name"]: f for f in record["files"]}
    assert set(names) == {"code__fit.py", "data.csv"} and names["data.csv"]["url"]
    task = await call(
        jp_fetch, "records", str(dataset["id"]), "fetch", method="POST",
        body={"folder": f"{word}-in", "files": ["data.csv"]},
    )  # fmt: skip
    assert (await wait(jp_fetch, task))["state"] == "succeeded"
    assert sorted(p.name for p in (workspace / f"{word}-in").iterdir()) == ["data.csv"]
    code, body = await error(
        jp_fetch, "records", str(dataset["id"]), "fetch", method="POST",
        body={"folder": f"{word}-no", "files": ["nope.txt"]},
    )  # fmt: skip
    assert (code, body["error"]) == (404, "no_such_file")
