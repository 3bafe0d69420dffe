#!/usr/bin/env bash
# Run the REANA API stand-in in the foreground; it writes $VRE_DEVSTACK_HOME/services/reana.json.
set -euo pipefail
: "${VRE_DEVSTACK_HOME:?}" "${VRE_REANA_PORT:=8183}"
export VRE_REANA_PORT
exec "$VRE_DEVSTACK_HOME/venvs/services/bin/python" "$(dirname "$0")/server.py"
