#!/usr/bin/env bash
# Healthy when the server answers /ping and the supervisor has published rucio.json
# (written only after the seed and the daemons are up).
set -euo pipefail
: "${VRE_DEVSTACK_HOME:?VRE_DEVSTACK_HOME is not set}"
[[ -f "$VRE_DEVSTACK_HOME/services/rucio.json" ]]
curl -fsS --max-time 2 "http://127.0.0.1:${VRE_RUCIO_PORT:-8180}/ping" | grep -q '"version"'
# The TLS front for X.509 clients (supervisor.py starts it after the server).
ca="$VRE_DEVSTACK_HOME/data/rucio/x509/ca.pem"
curl -fsS --max-time 2 --cacert "$ca" "https://127.0.0.1:${VRE_RUCIO_TLS_PORT:-8186}/ping" | grep -q '"version"'
