#!/usr/bin/env bash
# Healthy when the server answers /ping and the supervisor has published rucio-mvo.json.
set -euo pipefail
: "${VRE_DEVSTACK_HOME:?VRE_DEVSTACK_HOME is not set}"
[[ -f "$VRE_DEVSTACK_HOME/services/rucio-mvo.json" ]]
curl -fsS --max-time 2 "http://127.0.0.1:${VRE_RUCIO_MVO_PORT:-8187}/ping" | grep -q '"version"'
