#!/usr/bin/env bash
# Install zenodo-mock (into the shared services venv).
set -euo pipefail
"$(dirname "$0")/../services-venv.sh" >/dev/null
