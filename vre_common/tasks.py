"""Background work that outlives the request that started it: transfers, replication waits, runs.

One registry per Jupyter server. A task reports progress, can be cancelled, and
is forgotten some time after it ends. A task started with `resume=` (the
request that started it, as JSON) is written to the journal while it runs; when
the server dies under it, the next server lists it as interrupted and
`resume()` starts it again through the resumer its extension registered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

from .errors import Conflict, NotFound, VREError
from .journal import MAX_SCRATCH, Journal, remove_temporary_files
from .models import ErrorBody, Progress, TaskInfo, TaskState

log = logging.getLogger(__name__)

FINISHED: frozenset[TaskState] = frozenset({"succeeded", "failed", "cancelled", "interrupted"})
INTERRUPTED = "The Jupyter server stopped while this task ran."


class Task:
    """Handed to the work function: report progress, check for cancellation."""

    def __init__(self, kind: str, title: str, unit: str, task_id: str | None = None) -> None:
        self.id = task_id or uuid.uuid4().hex
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
        # What the journal keeps: the request to start it again, and where temporary files may be left.
        self.resume: dict[str, Any] | None = None
        self.scratch: list[str] = []
        self._journal_changed: Callable[[Task], None] | None = None

    def checkpoint(self, *, scratch: list[str] | None = None, **resume: Any) -> None:
        """Record more of what a resume needs (e.g. a rule or workflow id once made); event loop only."""
        if self.resume is None:
            return
        self.resume.update(resume)
        if scratch is not None:
            self.scratch = sorted(set(scratch))[:MAX_SCRATCH]
        if self._journal_changed is not None:
            self._journal_changed(self)

    def journal_entry(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "unit": self.progress.unit,
            "created_at": self.created_at.isoformat(),
            "resume": self.resume,
            "scratch": self.scratch,
        }

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
# Starts a task again from its journalled `resume` request; answers the new task.
Resumer = Callable[[dict[str, Any]], Awaitable[TaskInfo]]


class TaskRegistry:
    def __init__(
        self, keep_finished_seconds: float = 3600, max_finished: int = 200, journal: Journal | None = None
    ) -> None:
        self.keep_finished_seconds = keep_finished_seconds
        self.max_finished = max_finished
        self._tasks: dict[str, Task] = {}
        self.journal = journal
        self._resumers: dict[str, tuple[Resumer, str]] = {}
        self._stopping = False
        if journal is not None:
            self._load_interrupted(journal)

    def _load_interrupted(self, journal: Journal) -> None:
        """The tasks the previous server was running: interrupted now, their temporary files removed."""
        for task_id, entry in journal.load().items():
            task = Task(str(entry.get("kind", "")), str(entry.get("title", "")), "items", task_id)
            unit = entry.get("unit")
            if unit in ("bytes", "items", "files"):
                task.progress = Progress(unit=unit)
            with contextlib.suppress(ValueError):
                task.created_at = datetime.fromisoformat(str(entry.get("created_at")))
            resume = entry.get("resume")
            task.resume = resume if isinstance(resume, dict) else None
            task.scratch = [str(s) for s in entry.get("scratch") or []][:MAX_SCRATCH]
            removed = sum(remove_temporary_files(folder) for folder in task.scratch)
            if removed:
                log.info("task %s: removed %d left-over temporary file(s)", task_id, removed)
            task.error = ErrorBody(error="interrupted", message=self._interrupted_message(task.kind))
            task._finish("interrupted")
            self._tasks[task_id] = task

    def _interrupted_message(self, kind: str) -> str:
        found = self._resumers.get(kind)
        if found is None:
            return f"{INTERRUPTED} This server cannot resume it: start it again, or dismiss it."
        return f"{INTERRUPTED} {found[1]} Resume continues it; Cancel dismisses it."

    def resumable(self, kind: str, resumer: Resumer, hint: str) -> None:
        """Let interrupted tasks of `kind` be resumed; `hint` tells the user what resuming does."""
        self._resumers[kind] = (resumer, hint)
        for task in self._tasks.values():
            if task.kind == kind and task.state == "interrupted" and task.error is not None:
                task.error = ErrorBody(error="interrupted", message=self._interrupted_message(kind))

    async def resume(self, task_id: str) -> TaskInfo:
        """Start an interrupted task again; the interrupted entry gives way to the new task."""
        task = self.get(task_id)
        if task.state != "interrupted":
            raise Conflict("Only an interrupted task can be resumed.", code="not_interrupted")
        found = self._resumers.get(task.kind)
        if found is None or task.resume is None:
            raise Conflict(
                f"This server cannot resume a {task.kind} task: start it again.", code="not_resumable"
            )
        new = await found[0](dict(task.resume))
        self._forget(task)
        return new

    def _forget(self, task: Task) -> None:
        self._tasks.pop(task.id, None)
        if self.journal is not None:
            self.journal.drop(task.id)

    def _journal_changed(self, task: Task) -> None:
        if self.journal is not None and task.state not in FINISHED:
            self.journal.put(task.id, task.journal_entry())

    def start(
        self,
        kind: str,
        title: str,
        work: Work,
        unit: str = "items",
        resume: dict[str, Any] | None = None,
        scratch: list[str] | None = None,
    ) -> Task:
        """Run `work(task)` in the background; its return value becomes the task's result.

        `resume` (JSON, never a credential) is what a resumer of `kind` needs to
        start it again; `scratch`, the folders where it writes temporary files.
        """
        self._prune()
        task = Task(kind, title, unit)
        self._tasks[task.id] = task
        if resume is not None:
            task.resume = dict(resume)
            task.scratch = sorted(set(scratch or []))[:MAX_SCRATCH]
            task._journal_changed = self._journal_changed
            self._journal_changed(task)
        task._asyncio_task = asyncio.get_running_loop().create_task(self._run(task, work))
        return task

    async def _run(self, task: Task, work: Work) -> None:
        task.state = "running"
        try:
            await self._work(task, work)
        finally:
            # Stopped with the server (a hub culling it): it stays in the journal, to resume at next start.
            if self.journal is not None and not (self._stopping and task.state == "cancelled"):
                self.journal.drop(task.id)

    async def _work(self, task: Task, work: Work) -> None:
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
        """Stop a task; an interrupted one is dismissed (its journal entry dropped)."""
        task = self.get(task_id)
        if task.state == "interrupted":
            task.error = None
            task._finish("cancelled")
            if self.journal is not None:
                self.journal.drop(task.id)
        elif task.state not in FINISHED:
            task._cancel_event.set()
            if task.state == "queued":  # cancelled before it began: _run will never run
                task._finish("cancelled")
                if self.journal is not None:
                    self.journal.drop(task.id)
            if task._asyncio_task is not None:
                task._asyncio_task.cancel()
        return task

    async def wait(self, task_id: str) -> Task:
        """Until the task has ended (for tests and for tasks that chain others)."""
        task = self.get(task_id)
        if task._asyncio_task is not None:
            await asyncio.wait({task._asyncio_task})
        return task

    async def stop(self, grace: float = 10) -> None:
        """At server stop: cancel running tasks (they clean up) but keep them in the journal."""
        self._stopping = True
        running = [t for t in self._tasks.values() if t.state not in FINISHED]
        for task in running:
            self.cancel(task.id)
        pending = {t._asyncio_task for t in running if t._asyncio_task is not None}
        if pending:
            await asyncio.wait(pending, timeout=grace)
        if self.journal is not None:
            await asyncio.to_thread(self.journal.close)

    def _prune(self) -> None:
        now = time.monotonic()
        finished = sorted(  # interrupted tasks wait for the user, however long
            (
                t
                for t in self._tasks.values()
                if t.finished_monotonic is not None and t.state != "interrupted"
            ),
            key=lambda t: t.finished_monotonic or 0,
        )
        excess = len(finished) - self.max_finished
        for index, task in enumerate(finished):
            if index < excess or now - (task.finished_monotonic or now) > self.keep_finished_seconds:
                del self._tasks[task.id]
