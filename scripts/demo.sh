#!/usr/bin/env bash
# The README's demo command: set everything up, start the local dev stack and
# open JupyterLab with the three VRE panels wired to it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"

printf '\n== dev stack\n'
devstack/devstack up

config=.devstack/jupyter_server_config.py
(umask 077 && python scripts/devstack_jupyter_config.py > "$config")  # it holds dev-stack secrets
mkdir -p .devstack/workspace
printf '\n== JupyterLab (Ctrl-C to stop; the dev stack keeps running: devstack/devstack down)\n'
args=(--config "$config" --ServerApp.root_dir="$PWD/.devstack/workspace")
[[ $(id -u) -eq 0 ]] && args+=(--allow-root)
exec jupyter lab "${args[@]}" "$@"
