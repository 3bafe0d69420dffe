#!/usr/bin/env bash
# Install the dev-stack Rucio: its own venv (the server pins old urllib3/requests),
# Debian's gfal2 for the transfer step, configs, and the SQLite database.
# Idempotent: a warm run only checks markers and takes a few seconds.
set -euo pipefail

home="${VRE_DEVSTACK_HOME:?VRE_DEVSTACK_HOME is not set}"
here="$(cd "$(dirname "$0")" && pwd)"
venv="$home/venvs/rucio"
requirements=("rucio==41.5.1" "gunicorn==27.0.1")
wanted="$(printf '%s\n' "${requirements[@]}" | sha256sum | cut -d' ' -f1)"
marker="$venv/.vre-requirements"
apt_packages=(python3-gfal2 gfal2-plugin-file)

# gfal2 is optional (the transfer step falls back to a plain copy + adler32).
if [[ $EUID -eq 0 ]] && ! dpkg -s "${apt_packages[@]}" >/dev/null 2>&1; then
  echo "rucio: installing ${apt_packages[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${apt_packages[@]}" >/dev/null; } \
    || echo "rucio: could not install gfal2; transfers will use a plain copy" >&2
fi

mkdir -p "$home/venvs"
exec 9>"$home/venvs/rucio.lock"
flock 9
if [[ ! -f "$marker" || "$(cat "$marker")" != "$wanted" ]]; then
  echo "rucio: installing ${requirements[*]} into $venv" >&2
  [[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
  mkdir -p "$home/logs"
  "$venv/bin/python" -m pip install --disable-pip-version-check "${requirements[@]}" \
    >"$home/logs/rucio-pip.log" 2>&1 || { cat "$home/logs/rucio-pip.log" >&2; exit 1; }
  echo "$wanted" >"$marker"
fi

# Link Debian's gfal2 extension into the venv when it was built for the same ABI.
site="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
suffix="$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')"
gfal_so="/usr/lib/python3/dist-packages/gfal2$suffix"
if [[ -f "$gfal_so" && ! -e "$site/gfal2$suffix" ]]; then
  ln -sf "$gfal_so" "$site/gfal2$suffix"
  "$venv/bin/python" -c 'import gfal2' 2>/dev/null || {
    echo "rucio: Debian's gfal2 does not load in the venv; transfers will use a plain copy" >&2
    rm -f "$site/gfal2$suffix"
  }
fi

cd "$here"
"$venv/bin/python" bootstrap.py
