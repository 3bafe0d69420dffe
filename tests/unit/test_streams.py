"""Streamed transfers: complete files only, progress as bytes move."""

import asyncio

import pytest

from vre_common.streams import read_file, save_stream


async def chunks(parts, fail_after=None):
    for index, part in enumerate(parts):
        if fail_after is not None and index == fail_after:
            raise ConnectionResetError("the server went away")
        await asyncio.sleep(0)
        yield part


async def test_a_saved_stream_appears_whole_and_reports_progress(tmp_path):
    seen = []
    target = tmp_path / "out" / "result.csv"
    written = await save_stream(chunks([b"a,b\n", b"1,2\n"]), target, seen.append)
    assert (written, target.read_bytes(), seen) == (8, b"a,b\n1,2\n", [4, 8])
    assert [p.name for p in target.parent.iterdir()] == ["result.csv"]


async def test_a_broken_stream_leaves_no_file_and_keeps_the_old_one(tmp_path):
    target = tmp_path / "result.csv"
    target.write_bytes(b"old")
    with pytest.raises(ConnectionResetError):
        await save_stream(chunks([b"new", b"er"], fail_after=1), target)
    assert [p.name for p in tmp_path.iterdir()] == ["result.csv"]
    assert target.read_bytes() == b"old"


async def test_a_cancelled_save_leaves_no_file(tmp_path):
    started = asyncio.Event()

    async def endless():
        while True:
            started.set()
            yield b"x" * 1024
            await asyncio.sleep(0.01)

    saving = asyncio.ensure_future(save_stream(endless(), tmp_path / "big.bin"))
    await started.wait()
    await asyncio.sleep(0.05)
    saving.cancel()
    with pytest.raises(asyncio.CancelledError):
        await saving
    assert list(tmp_path.iterdir()) == []


async def test_read_file_yields_every_byte_in_chunks(tmp_path):
    source = tmp_path / "input.bin"
    source.write_bytes(bytes(range(256)) * 10)
    seen = []
    parts = [part async for part in read_file(source, seen.append, chunk=1000)]
    assert b"".join(parts) == source.read_bytes()
    assert [len(p) for p in parts] == [1000, 1000, 560]
    assert seen == [1000, 2000, 2560]
