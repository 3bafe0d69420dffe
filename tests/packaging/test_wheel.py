"""The wheel a hub admin installs: built once, installed into a venv that has only JupyterLab 4."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXTENSIONS = ("rucio_ext", "reana_ext", "zenodo_ext", "lifecycle_ext")

pytestmark = pytest.mark.packaging


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, env=env, timeout=900, check=False
    )
    assert result.returncode == 0, f"{cmd} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # The labextension is already built by the bootstrap (skip-if-exists), so no Node runs here.
    run(sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", out, REPO)
    (wheel,) = out.glob("jupyterlab_vre-*.whl")
    return wheel


@pytest.fixture(scope="module")
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


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_wheel_carries_packages_labextension_and_server_config(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for package in ("vre_common", *EXTENSIONS):
        assert f"{package}/__init__.py" in names
    data = "jupyterlab_vre-0.1.0.data/data"
    assert f"{data}/share/jupyter/labextensions/jupyterlab-vre/package.json" in names
    assert f"{data}/share/jupyter/labextensions/jupyterlab-vre/install.json" in names
    assert f"{data}/share/jupyter/labextensions/jupyterlab-vre/schemas/jupyterlab-vre/rucio.json" in names
    assert any(
        n.startswith(f"{data}/share/jupyter/labextensions/jupyterlab-vre/static/remoteEntry.") for n in names
    )
    for ext in EXTENSIONS:
        assert f"{data}/etc/jupyter/jupyter_server_config.d/{ext}.json" in names
    assert not any(n.startswith("vre_common/labextension/") for n in names), "labextension shipped twice"


def test_node_is_not_needed(clean_venv):
    result = subprocess.run(["/bin/sh", "-c", "command -v node"], env=clean_venv, capture_output=True)
    assert result.returncode != 0, "the test environment must not see Node.js"


def test_server_extensions_enabled_and_ok(clean_venv):
    listing = strip_ansi(run("jupyter", "server", "extension", "list", env=clean_venv))
    for ext in EXTENSIONS:
        assert re.search(rf"^\s*{ext} enabled\s*$", listing, re.M), listing
        assert re.search(rf"^\s*{ext} \S+ OK\s*$", listing, re.M), listing


def test_labextension_enabled_and_ok(clean_venv):
    listing = strip_ansi(run("jupyter", "labextension", "list", env=clean_venv))
    assert re.search(r"jupyterlab-vre v0\.1\.0 enabled OK \(python, jupyterlab-vre\)", listing), listing
