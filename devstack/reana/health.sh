#!/usr/bin/env bash
# Healthy when the stand-in answers /api/ping.
set -euo pipefail
curl -fsS --max-time 2 "http://127.0.0.1:${VRE_REANA_PORT:-8183}/api/ping" | grep -q '"OK"'
