"""The background task registry and its endpoints."""

import asyncio
import json
import threading

import pytest
from tornado.httpclient import HTTPClientError

from vre_common.errors import BackendError
from vre_common.tasks import TaskRegistry


async def test_a_task_reports_progress_and_its_result():
    registry = TaskRegistry()
    step = asyncio.Event()

    async def work(task):
        task.report(3, total=10)
        await step.wait()
        task.report(10)
        return {"files": 10}

    task = registry.start("rucio.download", "Download user.jdoe:run2", work, unit="files")
    await asyncio.sleep(0)
    info = task.info()
    assert (info.state, info.progress.done, info.progress.total, info.progress.unit) == (
        "running",
        3,
        10,
        "files",
    )
    step.set()
    await registry.wait(task.id)
    info = task.info()
    assert (info.state, info.progress.done, info.result) == ("succeeded", 10, {"files": 10})


async def test_a_failing_task_keeps_the_error_for_the_user():
    registry = TaskRegistry()

    async def work(task):
        raise BackendError("Rucio", "the server answered 500")

    task = registry.start("rucio.make_available", "Make available", work)
    await registry.wait(task.id)
    assert task.state == "failed"
    assert task.error.error == "backend_error"
    assert task.error.message == "Rucio: the server answered 500"


async def test_an_unexpected_exception_is_a_failure_without_details():
    registry = TaskRegistry()

    async def work(task):
        raise KeyError("token=SECRET")

    task = registry.start("x.y", "x", work)
    await registry.wait(task.id)
    assert task.state == "failed"
    assert task.error.error == "internal_error"
    assert "SECRET" not in task.error.message


async def test_cancel_stops_async_work_and_blocking_work_in_a_thread():
    registry = TaskRegistry()
    stopped = threading.Event()

    def blocking_copy(task):
        # Blocking work checks `task.cancelled` between chunks.
        for chunk in range(1000):
            if task.cancelled:
                stopped.set()
                return
            task.report(chunk)
            threading.Event().wait(0.01)

    async def work(task):
        await asyncio.get_running_loop().run_in_executor(None, blocking_copy, task)
        return {"copied": True}

    task = registry.start("rucio.download", "Download", work)
    await asyncio.sleep(0.1)
    assert task.state == "running"
    registry.cancel(task.id)
    await registry.wait(task.id)
    assert task.state == "cancelled"
    assert task.result is None
    await asyncio.get_running_loop().run_in_executor(None, stopped.wait, 5)
    assert stopped.is_set(), "the worker thread saw the cancellation and stopped"
    done_at_cancel = task.progress.done
    await asyncio.sleep(0.1)
    assert task.progress.done == done_at_cancel, "no progress after cancel"


async def test_cancel_before_start_and_after_end():
    registry = TaskRegistry()

    async def work(task):
        return None

    early = registry.start("x.y", "early", work)
    registry.cancel(early.id)  # before the event loop ran it
    assert early.state == "cancelled"
    done = registry.start("x.y", "done", work)
    await registry.wait(done.id)
    registry.cancel(done.id)
    assert done.state == "succeeded", "cancelling a finished task changes nothing"


async def test_finished_tasks_are_forgotten():
    registry = TaskRegistry(keep_finished_seconds=3600, max_finished=2)

    async def work(task):
        return None

    tasks = [registry.start("x.y", f"t{i}", work) for i in range(4)]
    for task in tasks:
        await registry.wait(task.id)
    assert [t.title for t in registry.list()] == ["t3", "t2"]


async def test_task_endpoints_list_get_and_cancel(jp_web_app, jp_fetch):
    registry = jp_web_app.settings["vre_context"].tasks
    gate = asyncio.Event()

    async def work(task):
        await gate.wait()

    running = registry.start("reana.upload", "Upload inputs", work, unit="bytes")
    other = registry.start("rucio.download", "Download", work)
    await asyncio.sleep(0)

    listed = json.loads((await jp_fetch("vre", "api", "tasks", params={"kind": "reana."})).body)
    assert [t["id"] for t in listed["tasks"]] == [running.id]
    one = json.loads((await jp_fetch("vre", "api", "tasks", running.id)).body)
    assert (one["state"], one["progress"]["unit"]) == ("running", "bytes")

    cancelled = json.loads((await jp_fetch("vre", "api", "tasks", running.id, method="DELETE")).body)
    await registry.wait(running.id)
    assert cancelled["id"] == running.id
    assert registry.get(running.id).state == "cancelled"
    assert registry.get(other.id).state == "running"
    gate.set()

    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("vre", "api", "tasks", "0" * 32)
    assert err.value.code == 404
    assert json.loads(err.value.response.body)["error"] == "task_not_found"
