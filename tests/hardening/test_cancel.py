"""Cancel every kind of task from the API while it is mid-way, and show what cancel means for each.

The same real `jupyter server` subprocess and held tasks as test_restart.py (`lab` and `scene`,
tests/hardening/conftest.py and scene.py), plus a REANA run held while it uploads its inputs.
Each task is cancelled with `DELETE /vre/api/tasks/<id>` while its backend call is held, then the
holds are let go, and each test checks one kind: the task ends `cancelled`, no partial file is
left anywhere, and the backend is left clean (`Scene.verify_cancelled` says what that means per
kind). The event loop stays free: every cancel and a status request made meanwhile answer within
a bound.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from scene import KINDS, Lab, Scene

ANSWER_BOUND_S = 2.0  # a cancel, or a light request during the cancels, answers within this


def timed(lab: Lab, method: str, path: str) -> tuple[float, Any]:
    start = time.perf_counter()
    answer = httpx.request(method, f"{lab.url}/vre/api/{path}", headers=lab.auth, timeout=60)
    assert answer.status_code == 200, (path, answer.text)
    return time.perf_counter() - start, answer.json()


@pytest.fixture(scope="module")
def cancelled(lab: Lab, scene: Scene) -> Iterator[dict[str, Any]]:
    """Start one task of each kind, hold each mid-way, cancel them all, let the holds go."""
    scene.prepare(KINDS)
    started = scene.start()
    seen: dict[str, Any] = {"answer_times": [], "final": {}}
    for kind, task in started.items():
        elapsed, answer = timed(lab, "DELETE", f"tasks/{task['id']}")
        assert answer["kind"] == kind
        seen["answer_times"].append((f"cancel {kind}", elapsed))
        seen["answer_times"].append(("auth/status", timed(lab, "GET", "auth/status")[0]))
    scene.let_go()  # whatever the cancelled tasks clean up, they can now
    for kind, task in started.items():
        seen["final"][kind] = lab.wait_task(task["id"])
    yield seen


def test_the_event_loop_stays_free_during_the_cancels(cancelled):
    slow = [(what, round(s, 2)) for what, s in cancelled["answer_times"] if s > ANSWER_BOUND_S]
    assert slow == [], slow


@pytest.mark.parametrize(
    "kind",
    KINDS,
    ids=[
        "make-available says the Rucio rule stays, and it does",
        "a Rucio download leaves no partial file and keeps the verified ones",
        "a Rucio upload keeps the file done and registers nothing after",
        "a REANA upload leaves no half file in the workspace",
        "a REANA run cancelled before it started deletes the workflow it created",
        "a REANA download leaves no partial file",
        "a Zenodo upload leaves the draft without half files",
        "a Zenodo fetch leaves no partial file",
    ],
)
def test_cancel_means(cancelled, scene, kind):
    scene.verify_cancelled(kind, cancelled["final"][kind])
