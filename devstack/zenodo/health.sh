#!/usr/bin/env bash
# Healthy when the deposit API answers (401 without a token proves the shim is up).
set -euo pipefail
code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:${VRE_ZENODO_PORT:-8182}/api/deposit/depositions")"
[[ "$code" == 401 ]]
