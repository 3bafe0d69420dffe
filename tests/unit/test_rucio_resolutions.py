"""The shared check of an attached collection (rucio_ext.resolution): one job per collection."""

from __future__ import annotations

import asyncio
from pathlib import Path

from rucio_ext.collection import Tally
from rucio_ext.models import ResolvedAttachment
from rucio_ext.resolution import Resolutions
from vre_common.tasks import Task, TaskRegistry


async def test_requests_waiting_on_one_check_all_answer_from_it(tmp_path: Path) -> None:
    """Two notebooks (or a retry) asking at once share the check, and each gets its outcome."""
    release = asyncio.Event()
    runs = 0

    async def check(task: Task, target: Path) -> Tally:
        nonlocal runs
        runs += 1
        await release.wait()
        target.write_text("/mnt/a\n/mnt/b\n")
        return Tally(files=2)

    resolutions = Resolutions(TaskRegistry(), tmp_path, wait_seconds=5)
    answers = [ResolvedAttachment(variable=v, did="s:ds", instance="vre") for v in ("a", "b")]
    waiting = [
        asyncio.create_task(resolutions.collection(answer, ("s", "ds"), check, "replica"))
        for answer in answers
    ]
    await asyncio.sleep(0.1)
    release.set()
    await asyncio.gather(*waiting)
    assert runs == 1
    assert [(a.files, a.error) for a in answers] == [(2, None), (2, None)]
    assert all(a.paths_file for a in answers)
