#!/usr/bin/env bash
# Create or update the venv shared by the iam, zenodo and reana dev-stack services.
# Idempotent and safe to run concurrently (devstack/venv.sh).
# Prints the venv path on stdout.
set -euo pipefail

home="${VRE_DEVSTACK_HOME:?VRE_DEVSTACK_HOME is not set}"
venv="$home/venvs/services"
requirements=(
  "flask==3.1.3"
  "authlib==1.9.9"
  "waitress==3.0.2"
  "pyyaml==6.0.3"
  "zenodo-mock==0.1.1"
)
source "$(dirname "$0")/venv.sh"
install_venv services "${requirements[@]}"
echo "$venv"
