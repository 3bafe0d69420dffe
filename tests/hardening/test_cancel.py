# ruff: noqa: F811  (the restart test's fixtures are imported by name, and tests take them as arguments)
"""Cancel every kind of task from the API while it is mid-way, and show what cancel means for each.

The same real `jupyter server` subprocess and fault-proxy holds as test_restart.py (imported from
there), plus a REANA run held while it uploads its inputs. Each task is cancelled with
`DELETE /vre/api/tasks/<id>` while its backend call is held, then the holds are let go, and each test
checks one kind: the task ends `cancelled`, no partial file is left anywhere, and the backend is left
clean (what that means per kind is in each test's name). The event loop stays free: every cancel
and a status request made meanwhile answer within a bound.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from test_restart import (  # the server and the holds are the restart test's
    SAMPLE,
    TASK_TIMEOUT_S,
    Lab,
    lab,  # noqa: F401  (fixtures)
    proxies,  # noqa: F401
    stack,  # noqa: F401
    temporaries,
    upload_dataset_module,  # noqa: F401
)

ANSWER_BOUND_S = 2.0  # a cancel, or a light request during the cancels, answers within this
KINDS = (
    "rucio.make_available",
    "rucio.download",
    "rucio.upload",
    "reana.upload",
    "reana.run",
    "reana.download",
    "zenodo.upload",
    "zenodo.fetch",
)


def timed(lab: Lab, method: str, path: str) -> tuple[float, Any]:
    start = time.perf_counter()
    answer = httpx.request(method, f"{lab.url}/vre/api/{path}", headers=lab.auth, timeout=60)
    assert answer.status_code == 200, (path, answer.text)
    return time.perf_counter() - start, answer.json()


@pytest.fixture(scope="module")
def cancelled(lab: Lab, stack, proxies, upload_dataset_module) -> Iterator[dict[str, Any]]:
    """Start one task of each kind, hold each mid-way, cancel them all, let the holds go."""
    root = lab.root
    seen: dict[str, Any] = {}
    from rucio.client import Client

    client = Client()
    # Rucio download: three files; the last one's replica becomes a FIFO fed half its bytes.
    payloads = {f"part{i}.bin": os.urandom(300_000) for i in range(3)}
    download_did = upload_dataset_module(payloads)
    scope, dataset = download_did.split(":")
    (replica,) = client.list_replicas([{"scope": scope, "name": f"{dataset}.part2.bin"}])
    stored = Path(urlparse(next(iter(replica["pfns"]))).path)
    original = stored.read_bytes()
    stored.unlink()
    os.mkfifo(stored)
    seen["rucio.download"] = {"did": download_did}
    seen["rucio.make_available"] = {"did": upload_dataset_module({"a.bin": os.urandom(50_000)})}
    folder = root / f"cup-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    names = [f"{folder.name}.f{i}.bin" for i in range(3)]
    for name in names:
        (folder / name).write_bytes(os.urandom(100_000))
    seen["rucio.upload"] = {"names": names, "scope": scope}

    shutil.copytree(SAMPLE, root / "hello")
    created = lab.call("POST", "reana/workflows", {"path": "hello", "name": "cancel-up"}, 201)
    run = lab.wait_task(lab.call("POST", "reana/run", {"path": "hello", "name": "cancel-down"}, 202)["id"])
    assert run["state"] == "succeeded", run
    finished = run["result"]["workflow_id"]
    deadline = time.monotonic() + TASK_TIMEOUT_S
    while (status := lab.call("GET", f"reana/workflows/{finished}", expect=200))["status"] != "finished":
        assert status["status"] not in ("failed", "stopped") and time.monotonic() < deadline, status
        time.sleep(0.3)
    seen["reana.upload"] = {"workflow": created["id"]}
    seen["reana.download"] = {"workflow": finished}

    metadata = {
        "title": "cancel",
        "upload_type": "dataset",
        "description": "d",
        "creators": [{"name": "Doe, Jane"}],
        "license": "cc-by-4.0",
    }
    draft = lab.call("POST", "zenodo/depositions", {"metadata": metadata}, 201)
    (root / "zup").mkdir()
    zfiles = {f"z{i}.bin": os.urandom(200_000) for i in range(3)}
    for name, data in zfiles.items():
        (root / "zup" / name).write_bytes(data)
    seen["zenodo.upload"] = {"draft": draft["id"], "files": zfiles}
    source = lab.call("POST", "zenodo/depositions", {"metadata": metadata}, 201)
    (root / "record.bin").write_bytes(os.urandom(1 << 20))
    done = lab.wait_task(
        lab.call("POST", f"zenodo/depositions/{source['id']}/upload", {"paths": ["record.bin"]}, 202)["id"]
    )
    assert done["state"] == "succeeded", done
    lab.call("POST", f"zenodo/depositions/{source['id']}/publish", {}, 200)
    seen["zenodo.fetch"] = {"record": source["id"]}

    # --- the holds: as in test_restart.py, and every REANA input upload (the run's too) -------------
    proxies["rucio"].set_rules(
        [
            ("wait", r"^GET /rules/[0-9a-f]{32}", {}),
            ("wait", rf"^GET /dids/{scope}/{names[1]}/meta", {}),
        ]
    )
    proxies["reana"].set_rules(
        [
            ("wait", r"^POST /api/workflows/[^/]+/workspace", {}),
            ("hold", rf"^GET /api/workflows/{finished}/workspace/", {"after_bytes": 5}),
        ]
    )
    proxies["zenodo"].set_rules(
        [
            ("wait", r"^PUT /\S*files/\S*z1\.bin", {}),
            ("hold", r"^GET /\S*record\.bin", {"after_bytes": 100_000}),
        ]
    )
    started = {
        "rucio.make_available": lab.call(
            "POST", "rucio/vre/make-available", {"dids": [seen["rucio.make_available"]["did"]]}, 202
        ),
        "rucio.download": lab.call("POST", "rucio/dl/download", {"dids": [download_did]}, 202),
        "rucio.upload": lab.call(
            "POST",
            "rucio/vre/upload",
            {"path": folder.name, "rse": stack["rucio"]["upload_rse"], "scope": scope},
            202,
        ),
        "reana.upload": lab.call("POST", f"reana/workflows/{created['id']}/upload", {"path": "hello"}, 202),
        "reana.run": lab.call("POST", "reana/run", {"path": "hello", "name": "cancel-run"}, 202),
        "reana.download": lab.call(
            "POST",
            f"reana/workflows/{finished}/download",
            {"target": "reana-out", "files": ["results/greetings.txt"]},
            202,
        ),
        "zenodo.upload": lab.call(
            "POST", f"zenodo/depositions/{draft['id']}/upload", {"paths": ["zup"]}, 202
        ),
        "zenodo.fetch": lab.call("POST", f"zenodo/records/{source['id']}/fetch", {"folder": "fetched"}, 202),
    }
    fifo = os.open(stored, os.O_WRONLY)  # blocks until the server opens it to read
    os.write(fifo, original[: len(original) // 2])
    for name, count in (("rucio", 2), ("reana", 3), ("zenodo", 2)):
        proxies[name].wait_held(count, timeout=TASK_TIMEOUT_S)
    deadline = time.monotonic() + 60
    for folder in ("rucio-downloads", "reana-out", "fetched"):  # each download is mid-file, on disk
        while not temporaries(root / folder):
            assert time.monotonic() < deadline, f"no temporary file in {folder}"
            time.sleep(0.1)
    seen["temporaries_before"] = {
        "rucio.download": temporaries(root / "rucio-downloads"),
        "reana.download": temporaries(root / "reana-out"),
        "zenodo.fetch": temporaries(root / "fetched"),
    }
    run_task = lab.call("GET", f"tasks/{started['reana.run']['id']}", expect=200)
    seen["reana.run"] = {"title": run_task["title"]}

    # --- cancel each, timing the cancels and a light request between them ----------------------
    seen["answer_times"] = []
    for kind, task in started.items():
        elapsed, answer = timed(lab, "DELETE", f"tasks/{task['id']}")
        assert answer["kind"] == kind
        seen["answer_times"].append((f"cancel {kind}", elapsed))
        seen["answer_times"].append(("auth/status", timed(lab, "GET", "auth/status")[0]))
    # The FIFO reader sees its end, the holds go: whatever the cancelled tasks clean up, they can now.
    os.close(fifo)
    for proxy in proxies.values():
        proxy.set("pass")
    for kind, task in started.items():
        seen[kind]["final"] = lab.wait_task(task["id"])
    stored.unlink()
    stored.write_bytes(original)
    yield seen


def test_the_event_loop_stays_free_during_the_cancels(cancelled):
    slow = [(what, round(s, 2)) for what, s in cancelled["answer_times"] if s > ANSWER_BOUND_S]
    assert slow == [], slow


@pytest.mark.parametrize("kind", KINDS)
def test_each_task_ends_cancelled(cancelled, kind):
    final = cancelled[kind]["final"]
    assert (final["kind"], final["state"]) == (kind, "cancelled"), final


def test_download_cancel_leaves_no_partial_file_and_keeps_verified_ones(cancelled, lab):
    assert len(cancelled["temporaries_before"]["rucio.download"]) == 1  # it was mid-file
    assert temporaries(lab.root / "rucio-downloads") == []
    names = {p.name for p in (lab.root / "rucio-downloads").rglob("*.bin")}
    dataset = cancelled["rucio.download"]["did"].split(":")[1]
    assert names == {f"{dataset}.part0.bin", f"{dataset}.part1.bin"}  # whole and verified; part2 not


def test_make_available_cancel_says_the_rucio_rule_stays_and_it_does(cancelled, stack):
    from rucio.client import Client

    final = cancelled["rucio.make_available"]["final"]
    assert final["result"]["rule_kept"] is True, final
    assert "rule stays" in final["result"]["message"]
    (rule,) = final["result"]["rules"]
    assert Client().get_replication_rule(rule)["id"] == rule  # still in Rucio


def test_rucio_upload_cancel_keeps_the_files_done_and_registers_nothing_after(cancelled, lab, stack):
    """Cancelled while the second file is being looked up: the first stays registered whole; the
    second and third are neither registered nor left half-written in the RSE's storage."""
    from rucio.client import Client
    from rucio.common.exception import DataIdentifierNotFound

    scope, names = cancelled["rucio.upload"]["scope"], cancelled["rucio.upload"]["names"]
    client = Client()
    assert client.get_metadata(scope, names[0])["bytes"] == 100_000
    for name in names[1:]:
        with pytest.raises(DataIdentifierNotFound):
            client.get_metadata(scope, name)
    storage = Path(stack["rucio"]["rse_storage"][stack["rucio"]["upload_rse"]]) / scope.replace(".", "/")
    assert [p.name for p in storage.rglob("*") if any(n in p.name for n in names[1:])] == []


