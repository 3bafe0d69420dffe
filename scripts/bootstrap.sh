#!/usr/bin/env bash
# Set up what both README commands need, from nothing or on top of a previous
# run (idempotent): system packages, the project venv in .venv/, the frontend
# build, and an editable install of jupyterlab-vre.
#
#   scripts/bootstrap.sh            # for the demo
#   scripts/bootstrap.sh --tests    # also the browser and the UI-test packages
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

with_tests=false
[[ "${1:-}" == "--tests" ]] && with_tests=true

step() { printf '\n== %s\n' "$*"; }

# --- system packages ----------------------------------------------------------
apt_packages=(git curl)
# r-base-core + r-cran-irkernel: the R kernel of the UI tests (ui-tests/tests/r_kernel.spec.ts)
$with_tests && apt_packages+=(chromium fonts-dejavu-core r-base-core r-cran-irkernel)
missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  step "installing system packages: ${missing[*]}"
  sudo=""; [[ $(id -u) -eq 0 ]] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
command -v node >/dev/null || { echo "Node.js 20 or newer is needed (apt-get install nodejs)" >&2; exit 1; }

# --- the project venv ---------------------------------------------------------
if [[ ! -x .venv/bin/python ]]; then
  step "creating .venv"
  python3 -m venv .venv
fi
export PATH="$REPO/.venv/bin:$PATH"
step "Python build tools and JupyterLab"
pip install -q --upgrade pip
# Build tools are installed into .venv so the editable install needs no build isolation.
pip install -q "jupyterlab>=4.4,<5" "hatchling>=1.5" "hatch-jupyter-builder>=0.5" "hatch-nodejs-version>=0.3.2" editables build

# --- the frontend -------------------------------------------------------------
step "frontend: install and build"
jlpm install --silent
jlpm build:prod

step "jupyterlab-vre (editable, with test extras)"
# A previous run's `labextension develop` symlink would make the editable install write
# install.json through it into vre_common/labextension, and the wheel would then carry it twice.
linked=.venv/share/jupyter/labextensions/jupyterlab-vre
if [[ -L $linked ]]; then rm "$linked"; fi
rm -f vre_common/labextension/install.json
extras=test
$with_tests && extras=test,docs  # the test command also builds the docs
pip install -q --no-build-isolation -e ".[$extras]"
# Link the labextension into the venv, so that `jlpm watch` rebuilds are picked up.
jupyter labextension develop --overwrite . >/dev/null

if $with_tests; then
  step "UI-test packages"
  (cd ui-tests && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 jlpm install --silent)
  step "the R kernel (Debian's IRkernel), registered in .venv"
  # Debian also puts a kernelspec in /usr/share/jupyter; the one in .venv does not depend on the
  # system's Jupyter paths. installspec runs the venv's `jupyter kernelspec install` (first on PATH).
  [[ -f .venv/share/jupyter/kernels/ir/kernel.json ]] \
    || R --quiet --no-save -e "IRkernel::installspec(user = FALSE, prefix = '$REPO/.venv')" >/dev/null
fi
