"""SIGKILL the Jupyter server while each kind of task runs; the next server offers Resume, and it works.

One real `jupyter server` subprocess on the dev stack, its backends behind fault proxies
(`lab` and `scene`, tests/hardening/conftest.py and scene.py). Seven tasks are started and each
is held at a known point, so the kill lands mid-task whatever the machine's speed. The server is
killed with SIGKILL (no clean-up code runs), started again on the same data directory, and each
test then checks one kind: no partial file, the task listed as interrupted with what to do, and
one call to resume it that succeeds and leaves what `Scene.verify_resumed` says.
"""

from __future__ import annotations

import json
import stat
import time
from collections.abc import Iterator
from typing import Any

import pytest
from scene import Lab, Scene, temporaries

# Every kind but the REANA run, which is resumed from the workflow it made (tests/unit).
KINDS = (
    "rucio.make_available",
    "rucio.download",
    "rucio.upload",
    "reana.upload",
    "reana.download",
    "zenodo.upload",
    "zenodo.fetch",
)


@pytest.fixture(scope="module")
def killed(lab: Lab, scene: Scene) -> Iterator[dict[str, Any]]:
    """Start one task of each kind, hold each mid-way, SIGKILL the server, start it again."""
    scene.prepare(KINDS)
    started = scene.start()
    seen: dict[str, Any] = {}
    journal = lab.workdir / "data" / "vre" / "tasks.json"
    deadline = time.monotonic() + 30
    while set(json.loads(journal.read_text())["tasks"]) != {t["id"] for t in started.values()}:
        assert time.monotonic() < deadline, journal.read_text()
        time.sleep(0.1)
    seen["journal"] = journal.read_text()
    seen["journal_mode"] = stat.S_IMODE(journal.stat().st_mode)

    lab.kill()
    scene.let_go()  # the backends go back to normal
    lab.start()
    seen["listed"] = {t["id"]: t for t in lab.call("GET", "tasks", expect=200)["tasks"]}
    yield seen


def test_the_journal_held_every_running_task_0600_and_no_credential(killed, scene_stack):
    assert killed["journal_mode"] == 0o600
    entries = json.loads(killed["journal"])["tasks"]
    assert sorted(e["kind"] for e in entries.values()) == sorted(KINDS)
    stack = scene_stack
    for secret in (stack["reana"]["token"], stack["zenodo"]["token"], stack["iam"]["client_secret"]):
        assert secret not in killed["journal"]
    assert "eyJ" not in killed["journal"]  # no JWT


def test_the_kill_left_temporary_files_and_the_restart_removed_them(killed, scene, lab):
    # Proof that the kill landed mid-file: each download had its temporary file open...
    for kind, names in scene.temporaries_before.items():
        assert len(names) == 1, (kind, names)
    # ...and the next server removed them before anything else ran.
    for folder in scene.folders.values():
        assert temporaries(lab.root / folder) == []
    assert not (lab.root / "reana-out" / "results" / "greetings.txt").exists()
    assert not (lab.root / "fetched" / "record.bin").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_each_task_is_listed_interrupted_with_what_to_do(killed, scene, kind):
    task = killed["listed"][scene.tasks[kind]["id"]]
    assert (task["kind"], task["state"]) == (kind, "interrupted"), task
    assert task["error"]["error"] == "interrupted"
    assert "Resume continues it" in task["error"]["message"], task["error"]


@pytest.mark.parametrize(
    "kind",
    KINDS,
    ids=[
        "make-available re-attaches to the same Rucio rule",
        "a Rucio download skips the verified files",
        "a Rucio upload registers every file once",
        "a REANA upload continues into the same workflow",
        "a REANA download writes the whole file",
        "a Zenodo upload continues the same draft, skipping files already there",
        "a Zenodo fetch writes the whole file",
    ],
)
def test_one_call_resumes_it(killed, scene, lab, kind):
    old = scene.tasks[kind]["id"]
    new = lab.call("POST", f"tasks/{old}/resume", expect=200)
    assert new["kind"] == kind and new["id"] != old, new
    scene.verify_resumed(kind, lab.wait_task(new["id"]))
    assert old not in {t["id"] for t in lab.call("GET", "tasks", expect=200)["tasks"]}
