#!/usr/bin/env bash
# Install the IAM stand-in's dependencies (the shared services venv).
set -euo pipefail
"$(dirname "$0")/../services-venv.sh" >/dev/null
