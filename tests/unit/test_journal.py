"""The task journal: what a restarted server needs to offer Resume, and nothing it must not keep."""

import asyncio
import json
import stat

import pytest

from vre_common.credentials import Secret
from vre_common.journal import Journal
from vre_common.tasks import TaskRegistry


async def blocked(task):
    await asyncio.Event().wait()


def entries(path):
    return json.loads(path.read_text())["tasks"]


async def test_a_running_task_is_journalled_0600_and_dropped_when_it_ends(tmp_path):
    journal = Journal(tmp_path / "vre" / "tasks.json")
    registry = TaskRegistry(journal=journal)
    step = asyncio.Event()

    async def work(task):
        task.checkpoint(rules=["r1"], scratch=[str(tmp_path / "a"), str(tmp_path / "a")])
        await step.wait()
        return {}

    task = registry.start("rucio.download", "Download x", work, unit="bytes", resume={"dids": ["s:n"]})
    await asyncio.sleep(0)
    await asyncio.to_thread(journal.flush)
    saved = entries(journal.path)[task.id]
    assert saved["resume"] == {"dids": ["s:n"], "rules": ["r1"]}
    assert saved["scratch"] == [str(tmp_path / "a")] and saved["kind"] == "rucio.download"
    assert stat.S_IMODE(journal.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(journal.path.parent.stat().st_mode) == 0o700
    step.set()
    await registry.wait(task.id)
    await asyncio.to_thread(journal.flush)
    assert entries(journal.path) == {}


async def test_a_task_without_a_resume_request_is_not_journalled(tmp_path):
    journal = Journal(tmp_path / "tasks.json")
    registry = TaskRegistry(journal=journal)
    registry.start("x.y", "x", blocked)
    await asyncio.sleep(0)
    await asyncio.to_thread(journal.flush)
    assert not journal.path.exists()


@pytest.mark.parametrize(
    "resume", [{"token": "t"}, {"nested": {"Password": "p"}}, {"value": Secret("s")}, {"x": [Secret("s")]}]
)
async def test_the_journal_refuses_anything_like_a_credential(tmp_path, resume):
    registry = TaskRegistry(journal=Journal(tmp_path / "tasks.json"))
    with pytest.raises(ValueError, match="credential"):
        registry.start("x.y", "x", blocked, resume=resume)


async def test_after_a_kill_the_next_server_lists_the_task_interrupted_cleans_temporaries_and_resumes(
    tmp_path,
):
    folder = tmp_path / "downloads"
    folder.mkdir()
    (folder / ".data.root.ab12_xYz.part").write_bytes(b"half")  # what atomic_write leaves when killed
    (folder / "data.root").write_bytes(b"whole")
    (folder / ".hidden.part").write_bytes(b"not ours")  # no random part: not a name we make
    path = tmp_path / "tasks.json"
    first = TaskRegistry(journal=Journal(path))
    killed = first.start(
        "rucio.download", "Download x", blocked, "bytes", resume={"dids": ["s:n"]}, scratch=[str(folder)]
    )
    await asyncio.sleep(0)
    await asyncio.to_thread(first.journal.flush)
    # No stop(), no cancel: the process died here.

    second = TaskRegistry(journal=Journal(path))
    [interrupted] = second.list()
    assert (interrupted.id, interrupted.state, interrupted.progress.unit) == (
        killed.id,
        "interrupted",
        "bytes",
    )
    assert interrupted.error.error == "interrupted" and "cannot resume" in interrupted.error.message
    assert sorted(p.name for p in folder.iterdir()) == [".hidden.part", "data.root"]

    resumed_with = []

    async def resumer(params):
        resumed_with.append(params)
        return second.start("rucio.download", "Download x", blocked, "bytes", resume=params).info()

    second.resumable("rucio.download", resumer, "Verified files are skipped.")
    assert "Verified files are skipped. Resume continues it" in second.get(killed.id).error.message
    new = await second.resume(killed.id)
    assert resumed_with == [{"dids": ["s:n"]}]
    assert new.state in ("queued", "running") and new.id != killed.id
    assert [t.id for t in second.list()] == [new.id]  # the interrupted entry gave way
    await asyncio.to_thread(second.journal.flush)
    assert list(entries(path)) == [new.id]


async def test_an_interrupted_task_can_be_dismissed_and_only_an_interrupted_one_resumed(tmp_path):
    path = tmp_path / "tasks.json"
    first = TaskRegistry(journal=Journal(path))
    killed = first.start("zenodo.upload", "Upload", blocked, resume={"deposition_id": 1})
    await asyncio.sleep(0)
    await asyncio.to_thread(first.journal.flush)
    second = TaskRegistry(journal=Journal(path))
    running = second.start("zenodo.upload", "Upload", blocked, resume={"deposition_id": 2})
    with pytest.raises(Exception) as refused:
        await second.resume(running.id)
    assert refused.value.code == "not_interrupted"
    with pytest.raises(Exception) as refused:
        await second.resume(killed.id)
    assert refused.value.code == "not_resumable"  # no resumer registered for the kind
    assert second.cancel(killed.id).state == "cancelled"
    second.cancel(running.id)
    await second.wait(running.id)
    await asyncio.to_thread(second.journal.flush)
    assert entries(path) == {}


async def test_a_clean_server_stop_keeps_running_tasks_resumable(tmp_path):
    path = tmp_path / "tasks.json"
    first = TaskRegistry(journal=Journal(path))
    task = first.start("rucio.make_available", "Make x available", blocked, resume={"dids": ["s:n"]})
    await asyncio.sleep(0)
    await first.stop()
    assert task.state == "cancelled"
    [interrupted] = TaskRegistry(journal=Journal(path)).list()
    assert (interrupted.id, interrupted.state) == (task.id, "interrupted")


def test_an_unreadable_journal_starts_empty(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text("{not json")
    assert TaskRegistry(journal=Journal(path)).list() == []
