#!/usr/bin/env bash
# Install the REANA stand-in (shared services venv) and, in a venv of its own, the
# real reana-client 0.9 that the tests use as an oracle (it pins jsonschema<4, so it
# cannot live next to JupyterLab 4). Idempotent and safe to run concurrently.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/../services-venv.sh" >/dev/null

home="${VRE_DEVSTACK_HOME:?}"
client="$home/venvs/reana-client"
wanted="reana-client==0.9.6"
exec 9>"$home/venvs/reana-client.lock"
flock 9
if [[ "$(cat "$client/.vre-requirements" 2>/dev/null)" != "$wanted" ]]; then
  echo "reana-client venv: installing $wanted into $client (about a minute)" >&2
  [[ -x "$client/bin/python" ]] || python3 -m venv "$client"
  "$client/bin/python" -m pip install -qq --disable-pip-version-check "$wanted" >&2
  echo "$wanted" >"$client/.vre-requirements"
fi
