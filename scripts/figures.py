"""The figures the test suite measures, printed as one table at the end of `scripts/test.sh`.

Tests call `record("fuzzing", "operations fuzzed", 42)`; each suite's figures
land in `$VRE_FIGURES_DIR` (default `.test-figures/`, cleared by test.sh at
its start), one JSON file per suite, and `python scripts/figures.py` prints them.

A figure remembers the test.sh step that measured it ($VRE_FIGURES_STEP, set by
test.sh), and test.sh records each step's result (`figures.py --step NAME ok|failed`):
the table marks figures of a step that failed, whose numbers may be partial, and
figures measured outside test.sh as of unknown outcome.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STEPS = "_steps.json"  # step name -> "ok" | "failed"


def figures_dir() -> Path:
    return Path(os.environ.get("VRE_FIGURES_DIR", REPO / ".test-figures"))


def _update(path: Path, key: str, value: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(path)


def record(suite: str, name: str, value: float | int | str) -> None:
    """Add or replace one figure of `suite` (safe to call from several test modules)."""
    _update(
        figures_dir() / f"{suite}.json", name, {"value": value, "step": os.environ.get("VRE_FIGURES_STEP")}
    )


def step_result(step: str, outcome: str) -> None:
    _update(figures_dir() / STEPS, step, outcome)


def _shown(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table() -> str:
    folder = figures_dir()
    steps = json.loads((folder / STEPS).read_text()) if (folder / STEPS).exists() else {}
    rows = []
    for path in sorted(folder.glob("[!_]*.json")):
        for name, entry in json.loads(path.read_text()).items():
            step = entry.get("step")
            outcome = steps.get(step) if step else None
            note = (
                ""
                if outcome == "ok"
                else f"FROM A FAILED SUITE ({step})"
                if outcome == "failed"
                else "suite outcome unknown (not run by scripts/test.sh)"
            )
            rows.append((path.stem, name, _shown(entry.get("value")), note))
    if not rows:
        return "(no figures recorded)"
    header = ("suite", "figure", "value", "note")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    line = lambda r: f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}".rstrip()  # noqa: E731
    return "\n".join([line(header), line((*("-" * w for w in widths), "")), *map(line, rows)])


if __name__ == "__main__":
    if sys.argv[1:2] == ["--step"]:  # figures.py --step NAME ok|failed
        if len(sys.argv) != 4 or sys.argv[3] not in ("ok", "failed"):
            sys.exit("usage: figures.py --step NAME ok|failed")
        step_result(sys.argv[2], sys.argv[3])
    else:
        print(table())
