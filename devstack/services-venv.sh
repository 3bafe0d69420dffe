#!/usr/bin/env bash
# Create or update the venv shared by the iam, zenodo and reana dev-stack services.
# Idempotent and safe to run concurrently: an flock serialises installers and a
# marker file (hash of the requirement list) makes a warm run a no-op.
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
wanted="$(printf '%s\n' "${requirements[@]}" | sha256sum | cut -d' ' -f1)"
marker="$venv/.vre-requirements"

mkdir -p "$home/venvs"
exec 9>"$home/venvs/services.lock"
flock 9
if [[ ! -f "$marker" || "$(cat "$marker")" != "$wanted" ]]; then
  echo "services venv: installing into $venv" >&2
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -qq --disable-pip-version-check "${requirements[@]}" >&2
  echo "$wanted" >"$marker"
fi
echo "$venv"
