"""Helpers of the packaging tests."""

from __future__ import annotations

import subprocess
from pathlib import Path


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=900, check=False
    )
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr
