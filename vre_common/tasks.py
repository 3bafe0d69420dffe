"""Background work that outlives the request that started it: transfers, replication waits, runs.

One registry per Jupyter server. A task reports progress, can be cancelled, and
is forgotten some time after it ends.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

from .errors import NotFound, VREError
from .models import ErrorBody, Progress, TaskInfo, TaskState

log = logging.getLogger(__name__)

FINISHED: frozenset[TaskState] = frozenset({"succeeded", "failed", "cancelled"})


class Task:
    """Handed to the work function: report progress, check for cancellation."""

    def __init__(self, kind: str, title: str, unit: str) -> None:
        self.id = uuid.uuid4().hex
        self.kind = kind
        self.title = title
        self.state: TaskState = "queued"
        self.progress = Progress(unit=unit)  # type: ignore[arg-type]
        self.error: ErrorBody | None = None
        self.result: dict[str, Any] | None = None
        self.created_at = self.updated_at = datetime.now(timezone.utc)
        self.finished_monotonic: float | None = None
        # Set on cancel; blocking work in a thread polls it (`task.cancelled`).
        self._cancel_event = threading.Event()
        self._asyncio_task: asyncio.Task[None] | None = None

    @property
    def cancelled(self) -> bool:
        return self._cancel_event.is_set()

    def report(self, done: int, total: int | None = None) -> None:
        """Progress so far; safe to call from a worker thread."""
        self.progress = Progress(
            done=done, total=total if total is not None else self.progress.total, unit=self.progress.unit
        )
        self.updated_at = datetime.now(timezone.utc)

    def _finish(self, state: TaskState) -> None:
        self.state = state
        self.updated_at = datetime.now(timezone.utc)
        self.finished_monotonic = time.monotonic()

    def info(self) -> TaskInfo:
        return TaskInfo(
            id=self.id,
            kind=self.kind,
            title=self.title,
            state=self.state,
            progress=self.progress,
            error=self.error,
            result=self.result,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )


Work = Callable[[Task], Awaitable[dict[str, Any] | None]]


class TaskRegistry:
    def __init__(self, keep_finished_seconds: float = 3600, max_finished: int = 200) -> None:
        self.keep_finished_seconds = keep_finished_seconds
        self.max_finished = max_finished
        self._tasks: dict[str, Task] = {}

    def start(self, kind: str, title: str, work: Work, unit: str = "items") -> Task:
        """Run `work(task)` in the background; its return value becomes the task's result."""
        self._prune()
        task = Task(kind, title, unit)
        self._tasks[task.id] = task
        task._asyncio_task = asyncio.get_running_loop().create_task(self._run(task, work))
        return task

    async def _run(self, task: Task, work: Work) -> None:
        task.state = "running"
        try:
            task.result = await work(task)
        except asyncio.CancelledError:
            task._finish("cancelled")
            return
        except VREError as err:
            task.error = ErrorBody(**{k: v for k, v in err.to_json().items() if k in ("error", "message")})
            task._finish("failed")
            return
        except Exception:
            log.exception("task %s (%s) failed", task.id, task.kind)
            task.error = ErrorBody(
                error="internal_error",
                message="The task failed unexpectedly; the Jupyter server log has details.",
            )
            task._finish("failed")
            return
        task._finish("cancelled" if task.cancelled else "succeeded")

    def get(self, task_id: str) -> Task:
        try:
            return self._tasks[task_id]
        except KeyError:
            raise NotFound(
                f"No task {task_id!r}; it may have finished more than an hour ago.", code="task_not_found"
            ) from None

    def list(self, kind_prefix: str = "") -> list[Task]:
        self._prune()
        return sorted(
            (t for t in self._tasks.values() if t.kind.startswith(kind_prefix)),
            key=lambda t: t.created_at,
            reverse=True,
        )

    def cancel(self, task_id: str) -> Task:
        task = self.get(task_id)
        if task.state not in FINISHED:
            task._cancel_event.set()
            if task.state == "queued":  # cancelled before it began: _run will never run
                task._finish("cancelled")
            if task._asyncio_task is not None:
                task._asyncio_task.cancel()
        return task

    async def wait(self, task_id: str) -> Task:
        """Until the task has ended (for tests and for tasks that chain others)."""
        task = self.get(task_id)
        if task._asyncio_task is not None:
            await asyncio.wait({task._asyncio_task})
        return task

    def cancel_all(self) -> None:
        for task in list(self._tasks.values()):
            self.cancel(task.id)

    def _prune(self) -> None:
        now = time.monotonic()
        finished = sorted(
            (t for t in self._tasks.values() if t.finished_monotonic is not None),
            key=lambda t: t.finished_monotonic or 0,
        )
        excess = len(finished) - self.max_finished
        for index, task in enumerate(finished):
            if index < excess or now - (task.finished_monotonic or now) > self.keep_finished_seconds:
                del self._tasks[task.id]
