#!/usr/bin/env bash
# The README's test command: set everything up, then run every test.
# Each suite runs even if an earlier one failed; the exit code is non-zero if any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --tests || exit 1
export PATH="$PWD/.venv/bin:$PATH"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export VRE_FIGURES_DIR="$PWD/.test-figures"  # what the suites measure (scripts/figures.py)
rm -rf "$VRE_FIGURES_DIR"

declare -a results=()
run() {
  local name=$1; shift
  printf '\n== %s\n' "$name"
  # Figures remember the step that measured them; the table marks those of a failed step.
  export VRE_FIGURES_STEP=$name
  if "$@"; then
    results+=("ok      $name"); python scripts/figures.py --step "$name" ok
  else
    results+=("FAILED  $name"); python scripts/figures.py --step "$name" failed
  fi
  unset VRE_FIGURES_STEP
}

run "lint: ruff" bash -c 'ruff check . && ruff format --check .'
run "lint: eslint + prettier" jlpm lint:check
run "pytest: unit, integration, packaging" python -m pytest tests -ra
run "jest" jlpm test
# The docs, offline, warnings as errors (broken links and cross-references fail).
run "docs: sphinx" sphinx-build -W --keep-going -q -b html docs docs/_build/html
ui_tests() {
  # The UI tests sign in with the dev stack's IAM, use its Rucio, run a workflow on its
  # REANA and publish to its Zenodo; stop after only the services that were started here.
  local started=() service
  for service in iam rucio reana zenodo; do
    devstack/devstack status "$service" >/dev/null || { devstack/devstack up "$service" && started+=("$service"); }
  done
  # The servers' DEBUG logs and the browser storage dumps land in $VRE_UI_SCAN_DIR, scanned at the end.
  export VRE_UI_SCAN_DIR="$PWD/ui-tests/.leak-scan"
  rm -rf "$VRE_UI_SCAN_DIR"
  local rc=0
  (cd ui-tests && jlpm playwright test) || rc=1
  # The wheel as users install it, in a venv of its own (ui-tests/wheel_server.sh).
  (cd ui-tests && jlpm playwright test -c playwright.wheel.config.js) || rc=1
  # Real tasks held mid-way, cancelled, SIGKILLed and resumed in the browser (ui-tests/task_lab.py).
  (cd ui-tests && jlpm playwright test -c playwright.tasks.config.js) || rc=1
  python tests/leakcheck.py "$VRE_UI_SCAN_DIR"/server.log "$VRE_UI_SCAN_DIR"/wheel-server.log \
    "$VRE_UI_SCAN_DIR"/task-lab-server-*.log \
    "$VRE_UI_SCAN_DIR"/storage/*.json || rc=1
  ((${#started[@]})) && devstack/devstack down "${started[@]}"
  return $rc
}
run "UI: Galata in Chromium" ui_tests
hub_ui_tests() {
  # Chromium through the dev stack's JupyterHub (needs root: it creates system users). The IAM
  # issues 10 s tokens here, so ten lifetimes of work take minutes; its lifetime is given back after.
  local started=() service rc iam_was_up=false
  devstack/devstack status iam >/dev/null && iam_was_up=true && devstack/devstack down iam
  for service in rucio reana zenodo; do
    devstack/devstack status "$service" >/dev/null || started+=("$service")
  done
  VRE_IAM_TOKEN_LIFETIME=10 devstack/devstack up hub || return 1
  (cd ui-tests && jlpm playwright test -c hub/playwright.config.js)
  rc=$?
  devstack/devstack down hub iam "${started[@]}"
  $iam_was_up && devstack/devstack up iam
  return $rc
}
run "UI: Chromium through JupyterHub" hub_ui_tests

printf '\n== figures\n'
python scripts/figures.py
printf '\n== summary\n'
printf '%s\n' "${results[@]}"
! printf '%s\n' "${results[@]}" | grep -q '^FAILED'
