"""Calls to a test Jupyter server's /vre/api, shared by the integration test modules."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from tornado.httpclient import HTTPClientError

TASK_TIMEOUT_S = 180


async def call(jp_fetch, *path, method="GET", body=None, **params) -> tuple[int, Any]:
    """`/vre/api/<path>`: the status and the decoded JSON body; a JSON `body` may be given as an object."""
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    response = await jp_fetch("vre", "api", *path, method=method, body=body, params=params)
    return response.code, json.loads(response.body)


async def fails(jp_fetch, *path, method="GET", body=None, **params) -> tuple[int, Any]:
    """Like `call`, for a request that must fail: its status and error body."""
    if body is not None and not isinstance(body, str):
        body = json.dumps(body)
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("vre", "api", *path, method=method, body=body, params=params)
    return err.value.code, json.loads(err.value.response.body)


async def wait_for_task(
    jp_fetch, task_id: str, until=lambda task: task["state"] not in ("queued", "running")
):
    """Poll a task until `until(task)` (by default: it has ended)."""
    deadline = time.monotonic() + TASK_TIMEOUT_S
    while time.monotonic() < deadline:
        _, task = await call(jp_fetch, "tasks", task_id)
        if until(task):
            return task
        await asyncio.sleep(0.2)
    pytest.fail(f"task {task_id} not there after {TASK_TIMEOUT_S} s: {task}")


async def resolve(jp_fetch, did: str, variable: str = "events", instance: str = "vre") -> dict[str, Any]:
    """Resolve one attachment, following its check until it has an outcome."""
    body = {"attachments": [{"instance": instance, "did": did, "variable": variable}]}
    seen_task = False
    for _ in range(600):
        _, answer = await call(jp_fetch, "rucio", "resolve", method="POST", body=body)
        item = answer["attachments"][0]
        if item["task"] is None:
            item["seen_task"] = seen_task
            return item
        seen_task = True
        assert item["task"]["kind"] == "rucio.resolve"
        await wait_for_task(jp_fetch, item["task"]["id"])
    pytest.fail(f"{did} never resolved")
