"""The wheel a hub admin installs: built once, installed into a venv that has only JupyterLab 4."""

from __future__ import annotations

import re
import subprocess
import zipfile

import pytest
from packaging_helpers import run

EXTENSIONS = ("rucio_ext", "reana_ext", "zenodo_ext", "lifecycle_ext")

pytestmark = pytest.mark.packaging


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
