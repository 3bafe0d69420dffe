"""`.gitignore` and `.reanaignore` as reana-client 0.9 reads them when it uploads inputs.

reana-client reads both files from the folder of the reana.yaml (not from subfolders), as
git wildmatch patterns (pathspec's `gitwildmatch`), and leaves out the files found under
`inputs.directories` whose path (relative to that folder) either one matches; the files
listed in `inputs.files` are uploaded whatever the patterns say.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pathspec

IGNORE_FILES = (".gitignore", ".reanaignore")
MAX_IGNORE_BYTES = 1 << 20


@dataclass(frozen=True)
class IgnoreRules:
    specs: tuple[pathspec.PathSpec, ...]

    def matches(self, path: str) -> bool:
        """`path` relative to the reana.yaml's folder, '/'-separated."""
        return any(spec.match_file(path) for spec in self.specs)

    def below(self, folder: str) -> Callable[[str], bool]:
        """The walker's hook for one input folder: it gives paths relative to that folder."""
        prefix = folder.strip("/")
        return lambda relative: self.matches(f"{prefix}/{relative}" if prefix not in ("", ".") else relative)


def ignore_rules(folder: Path) -> IgnoreRules | None:
    """The ignore rules next to a reana.yaml, or None when there are none (blocking: run in the executor)."""
    specs = []
    for name in IGNORE_FILES:
        path = folder / name
        if path.is_file() and path.stat().st_size <= MAX_IGNORE_BYTES:
            lines = path.read_text(errors="replace").splitlines()
            specs.append(pathspec.PathSpec.from_lines("gitwildmatch", lines))
    return IgnoreRules(tuple(specs)) if specs else None
