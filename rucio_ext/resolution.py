"""Resolve a notebook's attached collections as background tasks, one per DID at a time.

A collection resolves to a file listing the paths of all its files, one per
line, which the kernel reads (a million paths pasted as code would not do).
Checking a large collection takes longer than one request should, so it runs
as a `rucio.resolve` task (progress in files, cancellable from the task list).
A resolve request waits briefly for it; when it is not done, the answer carries
the task, and the next request for the same DID joins it or collects its outcome.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vre_common.models import ErrorBody
from vre_common.tasks import Task, TaskRegistry

from .collection import Tally, paths_file_for
from .models import ResolvedAttachment

KEEP_OUTCOME_SECONDS = 30.0  # an outcome not collected by then is stale: the next request checks again

# Walk a collection's files, writing their paths to the given file (kept only when all are there);
# what was found. May raise a 409 when it is known at once that the collection is not whole.
Check = Callable[[Task, Path], Awaitable[Tally]]


@dataclass
class _Job:
    task: Task
    tally: Tally | None = None


class Resolutions:
    def __init__(self, tasks: TaskRegistry, folder: Path, wait_seconds: float) -> None:
        self.tasks = tasks
        self.folder = folder
        self.wait_seconds = wait_seconds
        self._jobs: dict[tuple[str, str], _Job] = {}

    async def collection(
        self, answer: ResolvedAttachment, did: tuple[str, str], check: Check, how: str
    ) -> None:
        """Fill `answer` for a collection: its paths file and file count, its error, or its running task."""
        key = (answer.instance, answer.did)
        job = self._jobs.get(key)
        ended_at = job.task.finished_monotonic if job else None
        if job is None or (ended_at is not None and time.monotonic() - ended_at > KEEP_OUTCOME_SECONDS):
            job = self._start(key, did, check, how)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(self.tasks.wait(job.task.id)), self.wait_seconds)
        task = job.task
        if task.finished_monotonic is None:
            answer.task = task.info()
            return
        # Collected: the next request checks again. Requests that waited on the same job (two
        # notebooks, a retry) all answer from it; only the first removes it.
        if self._jobs.get(key) is job:
            del self._jobs[key]
        if job.tally:
            answer.files, answer.missing = job.tally.files, job.tally.missing
        if task.state == "succeeded" and task.result:
            answer.paths_file = task.result["paths_file"]
        elif task.state == "cancelled":
            answer.error = ErrorBody(
                error="resolve_cancelled", message=f"Resolving {answer.did} was cancelled."
            )
        else:
            answer.error = task.error

    def _start(self, key: tuple[str, str], did: tuple[str, str], check: Check, how: str) -> _Job:
        target = paths_file_for(self.folder, *key)

        async def run(task: Task) -> dict[str, Any]:
            job.tally = await check(task, target)
            if problem := job.tally.problem(did, how):
                raise problem
            return {"paths_file": str(target), "files": job.tally.files, "bytes": job.tally.bytes}

        task = self.tasks.start("rucio.resolve", f"Resolve {key[1]}", run, unit="files")
        job = _Job(task)
        self._jobs[key] = job
        return job
