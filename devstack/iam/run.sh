#!/usr/bin/env bash
# Run the local OIDC provider in the foreground; it writes $VRE_DEVSTACK_HOME/services/iam.json.
set -euo pipefail
: "${VRE_DEVSTACK_HOME:?}" "${VRE_IAM_PORT:=8181}"
export VRE_IAM_PORT
exec "$VRE_DEVSTACK_HOME/venvs/services/bin/python" "$(dirname "$0")/server.py"
