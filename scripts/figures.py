"""The figures the test suite measures, printed as one table at the end of `scripts/test.sh`.

Tests call `record("fuzzing", "operations fuzzed", 42)`; each suite's figures
land in `$VRE_FIGURES_DIR` (default `.test-figures/`, cleared by test.sh at
its start), one JSON file per suite, and `python scripts/figures.py` prints them.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def figures_dir() -> Path:
    return Path(os.environ.get("VRE_FIGURES_DIR", REPO / ".test-figures"))


def record(suite: str, name: str, value: float | int | str) -> None:
    """Add or replace one figure of `suite` (safe to call from several test modules)."""
    folder = figures_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{suite}.json"
    figures = json.loads(path.read_text()) if path.exists() else {}
    figures[name] = value
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(figures, indent=1))
    tmp.replace(path)


def table() -> str:
    rows = []
    for path in sorted(figures_dir().glob("*.json")):
        for name, value in json.loads(path.read_text()).items():
            shown = (
                f"{value:,.3f}".rstrip("0").rstrip(".")
                if isinstance(value, float)
                else f"{value:,}"
                if isinstance(value, int)
                else str(value)
            )
            rows.append((path.stem, name, shown))
    if not rows:
        return "(no figures recorded)"
    widths = [max(len(r[i]) for r in [("suite", "figure", "value"), *rows]) for i in range(3)]
    line = lambda r: f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}"  # noqa: E731
    return "\n".join(
        [line(("suite", "figure", "value")), line(tuple("-" * w for w in widths)), *map(line, rows)]
    )


if __name__ == "__main__":
    print(table())
    sys.exit(0)