def test_reana_upload_cancel_leaves_no_half_file_in_the_workspace(cancelled, lab):
    listing = lab.call("GET", f"reana/workflows/{cancelled['reana.upload']['workflow']}/files", expect=200)
    local = {
        p.relative_to(lab.root / "hello").as_posix(): p.stat().st_size
        for p in (lab.root / "hello").rglob("*")
        if p.is_file()
    }
    for item in listing["items"]:
        assert local.get(item["name"]) == item["size_bytes"], item  # only whole inputs


def test_reana_run_cancel_before_start_deletes_the_workflow_it_created(cancelled, lab):
    final = cancelled["reana.run"]["final"]
    assert final["result"]["deleted"] is True, final
    workflow = final["result"]["workflow_id"]
    answer = httpx.get(f"{lab.url}/vre/api/reana/workflows/{workflow}", headers=lab.auth, timeout=30)
    assert answer.status_code == 404 or answer.json()["status"] == "deleted", answer.text


def test_reana_download_cancel_leaves_no_partial_file(cancelled, lab):
    assert len(cancelled["temporaries_before"]["reana.download"]) == 1
    assert temporaries(lab.root / "reana-out") == []
    assert not (lab.root / "reana-out" / "results" / "greetings.txt").exists()


def test_zenodo_upload_cancel_leaves_the_draft_without_half_files(cancelled, lab):
    draft = lab.call("GET", f"zenodo/depositions/{cancelled['zenodo.upload']['draft']}", expect=200)
    files = cancelled["zenodo.upload"]["files"]
    listed = {f["name"]: f for f in draft["files"]}
    assert set(listed) == {"z0.bin"}, listed  # the file before the held one; none half-put
    assert listed["z0.bin"]["checksum"] == hashlib.md5(files["z0.bin"], usedforsecurity=False).hexdigest()


def test_zenodo_fetch_cancel_leaves_no_partial_file(cancelled, lab):
    assert len(cancelled["temporaries_before"]["zenodo.fetch"]) == 1
    assert temporaries(lab.root / "fetched") == []
    assert not (lab.root / "fetched" / "record.bin").exists()
