#!/usr/bin/env bash
# Install the REANA stand-in (shared services venv); in a venv of its own the real
# reana-client 0.9 that the tests use as an oracle (it pins jsonschema<4, so it cannot
# live next to JupyterLab 4); and in another the workflow engines the stand-in runs,
# at the versions REANA 0.9's engines use (reana-commons 0.9's extras). Idempotent and
# safe to run concurrently.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
"$here/../services-venv.sh" >/dev/null

source "$here/../venv.sh"

install_venv reana-client "reana-client==0.9.6"
# cwltool and snakemake as reana-workflow-engine-cwl/-snakemake 0.9 pin them; yadage as
# reana-commons[yadage] 0.9 (validated and loaded; the stand-in does not execute it).
install_venv reana-engines "cwltool==3.1.20210628163208" "snakemake==7.32.4" "tabulate<0.9" \
  "pulp>=2.7.0,<2.8.0" "yadage~=0.20.1" "yadage-schemas~=0.10.6" "adage~=0.10.1" "setuptools<81"
