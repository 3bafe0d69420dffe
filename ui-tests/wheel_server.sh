#!/usr/bin/env bash
# JupyterLab as a hub image has it: jupyterlab-vre installed from the built wheel (not editable)
# into a venv of its own, then started with the UI tests' server config on $VRE_UI_WHEEL_PORT.
# Run by playwright.wheel.config.js. The labextension is already built (bootstrap), so the wheel
# build runs no Node. Work folder: ui-tests/.wheel (dist/, venv/), made anew each run.
set -euo pipefail
cd "$(dirname "$0")"
repo=$PWD/..
work=$PWD/.wheel
rm -rf "$work"
mkdir -p "$work/dist"
"$repo/.venv/bin/python" -m build --wheel --no-isolation --outdir "$work/dist" "$repo" >"$work/build.log" 2>&1 \
  || { cat "$work/build.log" >&2; exit 1; }
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check "jupyterlab>=4.4,<5" "$work"/dist/jupyterlab_vre-*.whl
# Not editable: the package and its labextension come from the venv's site-packages and share/.
"$work/venv/bin/python" - <<'PY'
import json, pathlib, sys, vre_common
from importlib.metadata import distribution
direct = distribution("jupyterlab-vre").read_text("direct_url.json")
assert not (direct and json.loads(direct).get("dir_info", {}).get("editable")), "an editable install"
assert pathlib.Path(vre_common.__file__).is_relative_to(sys.prefix), vre_common.__file__
assert (pathlib.Path(sys.prefix) / "share/jupyter/labextensions/jupyterlab-vre/package.json").is_file()
PY
export VRE_UI_JUPYTER_PORT="${VRE_UI_WHEEL_PORT:-8189}"  # the config's port
export VRE_UI_SERVER_LOG="${VRE_UI_SCAN_DIR:-$PWD/.leak-scan}/wheel-server.log"
exec "$work/venv/bin/jupyter" lab --config jupyter_server_test_config.py
