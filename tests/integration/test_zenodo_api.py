"""`/vre/api/zenodo/...` against the dev stack's Zenodo (zenodo-mock behind devstack/zenodo/serve.py)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

from zenodo_ext.client import eossr_for

pytestmark = pytest.mark.integration

BIG_MB = int(os.environ.get("VRE_ZENODO_BIG_MB", "400"))
CODEMETA = {
    "@context": "https://w3id.org/codemeta/3.0",
    "@type": "SoftwareSourceCode",
    "name": "VRE dark matter fit",
    "description": "Fit of a dark matter model, published from the VRE tests.",
    "version": "1.0.0",
    "softwareVersion": "1.0.0",
    "license": "https://spdx.org/licenses/MIT",
    "datePublished": "2026-11-20",
    "keywords": ["astroparticle", "vre"],
    "readme": "https://example.org/readme",
    "author": [{"@type": "Person", "givenName": "Jane", "familyName": "Doe"}],
    "maintainer": [{"@type": "Person", "givenName": "Jane", "familyName": "Doe"}],
}
FORM = {
    "title": "VRE form deposit",
    "upload_type": "dataset",
    "description": "Made from the form by the tests.",
    "creators": [{"name": "Doe, Jane", "affiliation": "ESCAPE"}],
    "license": "cc-by-4.0",
}


@pytest.fixture(scope="module")
def zenodo(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("zenodo")["zenodo"]


@pytest.fixture
def jp_server_config(jp_server_config, zenodo, tmp_path):
    return {
        **jp_server_config,
        "ZenodoExtension": {"api_url": zenodo["api_url"], "timeout_seconds": 20},
        "VRECommon": {"credentials_path": str(tmp_path / "credentials.json")},
    }


@pytest.fixture
def workspace(jp_root_dir: Path) -> Path:
    return Path(jp_root_dir)


async def call(jp_fetch, *path: str, method: str = "GET", body: Any = None, **params: Any) -> Any:
    data = None if body is None else json.dumps(body)
    if method in ("POST", "PUT") and data is None:
        data = "{}"
    response = await jp_fetch("vre", "api", "zenodo", *path, method=method, body=data, params=params)
    return json.loads(response.body)


async def error(
    jp_fetch, *path: str, method: str = "GET", body: Any = None, **params: Any
) -> tuple[int, dict]:
    with pytest.raises(HTTPClientError) as err:
        await call(jp_fetch, *path, method=method, body=body, **params)
    return err.value.code, json.loads(err.value.response.body)


async def connect(jp_fetch, token: str) -> None:
    body = json.dumps({"fields": {"token": token}})
    await jp_fetch("vre", "api", "credentials", "zenodo", "custom", method="PUT", body=body)


async def wait(jp_fetch, task: dict, timeout: float = 600, on_tick: Any = None) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        info = json.loads((await jp_fetch("vre", "api", "tasks", task["id"])).body)
        if info["state"] not in ("queued", "running"):
            return info
        if on_tick:
            on_tick()
        assert time.monotonic() < deadline, f"task still {info['state']} after {timeout} s"
        await asyncio.sleep(0.1)


def md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def rss_bytes() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


async def create_from_form(jp_fetch, **changes: Any) -> dict:
    return await call(jp_fetch, "depositions", method="POST", body={"metadata": {**FORM, **changes}})


async def upload(jp_fetch, deposition_id: int, *paths: str) -> dict:
    task = await call(
        jp_fetch, "depositions", str(deposition_id), "upload", method="POST", body={"paths": list(paths)}
    )
    assert task["kind"] == "zenodo.upload" and task["progress"]["unit"] == "bytes"
    return await wait(jp_fetch, task)


# --- credentials --------------------------------------------------------------------------
async def test_no_token_then_a_wrong_one_then_the_right_one(jp_fetch, zenodo):
    code, body = await error(jp_fetch, "depositions")
    assert (code, body["error"]) == (401, "no_credentials")

    await connect(jp_fetch, "not-the-token-0123456789")
    code, body = await error(jp_fetch, "verify", method="POST")
    assert (code, body["error"]) == (401, "zenodo_auth_failed")
    assert "personal access token" in body["message"]
    assert "not-the-token-0123456789" not in json.dumps(body)

    await connect(jp_fetch, zenodo["token"])
    answer = await call(jp_fetch, "verify", method="POST")
    assert answer["connected"] is True
    assert zenodo["token"] not in json.dumps(answer)


# --- metadata -----------------------------------------------------------------------------
async def test_bad_metadata_is_refused_before_zenodo_sees_it(jp_fetch, zenodo):
    await connect(jp_fetch, zenodo["token"])
    before = await call(jp_fetch, "depositions", size=100)
    code, body = await error(
        jp_fetch,
        "depositions",
        method="POST",
        body={"metadata": {**FORM, "title": " ", "creators": [], "publication_date": "yesterday"}},
    )
    assert (code, body["error"]) == (400, "invalid_metadata")
    assert "title is required" in body["message"] and "creator" in body["message"]
    code, body = await error(
        jp_fetch, "depositions", method="POST", body={"metadata": {**FORM, "publication_date": "20th May"}}
    )
    assert (code, body["error"]) == (400, "invalid_metadata")
    assert "YYYY-MM-DD" in body["message"]
    code, body = await error(jp_fetch, "depositions", method="POST", body={})
    assert (code, body["error"]) == (400, "invalid_body")
    after = await call(jp_fetch, "depositions", size=100)
    assert [d["id"] for d in after["items"]] == [d["id"] for d in before["items"]], "no draft was left behind"


async def test_a_codemeta_without_what_the_ossr_requires_is_a_clear_400(jp_fetch, zenodo, workspace):
    await connect(jp_fetch, zenodo["token"])
    (workspace / "thin").mkdir()
    thin = {k: v for k, v in CODEMETA.items() if k not in ("readme", "maintainer")}
    (workspace / "thin" / "codemeta.json").write_text(json.dumps(thin))
    code, body = await error(jp_fetch, "codemeta", path="thin/codemeta.json")
    assert (code, body["error"]) == (400, "invalid_codemeta")
    assert "maintainer" in body["message"] and "readme" in body["message"]
    (workspace / "thin" / "codemeta.json").write_text("{not json")
    code, body = await error(
        jp_fetch, "depositions", method="POST", body={"codemeta_path": "thin/codemeta.json"}
    )
    assert (code, body["error"]) == (400, "invalid_codemeta")
    code, body = await error(jp_fetch, "codemeta", path="../codemeta.json")
    assert (code, body["error"]) == (400, "invalid_path")


async def test_zenodo_s_own_validation_error_is_shown_field_by_field(jp_fetch, zenodo, tmp_path):
    """A draft made elsewhere without metadata: publishing it gets Zenodo's validation error, mapped."""
    await connect(jp_fetch, zenodo["token"])
    api = eossr_for(zenodo["api_url"], 20).ZenodoAPI(access_token=zenodo["token"])
    api.api_base_url = zenodo["api_url"] + "/"
    draft_id = api.create_new_deposit().json()["id"]
    (tmp_path / "a.txt").write_text("a")
    api.upload_file_deposit(draft_id, "a.txt", tmp_path / "a.txt")
    code, body = await error(jp_fetch, "depositions", str(draft_id), "publish", method="POST")
    assert (code, body["error"]) == (400, "zenodo_invalid")
    assert "title" in body["message"] and "creators" in body["message"]
    assert zenodo["token"] not in json.dumps(body)


