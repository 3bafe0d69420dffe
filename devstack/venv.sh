# Sourced by the dev-stack setup scripts: `install_venv NAME REQUIREMENT...` makes or updates
# the venv $VRE_DEVSTACK_HOME/venvs/NAME. Safe to run concurrently (an flock per venv) and a
# no-op when warm (a marker holds the requirement list it was installed with). pip's output
# goes to logs/NAME-pip.log and is shown only when the install fails.
install_venv() {
  local name=$1
  shift
  local home="${VRE_DEVSTACK_HOME:?VRE_DEVSTACK_HOME is not set}"
  local venv="$home/venvs/$name" wanted="$*"
  mkdir -p "$home/venvs" "$home/logs"
  {
    flock 8
    if [[ "$(cat "$venv/.vre-requirements" 2>/dev/null)" != "$wanted" ]]; then
      echo "$name venv: installing $wanted into $venv" >&2
      [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
      "$venv/bin/python" -m pip install --disable-pip-version-check "$@" >"$home/logs/$name-pip.log" 2>&1 \
        || { cat "$home/logs/$name-pip.log" >&2; return 1; }
      echo "$wanted" >"$venv/.vre-requirements"
    fi
  } 8>"$home/venvs/$name.venv.lock"
}
