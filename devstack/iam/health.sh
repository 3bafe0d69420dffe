#!/usr/bin/env bash
# Healthy when the discovery document answers with this issuer.
set -euo pipefail
port="${VRE_IAM_PORT:-8181}"
curl -fsS --max-time 2 "http://127.0.0.1:$port/.well-known/openid-configuration" | grep -q '"token_endpoint"'