# --- the publishing round trip ------------------------------------------------------------
async def test_codemeta_folder_upload_publish_search_and_fetch(jp_fetch, zenodo, workspace):
    await connect(jp_fetch, zenodo["token"])
    folder = workspace / "analysis"
    (folder / "plots").mkdir(parents=True)
    (folder / "codemeta.json").write_text(json.dumps(CODEMETA))
    (folder / "results.csv").write_text("x,y\n1,2\n")
    (folder / "plots" / "fit.png").write_bytes(os.urandom(200_000))
    (folder / ".hidden").write_text("not published")

    prefill = await call(jp_fetch, "codemeta", path="analysis/codemeta.json")
    assert prefill["metadata"]["title"] == CODEMETA["name"]
    assert prefill["metadata"]["license"] == "mit"
    assert prefill["metadata"]["upload_type"] == "software"

    draft = await call(
        jp_fetch, "depositions", method="POST", body={"codemeta_path": "analysis/codemeta.json"}
    )
    assert draft["title"] == CODEMETA["name"] and not draft["published"]
    assert draft["reserved_doi"] == f"{zenodo['doi_prefix']}{draft['id']}"
    assert draft["metadata"]["version"] == "1.0.0"

    task = await upload(jp_fetch, draft["id"], "analysis")
    assert task["state"] == "succeeded", task["error"]
    expected = {"codemeta.json", "results.csv", "plots__fit.png"}
    assert (
        task["progress"]["done"]
        == task["progress"]["total"]
        == sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.name != ".hidden")
    )
    got = await call(jp_fetch, "depositions", str(draft["id"]))
    assert {f["name"] for f in got["files"]} == expected
    assert {f["name"]: f["checksum"] for f in got["files"]}["plots__fit.png"] == md5(
        folder / "plots" / "fit.png"
    )

    listed = await call(jp_fetch, "depositions", size=5)
    assert listed["items"][0]["id"] == draft["id"] and listed["items"][0]["state"] == "unsubmitted"

    published = await call(jp_fetch, "depositions", str(draft["id"]), "publish", method="POST")
    assert published["doi"] == f"{zenodo['doi_prefix']}{draft['id']}"
    assert published["doi_url"] == f"https://doi.org/{published['doi']}"
    assert published["record_url"].endswith(f"/records/{draft['id']}")
    assert published["citation"].startswith("Doe, J. (2026). VRE dark matter fit (Version 1.0.0). Zenodo.")
    code, body = await error(jp_fetch, "depositions", str(draft["id"]), "publish", method="POST")
    assert (code, body["error"]) == (409, "already_published")

    found = await call(jp_fetch, "records", q="dark matter", size=100)
    assert draft["id"] in [r["id"] for r in found["items"]]
    record = await call(jp_fetch, "records", str(draft["id"]))
    assert record["doi"] == published["doi"]
    assert {f["name"] for f in record["files"]} == expected
    assert [v["id"] for v in record["versions"]] == [draft["id"]]

    fetch = await call(
        jp_fetch, "records", str(draft["id"]), "fetch", method="POST", body={"folder": "reuse"}
    )
    done = await wait(jp_fetch, fetch)
    assert done["state"] == "succeeded", done["error"]
    assert md5(workspace / "reuse" / "plots__fit.png") == md5(folder / "plots" / "fit.png")
    assert (workspace / "reuse" / "results.csv").read_text() == "x,y\n1,2\n"
    assert not [p for p in (workspace / "reuse").iterdir() if p.name.endswith(".part")]

    code, body = await error(
        jp_fetch, "records", str(draft["id"]), "fetch", method="POST", body={"folder": "reuse"}
    )
    assert (code, body["error"]) == (409, "file_exists")
    code, body = await error(
        jp_fetch, "records", str(draft["id"]), "fetch", method="POST", body={"folder": "../out"}
    )
    assert (code, body["error"]) == (400, "invalid_path")


