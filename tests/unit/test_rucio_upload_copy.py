"""The one-pass copy of an upload into an RSE's storage: bytes, checksums, progress, stop, changes."""

from __future__ import annotations

import hashlib
import os
import threading
import zlib
from pathlib import Path

import pytest

from rucio_ext import uploads
from rucio_ext.uploads import CHUNK, copy_with_checksums
from vre_common.errors import VREError


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("size", [0, 1, CHUNK, 3 * CHUNK + 12345])
def test_the_copy_has_the_source_bytes_and_their_adler32_and_md5(tmp_path: Path, size: int):
    data = os.urandom(size)
    source = tmp_path / "in.bin"
    source.write_bytes(data)
    target = tmp_path / "rse" / "user" / "jdoe" / "in.bin"
    seen: list[int] = []

    copied = copy_with_checksums(source, target, threading.Event(), seen.append)

    assert copied is not None
    assert target.read_bytes() == data
    assert (copied.size, copied.adler32, copied.md5) == (
        size,
        f"{zlib.adler32(data):08x}",
        hashlib.md5(data).hexdigest(),  # noqa: S324
    )
    # Progress within the file, chunk by chunk, ending at its size.
    assert seen == list(range(CHUNK, size, CHUNK)) + ([size] if size else [])
    assert leftovers(target.parent) == ["in.bin"]


def test_a_stop_between_chunks_leaves_nothing_at_the_target(tmp_path: Path):
    source = tmp_path / "in.bin"
    source.write_bytes(os.urandom(4 * CHUNK))
    target = tmp_path / "rse" / "in.bin"
    stop = threading.Event()
    seen: list[int] = []

    def on_bytes(done: int) -> None:
        seen.append(done)
        if len(seen) == 2:
            stop.set()

    assert copy_with_checksums(source, target, stop, on_bytes) is None
    assert seen == [CHUNK, 2 * CHUNK]  # it stopped mid-file
    assert leftovers(target.parent) == [], "no temporary file, no target"


def test_a_source_that_changes_during_the_copy_is_refused(tmp_path: Path, monkeypatch):
    source = tmp_path / "in.bin"
    source.write_bytes(os.urandom(3 * CHUNK))
    target = tmp_path / "rse" / "in.bin"

    def grow(done: int) -> None:
        if done == CHUNK:
            with source.open("ab") as more:
                more.write(b"appended while uploading")

    with pytest.raises(VREError) as refused:
        copy_with_checksums(source, target, threading.Event(), grow)
    assert refused.value.code == "file_changed"
    assert leftovers(target.parent) == []


def test_a_missing_source_is_a_workspace_error_and_storage_errors_are_storage_errors(tmp_path: Path):
    with pytest.raises(VREError) as missing:
        copy_with_checksums(tmp_path / "gone.bin", tmp_path / "rse" / "gone.bin", threading.Event(), print)
    assert missing.value.code == "file_vanished"

    source = tmp_path / "in.bin"
    source.write_bytes(b"x" * 10)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the RSE's folder should be")
    with pytest.raises(VREError) as storage:
        copy_with_checksums(source, blocked / "in.bin", threading.Event(), print)
    assert storage.value.code == "backend_error"
    assert "RSE's storage could not be written" in storage.value.message


def test_memory_stays_at_a_few_buffers_whatever_the_size(tmp_path: Path, monkeypatch):
    made: list[int] = []
    real = bytearray

    def counted(size: int) -> bytearray:
        made.append(size)
        return real(size)

    monkeypatch.setattr(uploads, "bytearray", counted, raising=False)
    source = tmp_path / "in.bin"
    source.write_bytes(os.urandom(10 * CHUNK))
    assert copy_with_checksums(source, tmp_path / "out.bin", threading.Event(), lambda n: None)
    assert made == [CHUNK] * uploads.BUFFERS
