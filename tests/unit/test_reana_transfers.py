"""reana_ext transfers with a scripted REANA (httpx MockTransport): cancel and failure leave no file."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from reana_ext.client import ReanaAPI
from reana_ext.service import ReanaService
from vre_common.errors import BackendError
from vre_common.tasks import TaskRegistry

TOKEN = "tok-3f9a"
LISTING = {"items": [{"name": "out/big.bin", "size": {"raw": 3 << 20}}], "total": 1}


def scripted(body: Any) -> tuple[ReanaService, TaskRegistry, list[httpx.Request]]:
    """A service whose REANA answers the listing and status, and `body` for the file itself."""
    seen: list[httpx.Request] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        path = request.url.path
        if path.endswith("/workspace"):
            return httpx.Response(200, json=LISTING)
        if path.endswith("/status"):
            return httpx.Response(200, json={"id": "w", "name": "fit.1", "status": "finished"})
        return body(request)

    api = ReanaAPI("http://reana.test", lambda: TOKEN, 5, 5, transport=httpx.MockTransport(handler))
    tasks = TaskRegistry()
    return ReanaService(api, SimpleNamespace(tasks=tasks), ".", "http://reana.test"), tasks, seen  # type: ignore[arg-type]


async def test_a_cancelled_download_leaves_no_file(tmp_path: Path) -> None:
    release = asyncio.Event()

    async def slow_body():
        yield b"x" * (1 << 20)
        await release.wait()  # never set: the download hangs until it is cancelled
        yield b"y"

    service, tasks, _ = scripted(lambda request: httpx.Response(200, content=slow_body()))
    service.root = tmp_path
    info = await service.download("w", "results", ["out/big.bin"], overwrite=False)
    task = tasks.get(info.id)
    while task.progress.done == 0:
        await asyncio.sleep(0.01)
    assert task.progress.total == 3 << 20
    tasks.cancel(info.id)
    await tasks.wait(info.id)
    assert task.state == "cancelled"
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


async def test_a_failed_download_leaves_no_file_and_names_reana(tmp_path: Path) -> None:
    async def broken_body():
        yield b"x" * 1000
        raise httpx.ReadError("connection reset")

    service, tasks, _ = scripted(lambda request: httpx.Response(200, content=broken_body()))
    service.root = tmp_path
    info = await service.download("w", "results", ["out/big.bin"], overwrite=False)
    task = await tasks.wait(info.id)
    assert task.state == "failed" and task.error is not None
    assert task.error.message.startswith("REANA:")
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


async def test_the_token_travels_only_in_the_query_and_never_in_logs_or_errors(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, json={"message": f"boom at {request.url}"})

    service, _, seen = scripted(refuse)
    with caplog.at_level(logging.DEBUG), pytest.raises(BackendError) as err:
        await service.api.call("GET", "/you")
    assert seen[-1].url.params["access_token"] == TOKEN
    assert "authorization" not in {k.lower() for k in seen[-1].headers}
    assert TOKEN not in err.value.message and "access_token=***" in err.value.message
    assert "access_token=***" in caplog.text and TOKEN not in caplog.text
    await service.api.close()
