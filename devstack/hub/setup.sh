#!/usr/bin/env bash
# Install the hub: its own venv (JupyterHub, oauthenticator, the Python configurable-http-proxy),
# the system users the spawner runs servers as, and what those users need to reach.
# Idempotent; a warm run takes a second or two. Needs root (LocalProcessSpawner switches users).
set -euo pipefail
home="${VRE_DEVSTACK_HOME:?VRE_DEVSTACK_HOME is not set}"
repo="$(cd "$(dirname "$0")/../.." && pwd)"
requirements=("jupyterhub==6.1.1" "oauthenticator==17.4.0" "configurable-http-proxy==0.4.0")
users=(jdoe asmith)

[[ $(id -u) -eq 0 ]] || { echo "hub: setup and run need root (LocalProcessSpawner starts servers as the users)" >&2; exit 1; }

source "$repo/devstack/venv.sh"
install_venv hub "${requirements[@]}"

# The users' servers run the project's .venv (jupyterlab-vre editable, jupyterhub-singleuser).
singleuser="$repo/.venv/bin/jupyterhub-singleuser"
if [[ ! -x "$singleuser" ]]; then
  echo "hub: $singleuser is missing: run scripts/bootstrap.sh (the test extra brings jupyterhub)" >&2
  exit 1
fi

for user in "${users[@]}"; do
  id -u "$user" >/dev/null 2>&1 || useradd --create-home --shell /bin/bash "$user"
  chmod 0750 "$(getent passwd "$user" | cut -d: -f6)"  # no user reads another's home
done

# The users must reach (traverse, not list) the repository, its .venv's interpreter and the
# dev stack's shared data (the mounted RSE); the hub's own state stays root-only.
grant_traverse() {
  local dir="$1"
  while [[ "$dir" != "/" ]]; do
    if [[ $(stat -c %A "$dir") != d????????[xt] ]]; then
      echo "hub: granting others traverse (o+x) on $dir so the hub's users reach $1" >&2
      chmod o+x "$dir"
    fi
    dir="$(dirname "$dir")"
  done
}
python_real="$(readlink -f "$repo/.venv/bin/python")"
grant_traverse "$repo"
grant_traverse "$(dirname "$python_real")"
grant_traverse "$home/data"
mkdir -p "$home/data/hub"
chmod 0700 "$home/data/hub"
for user in "${users[@]}"; do
  runuser -u "$user" -- "$repo/.venv/bin/python" -c "import vre_common, jupyterhub" \
    || { echo "hub: user $user cannot import jupyterlab-vre from $repo/.venv" >&2; exit 1; }
done
