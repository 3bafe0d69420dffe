"""Blocking client calls run in the bounded executor; the event loop keeps answering."""

import asyncio
import json
import threading
import time

import pytest
from jupyter_server.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient

from vre_common.errors import BackendTimeout
from vre_common.executor import BlockingExecutor
from vre_common.handlers import ContextHandler

SLOW_CALLS = 20
SLOW_SECONDS = 1.5


class SlowBackendHandler(ContextHandler):
    """Stands for an endpoint that calls a blocking client library (e.g. rucio-clients)."""

    @web.authenticated
    async def get(self) -> None:
        await self.context.executor.run("Rucio", 30, time.sleep, SLOW_SECONDS)
        self.write_json({"done": True})


async def test_event_loop_answers_while_20_slow_blocking_calls_are_in_flight(
    jp_web_app, jp_base_url, jp_fetch, jp_http_port, jp_auth_header
):
    context = jp_web_app.settings["vre_context"]
    assert context.executor.max_workers >= SLOW_CALLS - 4, "the pool is bounded but not tiny"
    jp_web_app.add_handlers(
        ".*$", [(url_path_join(jp_base_url, "vre/api/test/slow"), SlowBackendHandler, {"context": context})]
    )
    # Their own client: Tornado's shared one would queue the status requests behind them.
    client = AsyncHTTPClient(force_instance=True, max_clients=SLOW_CALLS)
    url = f"http://localhost:{jp_http_port}{url_path_join(jp_base_url, 'vre/api/test/slow')}"
    slow = [
        asyncio.ensure_future(client.fetch(url, headers=jp_auth_header, request_timeout=60))
        for _ in range(SLOW_CALLS)
    ]
    await asyncio.sleep(0.2)  # let them all reach the executor
    assert not any(f.done() for f in slow)

    latencies = []
    for _ in range(5):
        started = time.perf_counter()
        response = await jp_fetch("vre", "api", "rucio", "status")
        latencies.append(time.perf_counter() - started)
        assert json.loads(response.body)["extension"] == "rucio_ext"
    assert not all(f.done() for f in slow), "the slow calls were still in flight"
    # Had any blocking call run on the event loop, a status request would wait >= 1.5 s.
    assert max(latencies) < 0.5, latencies
    results = await asyncio.gather(*slow)
    client.close()
    assert all(r.code == 200 for r in results)


async def test_a_call_past_its_timeout_is_a_backend_timeout():
    executor = BlockingExecutor(max_workers=2)
    release = threading.Event()
    try:
        with pytest.raises(BackendTimeout) as err:
            await executor.run("Zenodo", 0.2, release.wait, 5)
        assert err.value.status == 504
        assert err.value.backend == "Zenodo"
        assert "0.2 s" in err.value.message
    finally:
        release.set()
        executor.shutdown()


async def test_results_and_exceptions_come_back():
    executor = BlockingExecutor(max_workers=1)
    try:
        assert await executor.run("x", 5, sum, [1, 2, 3]) == 6
        with pytest.raises(ZeroDivisionError):
            await executor.run("x", 5, lambda: 1 / 0)
    finally:
        executor.shutdown()


@pytest.mark.parametrize("how", ["cancel", "timeout"])
async def test_stoppable_work_has_stopped_when_the_call_ends(how):
    executor = BlockingExecutor(max_workers=1)
    running, cleaned = threading.Event(), threading.Event()

    def transfer(stop: threading.Event) -> str:
        running.set()
        while not stop.wait(0.01):
            pass
        time.sleep(0.1)  # cleaning up takes a moment; the caller must wait for it
        cleaned.set()
        return "stopped"

    try:
        call = asyncio.ensure_future(
            executor.run_stoppable("Rucio storage", 0.3 if how == "timeout" else 30, transfer)
        )
        await asyncio.get_running_loop().run_in_executor(None, running.wait, 5)
        if how == "cancel":
            call.cancel()
        with pytest.raises(asyncio.CancelledError if how == "cancel" else BackendTimeout):
            await call
        assert cleaned.is_set()
    finally:
        executor.shutdown()


async def test_a_stuck_backend_cannot_take_every_thread_nor_the_local_lane():
    executor = BlockingExecutor(max_workers=4, local_workers=2)
    release = threading.Event()
    # More blocked Zenodo calls than the pool has threads: they take Zenodo's share, the rest queue.
    stuck = [asyncio.ensure_future(executor.run("Zenodo", 30, release.wait)) for _ in range(10)]
    await asyncio.sleep(0.2)
    started = time.monotonic()
    assert await executor.run("Rucio", 5, lambda: "search") == "search"
    assert await executor.run("workspace", 5, lambda: "listing") == "listing"
    assert time.monotonic() - started < 2
    release.set()
    assert await asyncio.gather(*stuck) == [True] * 10
    executor.shutdown()


async def test_a_timed_out_call_keeps_its_backend_slot_until_its_thread_returns():
    executor = BlockingExecutor(max_workers=2)  # one thread per backend
    release = threading.Event()
    with pytest.raises(BackendTimeout):
        await executor.run("Zenodo", 0.2, release.wait)
    # The thread still waits on `release`; a second Zenodo call cannot get a thread meanwhile...
    with pytest.raises(BackendTimeout):
        await executor.run("Zenodo", 0.3, lambda: "second")
    # ...while another backend can.
    assert await executor.run("Rucio", 5, lambda: "other") == "other"
    release.set()
    assert await executor.run("Zenodo", 5, lambda: "third") == "third"
    executor.shutdown()
