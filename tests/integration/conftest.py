"""Integration tests run against the local dev stack (devstack/README.md).

The `devstack` fixture starts whatever is not running yet (idempotent) and
returns the stack description, keyed by service name.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _stack_home() -> Path:
    return Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack")).resolve()


@pytest.fixture(scope="session")
def devstack() -> dict:
    subprocess.run([str(REPO / "devstack" / "devstack"), "up"], check=True, cwd=REPO)
    return json.loads((_stack_home() / "stack.json").read_text())
