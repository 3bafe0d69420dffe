"""Integration tests run against the local dev stack (devstack/README.md).

The `devstack` fixture starts whatever is not running yet (idempotent) and
returns the stack description, keyed by service name. A stack that was already
running is left running; one the fixture started is stopped at the end.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEVSTACK = REPO / "devstack" / "devstack"


def _stack_home() -> Path:
    return Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack")).resolve()


@pytest.fixture(scope="session")
def devstack() -> Iterator[dict]:
    was_running = subprocess.run([DEVSTACK, "status"], cwd=REPO, capture_output=True).returncode == 0
    subprocess.run([DEVSTACK, "up"], check=True, cwd=REPO)
    yield json.loads((_stack_home() / "stack.json").read_text())
    if not was_running and not os.environ.get("VRE_DEVSTACK_KEEP"):
        subprocess.run([DEVSTACK, "down"], check=False, cwd=REPO)
