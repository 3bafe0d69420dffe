#!/usr/bin/env bash
# Healthy when the hub answers through its proxy.
set -euo pipefail
port="${VRE_HUB_PORT:-8190}"
curl -fsS --max-time 2 "http://127.0.0.1:$port/hub/api/" | grep -q '"version"'
