#!/usr/bin/env bash
# Run JupyterHub (and its proxy) in the foreground; jupyterhub_config.py writes services/hub.json.
set -euo pipefail
: "${VRE_DEVSTACK_HOME:?}"
export VRE_HUB_PORT="${VRE_HUB_PORT:-8190}" VRE_HUB_API_PORT="${VRE_HUB_API_PORT:-8191}"
export VRE_HUB_INTERNAL_PORT="${VRE_HUB_INTERNAL_PORT:-8192}"
data="$VRE_DEVSTACK_HOME/data/hub"
mkdir -p "$data" && chmod 0700 "$data"
# auth_state is encrypted with this key; made once, kept with the hub's database.
if [[ ! -s "$data/crypt-key" ]]; then
  (umask 077 && openssl rand -hex 32 >"$data/crypt-key")
fi
JUPYTERHUB_CRYPT_KEY="$(cat "$data/crypt-key")"
export JUPYTERHUB_CRYPT_KEY
if [[ ! -s "$data/proxy-token" ]]; then
  (umask 077 && openssl rand -hex 32 >"$data/proxy-token")
fi
CONFIGPROXY_AUTH_TOKEN="$(cat "$data/proxy-token")"
export CONFIGPROXY_AUTH_TOKEN
# The servers' config: the dev stack's Rucio/REANA/Zenodo instances as the demo has them, minus
# the IAM part (no client secret, no refresh token: their tokens come from the hub).
repo="$(cd "$(dirname "$0")/../.." && pwd)"
singleuser="$VRE_DEVSTACK_HOME/data/hub-singleuser"
mkdir -p "$singleuser" && chmod 0755 "$singleuser"
"$repo/.venv/bin/python" - "$VRE_DEVSTACK_HOME/stack.json" "$repo/scripts" >"$singleuser/jupyter_server_config.py" <<'PY'
import json, sys
sys.path.insert(0, sys.argv[2])
from devstack_jupyter_config import config_lines
stack = json.load(open(sys.argv[1]))
stack.pop("iam", None)
print("\n".join(config_lines(stack)))
PY
chmod 0644 "$singleuser/jupyter_server_config.py"
config="$(cd "$(dirname "$0")" && pwd)/jupyterhub_config.py"
cd "$data"
exec "$VRE_DEVSTACK_HOME/venvs/hub/bin/jupyterhub" -f "$config"
