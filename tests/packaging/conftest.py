"""The wheel a hub admin installs, and a fresh venv with only JupyterLab 4 and that wheel.

Session-scoped: building the wheel and the venv takes minutes, and every packaging
test module uses the same ones (none of them changes the venv).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from packaging_helpers import run

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # The labextension is already built by the bootstrap (skip-if-exists), so no Node runs here.
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, REPO)
    (wheel,) = out.glob("jupyterlab_vre-*.whl")
    return wheel


@pytest.fixture(scope="session")
def clean_venv(tmp_path_factory, wheel) -> dict[str, str]:
    """A brand-new venv with only JupyterLab 4, then the wheel; PATH without Node.js."""
    venv = tmp_path_factory.mktemp("venv") / "v"
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin" / "pip", "install", "-q", "jupyterlab>=4,<5")
    run(venv / "bin" / "pip", "install", "-q", wheel)
    return {
        # Only the venv: on merged-/usr systems /bin holds node too.
        "PATH": str(venv / "bin"),
        "HOME": str(venv.parent),
        "JUPYTER_CONFIG_DIR": str(venv.parent / "jupyter-config"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