async def test_a_big_file_uploads_with_flat_memory_and_a_retry_skips_what_arrived(
    jp_fetch, zenodo, workspace
):
    await connect(jp_fetch, zenodo["token"])
    folder = workspace / "big"
    folder.mkdir()
    block = os.urandom(1 << 20)
    with (folder / "events.bin").open("wb") as handle:
        for index in range(BIG_MB):
            handle.write(index.to_bytes(8, "little") + block[8:])
    (folder / "README.txt").write_text("several hundred MB of events\n")
    draft = await create_from_form(jp_fetch, title="Big upload")

    baseline = peak = rss_bytes()

    def sample() -> None:
        nonlocal peak
        peak = max(peak, rss_bytes())

    task = await call(
        jp_fetch, "depositions", str(draft["id"]), "upload", method="POST", body={"paths": ["big"]}
    )
    sampler_running = True

    async def sampler() -> None:
        while sampler_running:
            sample()
            await asyncio.sleep(0.02)

    sampling = asyncio.ensure_future(sampler())
    done = await wait(jp_fetch, task, on_tick=sample)
    sampler_running = False
    await sampling
    growth = (peak - baseline) / 2**20
    print(
        f"\nuploading {BIG_MB} MB: server RSS {baseline / 2**20:.0f} MB before, peak {peak / 2**20:.0f} MB "
        f"(+{growth:.1f} MB)"
    )
    assert done["state"] == "succeeded", done["error"]
    assert done["progress"]["done"] == done["progress"]["total"] > BIG_MB * 2**20
    assert growth < 64, f"memory grew by {growth:.0f} MB while uploading {BIG_MB} MB"

    got = await call(jp_fetch, "depositions", str(draft["id"]))
    sizes = {f["name"]: (f["size"], f["checksum"]) for f in got["files"]}
    assert sizes["events.bin"] == ((folder / "events.bin").stat().st_size, md5(folder / "events.bin"))

    # Retry-safe: the same upload again sends nothing already there; a changed file is replaced.
    (folder / "README.txt").write_text("now with a second line\nof text\n")
    again = await upload(jp_fetch, draft["id"], "big")
    assert again["state"] == "succeeded"
    assert again["result"]["skipped"] == 1
    got = await call(jp_fetch, "depositions", str(draft["id"]))
    assert {f["name"]: f["checksum"] for f in got["files"]}["README.txt"] == md5(folder / "README.txt")
    assert len(got["files"]) == 2
    await call(jp_fetch, "depositions", str(draft["id"]), method="DELETE")


