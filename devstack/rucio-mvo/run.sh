#!/usr/bin/env bash
# Run the second, multi-VO Rucio: devstack/rucio's supervisor with its own data, logs, port and facts.
set -euo pipefail
export VRE_RUCIO_MULTI_VO=1 VRE_RUCIO_DB=sqlite
exec "$(dirname "$0")/../rucio/run.sh"
