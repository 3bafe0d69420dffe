#!/usr/bin/env bash
# Run zenodo-mock (behind serve.py's shim) in the foreground; writes services/zenodo.json.
# State is in memory, so the upload directory is emptied at every start.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${VRE_DEVSTACK_HOME:?}" "${VRE_ZENODO_PORT:=8182}" "${VRE_ZENODO_TOKEN:=vre-devstack-zenodo-token}"
export VRE_ZENODO_TOKEN
data="$VRE_DEVSTACK_HOME/data/zenodo"
rm -rf "$data/deposits"
mkdir -p "$data/deposits" "$VRE_DEVSTACK_HOME/services"
url="http://127.0.0.1:$VRE_ZENODO_PORT"
cat >"$VRE_DEVSTACK_HOME/services/zenodo.json.tmp" <<JSON
{
  "note": "zenodo-mock (PyPI) behind a dev-stack shim, for development only",
  "url": "$url",
  "api_url": "$url/api",
  "token": "$VRE_ZENODO_TOKEN",
  "doi_prefix": "10.5072/zenodo.",
  "storage_dir": "$data/deposits"
}
JSON
mv "$VRE_DEVSTACK_HOME/services/zenodo.json.tmp" "$VRE_DEVSTACK_HOME/services/zenodo.json"
cd "$data"
exec "$VRE_DEVSTACK_HOME/venvs/services/bin/python" "$here/serve.py" --port "$VRE_ZENODO_PORT" --storage-dir "$data/deposits"