async def test_a_new_version_gets_its_own_doi_and_lists_both_versions(jp_fetch, zenodo, workspace):
    await connect(jp_fetch, zenodo["token"])
    (workspace / "v1.txt").write_text("first\n")
    (workspace / "v2.txt").write_text("second\n")
    title = f"Versioned result {uuid.uuid4().hex[:8]}"  # the stand-in keeps records between runs
    first = await create_from_form(jp_fetch, title=title, version="1")
    assert (await upload(jp_fetch, first["id"], "v1.txt"))["state"] == "succeeded"
    one = await call(jp_fetch, "depositions", str(first["id"]), "publish", method="POST")

    code, body = await error(
        jp_fetch, "depositions", str(first["id"]), "upload", method="POST", body={"paths": ["v2.txt"]}
    )
    assert (code, body["error"]) == (409, "already_published")

    draft = await call(jp_fetch, "depositions", str(first["id"]), "newversion", method="POST", body={})
    assert draft["id"] != first["id"] and not draft["published"]
    assert draft["files"] == [] and draft["metadata"]["title"] == title
    assert draft["conceptrecid"] == first["conceptrecid"]
    assert (await upload(jp_fetch, draft["id"], "v2.txt"))["state"] == "succeeded"
    two = await call(jp_fetch, "depositions", str(draft["id"]), "publish", method="POST")
    assert two["doi"] != one["doi"]

    record = await call(jp_fetch, "records", str(draft["id"]))
    assert [v["id"] for v in record["versions"]] == [first["id"], draft["id"]]
    assert [f["name"] for f in record["files"]] == ["v2.txt"]
    # The default search shows a concept's latest version only.
    found = await call(jp_fetch, "records", q=title)
    assert [r["id"] for r in found["items"]] == [draft["id"]]


