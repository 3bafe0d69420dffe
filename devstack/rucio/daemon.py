"""Run one of Rucio's daemon commands with the dev stack's adjustments.

    python daemon.py rucio-conveyor-poller --sleep-time 2 --older-than 0

The command is the real one from the venv's bin/. Before it starts, the SQLite
locking of sqlite_locking.py is installed (on SQLite only), and for the submitter the
byte copy of fts_standin.py.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import sqlite_locking
from stack_layout import layout


def main() -> None:
    command = Path(sys.executable).parent / sys.argv[1]
    if layout().database == "sqlite":
        sqlite_locking.install()
    if command.name == "rucio-conveyor-submitter":
        import fts_standin

        fts_standin.install()
    sys.argv = [str(command), *sys.argv[2:]]
    runpy.run_path(str(command), run_name="__main__")


if __name__ == "__main__":
    main()
