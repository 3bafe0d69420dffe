"""Path confinement for every root a user path is resolved against, and atomic writes."""

import os

import pytest

from vre_common.errors import BadRequest, Forbidden
from vre_common.paths import atomic_write, read_resolved_paths, resolve_within

ROOTS = ["jupyter-root", "download-dir", "mount-path"]


@pytest.fixture(params=ROOTS)
def root(request, tmp_path):
    root = tmp_path / request.param
    (root / "data").mkdir(parents=True)
    (root / "data" / "events.root").write_bytes(b"root")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("no")
    (root / "escape-link").symlink_to(outside)
    (root / "file-link").symlink_to(outside / "secret.txt")
    (root / "inner-link").symlink_to(root / "data")
    return root


@pytest.mark.parametrize("path", ["data/events.root", "data", "new/file.csv", "inner-link/events.root"])
def test_paths_inside_the_root_resolve(root, path):
    resolved = resolve_within(root, path)
    assert resolved.is_relative_to(root.resolve())


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/etc/passwd", BadRequest),
        ("../outside/secret.txt", BadRequest),
        ("data/../../outside", BadRequest),
        ("data/..", BadRequest),
        ("", BadRequest),
        ("   ", BadRequest),
        ("data/\x00x", BadRequest),
        ("a/" * 3000, BadRequest),
        ("\\\\server\\share", BadRequest),
        ("escape-link/secret.txt", Forbidden),
        ("escape-link", Forbidden),
        ("file-link", Forbidden),
    ],
)
def test_escapes_are_refused(root, path, error):
    with pytest.raises(error) as err:
        resolve_within(root, path)
    assert err.value.code in ("invalid_path", "path_outside_root")


def test_atomic_write_replaces_only_on_success(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write(b"half of the new")
        raise RuntimeError("transfer failed")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["out.bin"], "no temporary file is left behind"

    with atomic_write(target) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["out.bin"]


def test_a_collection_listing_is_read_only_from_its_folder(tmp_path):
    folder = tmp_path / "vre-attachments"
    folder.mkdir()
    (folder / "a.txt").write_text("/mnt/x/1\n/mnt/x/2\n", encoding="utf-8")
    (tmp_path / "elsewhere.txt").write_text("/etc/passwd\n", encoding="utf-8")
    assert read_resolved_paths(folder, str(folder / "a.txt"), limit=2) == ["/mnt/x/1", "/mnt/x/2"]
    for outside in (str(tmp_path / "elsewhere.txt"), str(folder / ".." / "elsewhere.txt"), str(folder)):
        with pytest.raises(BadRequest) as err:
            read_resolved_paths(folder, outside, limit=2)
        assert err.value.code == "invalid_paths_file"
    with pytest.raises(BadRequest) as err:
        read_resolved_paths(folder, str(folder / "a.txt"), limit=1)
    assert err.value.code == "too_many_paths"
