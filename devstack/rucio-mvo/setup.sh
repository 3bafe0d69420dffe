#!/usr/bin/env bash
# The multi-VO Rucio uses the dev-stack Rucio's venv and code on SQLite (see README.md).
set -euo pipefail
VRE_RUCIO_DB=sqlite exec "$(dirname "$0")/../rucio/setup.sh"