async def test_communities_are_searched_and_requested(jp_fetch, zenodo, workspace):
    await connect(jp_fetch, zenodo["token"])
    page = await call(jp_fetch, "communities", q="escape")
    assert page["default_community"] == "escape2020"
    assert [c["slug"] for c in page["items"]] == ["escape2020"]

    (workspace / "c.txt").write_text("community\n")
    word = f"xyzzy{uuid.uuid4().hex[:8]}"  # the stand-in keeps records between runs
    draft = await create_from_form(jp_fetch, title=f"Community candidate {word}")
    asked = await call(
        jp_fetch,
        "depositions",
        str(draft["id"]),
        "communities",
        method="POST",
        body={"community": "escape2020"},
    )
    assert asked["status"] == "on_publish"
    code, body = await error(
        jp_fetch,
        "depositions",
        str(draft["id"]),
        "communities",
        method="POST",
        body={"community": "no-such-community"},
    )
    assert (code, body["error"]) == (404, "zenodo_not_found")
    assert (await upload(jp_fetch, draft["id"], "c.txt"))["state"] == "succeeded"
    await call(jp_fetch, "depositions", str(draft["id"]), "publish", method="POST")
    found = await call(jp_fetch, "records", q=word, community="escape2020")
    assert [r["id"] for r in found["items"]] == [draft["id"]]
    assert found["items"][0]["communities"] == ["escape2020"]

    later = await call(
        jp_fetch,
        "depositions",
        str(draft["id"]),
        "communities",
        method="POST",
        body={"community": "vre-devstack"},
    )
    assert later["status"] == "accepted"
    found = await call(jp_fetch, "records", q=word, community="vre-devstack")
    assert [r["id"] for r in found["items"]] == [draft["id"]]


@pytest.mark.parametrize(
    ("path", "params", "code", "expected"),
    [
        (("depositions",), {"page": "0"}, 400, "invalid_page"),
        (("depositions",), {"size": "1000"}, 400, "invalid_size"),
        (("records",), {"size": "many"}, 400, "invalid_size"),
        (("depositions", "999999"), {}, 404, "zenodo_not_found"),
        (("records", "999999"), {}, 404, "zenodo_not_found"),
    ],
)
async def test_bad_requests_are_clear_errors(jp_fetch, zenodo, path, params, code, expected):
    await connect(jp_fetch, zenodo["token"])
    status, body = await error(jp_fetch, *path, **params)
    assert (status, body["error"]) == (code, expected)
    assert body["message"]


async def test_uploads_only_read_inside_the_workspace(jp_fetch, zenodo, workspace):
    await connect(jp_fetch, zenodo["token"])
    draft = await create_from_form(jp_fetch, title="Confined")
    for paths, expected in (
        (["../outside"], "invalid_path"),
        (["/etc/passwd"], "invalid_path"),
        (["missing"], "path_not_found"),
    ):
        code, body = await error(
            jp_fetch, "depositions", str(draft["id"]), "upload", method="POST", body={"paths": paths}
        )
        assert body["error"] == expected, body
    (workspace / "escape").symlink_to("/etc")
    code, body = await error(
        jp_fetch, "depositions", str(draft["id"]), "upload", method="POST", body={"paths": ["escape"]}
    )
    assert (code, body["error"]) == (403, "path_outside_root")
    await call(jp_fetch, "depositions", str(draft["id"]), method="DELETE")


async def test_a_fetch_that_fails_midway_leaves_no_partial_file(jp_fetch, zenodo, workspace):
    """The second file is gone from Zenodo's storage: the task fails, clearly, and nothing half-written stays."""
    await connect(jp_fetch, zenodo["token"])
    (workspace / "pair").mkdir()
    (workspace / "pair" / "a-first.bin").write_bytes(os.urandom(300_000))
    (workspace / "pair" / "b-second.bin").write_bytes(os.urandom(300_000))
    draft = await create_from_form(jp_fetch, title="Half there")
    assert (await upload(jp_fetch, draft["id"], "pair"))["state"] == "succeeded"
    await call(jp_fetch, "depositions", str(draft["id"]), "publish", method="POST")
    (Path(zenodo["storage_dir"]) / str(draft["id"]) / "b-second.bin").unlink()

    fetch = await call(jp_fetch, "records", str(draft["id"]), "fetch", method="POST", body={"folder": "half"})
    done = await wait(jp_fetch, fetch)
    assert done["state"] == "failed"
    assert done["error"]["error"] == "zenodo_not_found"
    left = sorted(p.name for p in (workspace / "half").iterdir())
    assert "b-second.bin" not in left
    assert not [name for name in left if name.endswith(".part")]
