"""The one walk of workspace files that get sent somewhere (Rucio, REANA, Zenodo, an RO-Crate).

Every extension asks `workspace_files` with a `WalkPolicy`; the rules that
users can see (which files are skipped, what a symlink out of the workspace
does, the cap, how a file is named at the other end, the error codes) are
decided here once. The walk touches the disk, so it runs in the shared
executor, never on the event loop.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from .errors import BadRequest, Forbidden, NotFound
from .executor import BlockingExecutor
from .paths import resolve_within

# Never sent from inside a walked folder (a file the user names itself is sent whatever its name).
CACHE_FOLDERS = frozenset({"__pycache__", ".ipynb_checkpoints", ".git", "node_modules"})
WALK_TIMEOUT = 120

# Whether a path (relative to the walk's base, '/'-separated; a folder ends in '/') is left out.
# The hook for ignore files such as .reanaignore/.gitignore.
Ignored = Callable[[str], bool]


@dataclass(frozen=True)
class WalkPolicy:
    """What one destination takes from a workspace selection.

    - hidden names (a leading '.') and `skip_folders` are skipped inside walked folders;
    - a symlink is followed when its target is inside the workspace root; one that leads out
      is refused with `path_outside_root` (never silently left out, so no destination
      gets a file another does not);
    - more than `max_files` files: `too_many_files` (`limit_hint` says what to do); more than
      `max_bytes` in all: `too_large`;
    - `naming`: "relative" keeps the path below the selected folder (or the base, with
      `keep_selected_path`) ('/'-separated), "file" keeps only
      the file name (a flat namespace), "joined" joins the folders with `separator`
      (a flat namespace that still shows the folders);
    - two files with one name: `name_clash`; nothing found when `require_files`: `nothing_to_upload`.
    """

    destination: str
    max_files: int
    naming: str = "relative"
    separator: str = "/"
    skip_folders: frozenset[str] = CACHE_FOLDERS
    max_bytes: int | None = None
    keep_selected_path: bool = False
    require_files: bool = True
    limit_hint: str = "send a smaller selection or pack folders into an archive first"
    ignored: Ignored | None = field(default=None, compare=False)

    def with_ignored(self, ignored: Ignored | None) -> WalkPolicy:
        return replace(self, ignored=ignored)


@dataclass(frozen=True)
class SelectedFile:
    name: str  # as the destination will call it
    path: str  # below the base, '/'-separated (what the user sees in the file browser there)
    local: Path  # the real file
    size: int


def _name(policy: WalkPolicy, relative: PurePosixPath) -> str:
    if policy.naming == "file":
        return relative.name
    if policy.naming == "joined":
        return policy.separator.join(relative.parts)
    return relative.as_posix()


def collect(root: Path, base: Path, selected: Sequence[str], policy: WalkPolicy) -> list[SelectedFile]:
    """The files of `selected` (paths relative to `base`, itself inside `root`), sorted by name; blocking.

    A file's path is taken below the selected folder (a selected file: its name), or below
    `base` when `policy.keep_selected_path` (so a workflow finds its inputs where its spec says).
    """
    root = root.resolve()
    found: dict[str, SelectedFile] = {}
    for user_path in selected:
        top = resolve_within(base, user_path)
        if not top.is_relative_to(root):
            raise Forbidden(f"{user_path} leads outside your workspace.", code="path_outside_root")
        given = PurePosixPath(user_path)
        if top.is_file():
            _add(found, policy, given if policy.keep_selected_path else PurePosixPath(given.name), top)
        elif top.is_dir():
            prefix = given if policy.keep_selected_path else PurePosixPath()
            for relative, real in _walk(root, top, policy):
                _add(found, policy, prefix / relative, real)
        else:
            raise NotFound(f"There is no {user_path} in your workspace.", code="path_not_found")
        if len(found) > policy.max_files:
            _too_many(policy, len(found))
    if policy.max_bytes is not None and (total := sum(f.size for f in found.values())) > policy.max_bytes:
        raise BadRequest(
            f"{policy.destination} takes at most {policy.max_bytes / 1e9:g} GB at a time, and this is "
            f"{total / 1e9:.1f} GB: send a smaller selection.",
            code="too_large",
        )
    if policy.require_files and not found:
        raise BadRequest(
            f"There are no files to send to {policy.destination} in what you selected "
            "(hidden files and cache folders are left out).",
            code="nothing_to_upload",
        )
    return sorted(found.values(), key=lambda f: f.name)


def _too_many(policy: WalkPolicy, count: int) -> None:
    raise BadRequest(
        f"{policy.destination} takes at most {policy.max_files} files at a time, and this is "
        f"{count if count <= policy.max_files + 1 else 'more'}: {policy.limit_hint}.",
        code="too_many_files",
    )


def _add(found: dict[str, SelectedFile], policy: WalkPolicy, relative: PurePosixPath, real: Path) -> None:
    name = _name(policy, relative)
    other = found.get(name)
    if other is not None and other.local != real:
        raise BadRequest(
            f"{other.path} and {relative.as_posix()} would both be called {name!r} on "
            f"{policy.destination}: rename one.",
            code="name_clash",
        )
    found[name] = SelectedFile(name, relative.as_posix(), real, real.stat().st_size)


def _walk(root: Path, top: Path, policy: WalkPolicy) -> list[tuple[PurePosixPath, Path]]:
    """(path below `top`, real path) of the files below `top`, following symlinks inside `root`."""
    files: list[tuple[PurePosixPath, Path]] = []
    seen_folders = {top.resolve()}
    pending = [(PurePosixPath(), top)]
    while pending:
        relative_dir, folder = pending.pop()
        with os.scandir(folder) as entries:
            listed = sorted(entries, key=lambda e: e.name)
        for entry in listed:
            relative = relative_dir / entry.name
            if entry.name.startswith("."):
                continue
            is_dir = entry.is_dir()  # follows a symlink
            if is_dir and entry.name in policy.skip_folders:
                continue
            if policy.ignored and policy.ignored(relative.as_posix() + ("/" if is_dir else "")):
                continue
            real = Path(entry.path).resolve() if entry.is_symlink() else Path(entry.path)
            if not real.is_relative_to(root):
                raise Forbidden(
                    f"{relative.as_posix()} links outside your workspace: replace the link with "
                    "the file itself, or leave it out.",
                    code="path_outside_root",
                )
            if is_dir:
                if real not in seen_folders:  # a link back up would loop
                    seen_folders.add(real)
                    pending.append((relative, real))
            elif entry.is_file():
                files.append((relative, real))
                if len(files) > policy.max_files:
                    _too_many(policy, len(files))
    return files


async def workspace_files(
    executor: BlockingExecutor,
    root: Path,
    selected: Sequence[str],
    policy: WalkPolicy,
    base: Path | None = None,
) -> list[SelectedFile]:
    """`collect` in the shared executor (the walk stats every file)."""
    return await executor.run("workspace", WALK_TIMEOUT, collect, root, base or root, selected, policy)


# A Zenodo record: a flat list of at most 100 files. A file in a subfolder keeps its folders
# in its name, joined by "__" (`plots/fig.png` -> `plots__fig.png`); the upload task says so,
# and the RO-Crate, written from this same walk, gives each file's folder path.
PUBLISHED_RECORD = WalkPolicy(
    "Zenodo",
    max_files=100,
    max_bytes=50 * 10**9,  # per record
    naming="joined",
    separator="__",
    limit_hint="zip some folders first",
)


REANA_SPEC_NAMES = ("reana.yaml", "reana.yml")
MAX_SPEC_BYTES = 1 << 20


def read_reana_yaml(root: Path, path: str) -> tuple[Path, str, str]:
    """(file, its workspace path, its text) of the reana.yaml at `path` or in the folder `path`; blocking.

    One lookup for REANA's runs and the lifecycle's amended specs (run it in the executor).
    """
    target = resolve_within(root, path)
    if target.is_dir():
        found = next((target / name for name in REANA_SPEC_NAMES if (target / name).is_file()), None)
        if found is None:
            raise NotFound(f"There is no reana.yaml in {path}.", code="no_reana_yaml")
        target = found
    elif not target.is_file():
        raise NotFound(f"There is no {path} in your workspace.", code="path_not_found")
    relative = target.relative_to(root.resolve()).as_posix()
    if target.stat().st_size > MAX_SPEC_BYTES:
        raise BadRequest(f"{relative} is larger than 1 MB; that is not a reana.yaml.", code="spec_too_large")
    return target, relative, target.read_text(errors="replace")
