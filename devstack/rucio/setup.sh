#!/usr/bin/env bash
# Install the dev-stack Rucio: its own venv (the server pins old urllib3/requests),
# Debian's gfal2 for the transfer step, and configs. With VRE_RUCIO_DB=postgresql
# also Debian's postgresql, psycopg in the venv, and a private cluster in
# data/rucio/pg (the database itself is created by bootstrap.py at the first start).
# Idempotent: a warm run only checks markers and takes a few seconds.
set -euo pipefail

home="${VRE_DEVSTACK_HOME:?VRE_DEVSTACK_HOME is not set}"
db="${VRE_RUCIO_DB:-sqlite}"
[[ $db == sqlite || $db == postgresql ]] \
  || { echo "rucio: VRE_RUCIO_DB must be sqlite or postgresql, not '$db'" >&2; exit 1; }
venv="$home/venvs/rucio"
rucio="rucio==41.5.1"
[[ $db == sqlite ]] || rucio="rucio[postgresql]==41.5.1"  # Rucio 41's extra: psycopg 3 (binary, pool)
requirements=("$rucio" "gunicorn==27.0.1")
pgdata="$home/data/rucio/pg"

# apt_install PACKAGE...: install what is missing (as root; `apt-get update` only if needed).
apt_install() {
  dpkg -s "$@" >/dev/null 2>&1 && return 0
  [[ $EUID -eq 0 ]] || return 1
  echo "rucio: installing $*" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

# gfal2 is optional (the transfer step falls back to a plain copy + adler32).
if [[ $EUID -eq 0 ]]; then
  apt_install python3-gfal2 gfal2-plugin-file \
    || echo "rucio: could not install gfal2; transfers will use a plain copy" >&2
fi
if [[ $db == postgresql ]]; then
  apt_install postgresql \
    || { echo "rucio: VRE_RUCIO_DB=postgresql needs Debian's postgresql (apt-get install postgresql)" >&2; exit 1; }
fi

source "$(dirname "$0")/../venv.sh"
install_venv rucio "${requirements[@]}"
# The rest (gfal2 link, PostgreSQL cluster) one setup at a time.
mkdir -p "$home/logs"
exec 9>"$home/venvs/rucio.lock"
flock 9

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

# The private PostgreSQL cluster: owned by the postgres user when we are root (PostgreSQL
# refuses to run as root), else by us. Made aside and moved into place, so a cluster is complete.
if [[ $db == postgresql && ! -d "$pgdata" ]]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  tmp="$pgdata.initdb"
  rm -rf "$tmp"
  mkdir -p -m 700 "$tmp"
  owner=()
  if [[ $EUID -eq 0 ]]; then
    chown postgres:postgres "$tmp"
    owner=(runuser -u postgres --)
  fi
  echo "rucio: initialising a PostgreSQL cluster in $pgdata" >&2
  # Socket: trusted (it is in the 0700 data directory); TCP: password (set by bootstrap.py).
  "${owner[@]}" "$bindir/initdb" -D "$tmp" -U rucio -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >"$home/logs/rucio-initdb.log" 2>&1 \
    || { cat "$home/logs/rucio-initdb.log" >&2; exit 1; }
  mv "$tmp" "$pgdata"
fi

# GeoIP: unless asked otherwise, the Rucio server sorts each file's replicas by distance, reading
# /tmp/GeoLite2-City.mmdb (a path fixed in Rucio's replica_sorter) and, when it is missing,
# trying to download it from MaxMind for every file (refused offline, and slow). MaxMind's own
# test database, shipped in the `maxminddb` source distribution, lets it sort without that.
# Shared by every dev stack on the machine (the path is Rucio's); written only when missing.
geoip=/tmp/GeoLite2-City.mmdb
if [[ ! -s $geoip ]]; then
  tmp="$(mktemp -d)"
  if "$venv/bin/python" -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: \
       "maxminddb==3.2.0" -d "$tmp" >"$home/logs/rucio-geoip.log" 2>&1; then
    tar -xzf "$tmp"/maxminddb-3.2.0.tar.gz -C "$tmp" maxminddb-3.2.0/tests/data/test-data/GeoLite2-City-Test.mmdb
    install -m 644 "$tmp"/maxminddb-3.2.0/tests/data/test-data/GeoLite2-City-Test.mmdb "$geoip.$$"
    mv "$geoip.$$" "$geoip"
  else
    echo "rucio: could not fetch MaxMind's test GeoIP database (see logs/rucio-geoip.log)" >&2
  fi
  rm -rf "$tmp"
fi
