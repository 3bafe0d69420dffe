#!/usr/bin/env bash
# Run the dev-stack Rucio (PostgreSQL if VRE_RUCIO_DB=postgresql, server, seed, daemons)
# in the foreground, all children of this process group.
# supervisor.py writes $VRE_DEVSTACK_HOME/services/rucio.json once everything is up.
set -euo pipefail
: "${VRE_DEVSTACK_HOME:?VRE_DEVSTACK_HOME is not set}" "${VRE_RUCIO_PORT:=8180}"
export VRE_DEVSTACK_HOME VRE_RUCIO_PORT
cd "$(dirname "$0")"
exec "$VRE_DEVSTACK_HOME/venvs/rucio/bin/python" supervisor.py
