"""The one workspace walk: what each destination gets from a selection, and the same errors everywhere."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from types import SimpleNamespace

import pytest

from lifecycle_ext.models import CrateInput, RunFacts
from lifecycle_ext.service import CRATE_FILE, LifecycleService
from reana_ext.service import INPUTS_POLICY
from rucio_ext.uploads import UPLOAD_POLICY
from vre_common.errors import VREError
from vre_common.executor import BlockingExecutor
from vre_common.workspace import PUBLISHED_RECORD, WalkPolicy, collect, workspace_files

RELATIVE = WalkPolicy("Here", max_files=100)
JOINED = replace(RELATIVE, naming="joined", separator="__")
FLAT = replace(RELATIVE, naming="file")
KEEP = replace(RELATIVE, keep_selected_path=True)


@pytest.fixture
def root(tmp_path):
    """A workspace whose folder `out` holds what a real one holds: hidden files, caches, links, nesting."""
    root = tmp_path / "work"
    out = root / "out"
    for relative, text in {
        "out/a.txt": "a",
        "out/.hidden": "h",
        "out/__pycache__/m.cpython-312.pyc": "p",
        "out/.ipynb_checkpoints/a-checkpoint.txt": "c",
        "out/.git/config": "g",
        "out/node_modules/m.js": "n",
        "out/sub/b.txt": "bb",
        "out/sub/deeper/c.txt": "ccc",
        "other/d.txt": "dddd",
    }.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text)
    (out / "empty").mkdir()
    (out / "linked").symlink_to(root / "other")  # a folder link that stays in the workspace
    (out / "loop").symlink_to(out)  # a link back up is walked once
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.txt").write_text("no")
    return root


@pytest.mark.parametrize(
    ("policy", "selected", "expected"),
    [
        (RELATIVE, ["out"], ["a.txt", "linked/d.txt", "sub/b.txt", "sub/deeper/c.txt"]),
        (JOINED, ["out"], ["a.txt", "linked__d.txt", "sub__b.txt", "sub__deeper__c.txt"]),
        (FLAT, ["out"], ["a.txt", "b.txt", "c.txt", "d.txt"]),
        (KEEP, ["out/sub", "out/a.txt"], ["out/a.txt", "out/sub/b.txt", "out/sub/deeper/c.txt"]),
        (RELATIVE, ["out/sub", "out/a.txt"], ["a.txt", "b.txt", "deeper/c.txt"]),
        # A file the user names is sent whatever its name; skip rules apply inside folders.
        (RELATIVE, ["out/.hidden"], [".hidden"]),
        (RELATIVE, ["out/.git"], ["config"]),
        # The ignore-file hook (.reanaignore/.gitignore): folders end in '/'.
        (replace(RELATIVE, ignored=lambda p: p == "sub/"), ["out"], ["a.txt", "linked/d.txt"]),
        (replace(RELATIVE, ignored=lambda p: p.endswith(".txt")), ["out"], []),
        (replace(RELATIVE, require_files=False), ["out/empty"], []),
    ],
)
def test_what_a_selection_sends(root, policy, selected, expected):
    if not expected and policy.require_files:
        with pytest.raises(VREError) as err:
            collect(root, root, selected, policy)
        assert err.value.code == "nothing_to_upload"
        return
    assert [f.name for f in collect(root, root, selected, policy)] == expected


def test_each_file_carries_its_path_size_and_real_location(root):
    found = {f.name: f for f in collect(root, root, ["out"], JOINED)}
    assert found["sub__deeper__c.txt"].path == "sub/deeper/c.txt"
    assert found["sub__deeper__c.txt"].size == 3
    assert found["linked__d.txt"].local == (root / "other" / "d.txt").resolve()


@pytest.mark.parametrize(
    ("change", "policy", "selected", "code"),
    [
        (
            lambda r, t: (r / "out" / "escape").symlink_to(t / "outside"),
            RELATIVE,
            ["out"],
            "path_outside_root",
        ),
        (
            lambda r, t: (r / "out" / "leak.txt").symlink_to(t / "outside" / "secret.txt"),
            RELATIVE,
            ["out"],
            "path_outside_root",
        ),
        (lambda r, t: (r / "escape").symlink_to(t / "outside"), RELATIVE, ["escape"], "path_outside_root"),
        (None, replace(RELATIVE, max_files=3), ["out"], "too_many_files"),
        (None, replace(RELATIVE, max_files=1), ["out/a.txt", "other/d.txt"], "too_many_files"),
        (lambda r, t: (r / "out" / "sub" / "a.txt").write_text("x"), FLAT, ["out"], "name_clash"),
        (lambda r, t: (r / "out" / "sub__b.txt").write_text("x"), JOINED, ["out"], "name_clash"),
        (None, RELATIVE, ["out/missing"], "path_not_found"),
        (None, RELATIVE, ["../work/out"], "invalid_path"),
        (None, RELATIVE, ["/etc"], "invalid_path"),
        (None, RELATIVE, ["out/empty"], "nothing_to_upload"),
    ],
)
def test_refusals_have_one_code_everywhere(root, tmp_path, change, policy, selected, code):
    if change:
        change(root, tmp_path)
    with pytest.raises(VREError) as err:
        collect(root, root, selected, policy)
    assert err.value.code == code
    assert str(tmp_path) not in err.value.message  # names workspace paths, not server paths


def test_the_same_file_selected_twice_is_sent_once(root):
    assert [f.name for f in collect(root, root, ["out/a.txt", "out/a.txt"], RELATIVE)] == ["a.txt"]


@pytest.mark.parametrize(
    ("policy", "names"),
    [
        (UPLOAD_POLICY, ("file", "Rucio", 10_000)),
        (INPUTS_POLICY, ("relative", "REANA", 10_000)),
        (PUBLISHED_RECORD, ("joined", "Zenodo", 100)),
    ],
)
def test_each_destination_picks_its_policy(policy, names):
    assert (policy.naming, policy.destination, policy.max_files) == names


def test_reana_inputs_are_named_as_the_spec_names_them(root):
    """The workflow reads `sub/b.txt` where reana.yaml says, and gets no caches or hidden files."""
    base = root / "out"
    (base / "sub" / ".ipynb_checkpoints").mkdir()
    (base / "sub" / ".ipynb_checkpoints" / "b-checkpoint.txt").write_text("old")
    found = collect(root, base, ["a.txt", "sub"], INPUTS_POLICY)
    assert [f.name for f in found] == ["a.txt", "sub/b.txt", "sub/deeper/c.txt"]


async def test_the_walk_runs_in_the_executor(root):
    threads = []

    def ignored(path: str) -> bool:
        threads.append(threading.current_thread().name)
        return False

    executor = BlockingExecutor(2)
    try:
        found = await workspace_files(executor, root, ["out/sub"], replace(RELATIVE, ignored=ignored))
    finally:
        executor.shutdown()
    assert [f.name for f in found] == ["b.txt", "deeper/c.txt"]
    assert threads and all(name.startswith("vre-local") for name in threads)  # the local-work lane


async def test_the_crate_lists_exactly_what_the_record_gets(root):
    """The crate is written from the Zenodo walk: same names, no caches, no hidden files, itself left out."""
    (root / "out" / "reana.yaml").write_text("version: 0.9.0\n")
    executor = BlockingExecutor(2)
    service = LifecycleService(SimpleNamespace(executor=executor), str(root), str(root / "runtime"))
    try:
        body = CrateInput(
            folder="out",
            run=RunFacts(id="w-1", name="run.1", status="finished", engine="serial"),
            specification="out/reana.yaml",
        )
        result = await service.crate(body)
        record = await workspace_files(executor, root, ["out"], PUBLISHED_RECORD)
    finally:
        executor.shutdown()
    graph = json.loads((root / "out" / CRATE_FILE).read_text())["@graph"]
    described = sorted(e["@id"] for e in graph if "File" in e.get("@type", []))
    assert sorted(f.name for f in record) == sorted([*described, CRATE_FILE])
    assert result.files == described
    by_id = {e["@id"]: e for e in graph}
    assert by_id["sub__deeper__c.txt"]["name"] == "sub/deeper/c.txt"  # the folder stays visible
