"""Confine user-given paths to a root, and write files so that no partial file is ever seen."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import IO

from .errors import BadRequest, Forbidden

MAX_PATH_LENGTH = 4096


def resolve_within(root: str | os.PathLike[str], user_path: str) -> Path:
    """The real path of `user_path` (relative, '/'-separated) inside `root`.

    Refuses absolute paths, `..` components, NUL bytes, over-long paths, and
    symlinks anywhere on the way that lead out of `root`. The path need not exist.
    """
    if not isinstance(user_path, str) or not user_path.strip():
        raise BadRequest("A path is required.", code="invalid_path")
    if "\x00" in user_path or len(user_path) > MAX_PATH_LENGTH:
        raise BadRequest("That path is not valid.", code="invalid_path")
    relative = PurePosixPath(user_path)
    if relative.is_absolute() or user_path.startswith("\\"):
        raise BadRequest("Give a path relative to your workspace, not an absolute one.", code="invalid_path")
    if ".." in relative.parts:
        raise BadRequest("Paths may not contain '..'.", code="invalid_path")
    real_root = Path(root).resolve()
    candidate = (real_root / relative).resolve()
    if candidate != real_root and not candidate.is_relative_to(real_root):
        raise Forbidden("That path leads outside the allowed folder.", code="path_outside_root")
    return candidate


@contextlib.contextmanager
def atomic_write(target: str | os.PathLike[str], mode: str = "wb") -> Iterator[IO]:
    """Write to a temporary file next to `target`; rename it over `target` only on success.

    On any exception (including cancellation) the temporary file is removed and
    `target` is untouched.
    """
    target = Path(target)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


# Under the server's runtime dir: where rucio_ext writes each resolved collection's paths, one per
# line, and the only place lifecycle_ext reads such a listing from.
RESOLVED_PATHS_DIR = "vre-attachments"


def read_resolved_paths(folder: Path, listing: str, limit: int) -> list[str]:
    """The paths in a resolved collection's listing, which must lie in `folder` (blocking: run it in the executor)."""
    path = Path(listing).resolve()
    if not path.is_relative_to(folder.resolve()) or not path.is_file():
        raise BadRequest(
            "That listing of a collection's paths is not one the Rucio panel made: attach and resolve the DID again.",
            code="invalid_paths_file",
        )
    with path.open(encoding="utf-8") as lines:
        paths = [line.rstrip("\n") for _, line in zip(range(limit + 1), lines, strict=False)]
    if len(paths) > limit:
        raise BadRequest(
            f"The collection has more than {limit:,} files, too many to list in a reana.yaml: "
            "use the mode in which the workflow fetches its inputs from Rucio.",
            code="too_many_paths",
        )
    return paths
