#!/usr/bin/env bash
# A throwaway PostgreSQL for the pgcheck tests.
#
#   eval "$(.ci/postgres.sh start)"   # installs PostgreSQL if missing (apt-get), starts a
#                                     # cluster in a temporary directory on 127.0.0.1 and a
#                                     # free port, prints PGCHECK_TEST_URL and PGCHECK_PGDATA
#   .ci/postgres.sh stop              # stops the cluster in $PGCHECK_PGDATA and removes it
#
# initdb refuses to run as root; as root the cluster runs as the postgres user the Debian
# package creates (or nobody). Progress goes to stderr; stdout carries only the exports.
set -euo pipefail

log() { echo "postgres.sh: $*" >&2; }

bindir() {
  if command -v initdb >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
    return
  fi
  # Debian keeps the server binaries off the PATH.
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install_postgres() {
  local sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
  log "installing PostgreSQL with apt-get"
  # The tests start their own cluster; the package need not create and start one.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    "${sudo[@]}" mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" | "${sudo[@]}" tee /etc/postgresql-common/createcluster.conf >/dev/null
  fi
  "${sudo[@]}" apt-get update -qq >&2
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >&2
}

# as_owner runs a command as the cluster's owner.
as_owner() {
  if [ "$(id -u)" -ne 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$owner" -- "$@"
  else
    su -s /bin/sh "$owner" -c "$(printf '%q ' "$@")"
  fi
}

start() {
  local bin
  bin=$(bindir)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    install_postgres
    bin=$(bindir)
  fi
  [ -x "$bin/pg_ctl" ] || { log "no initdb/pg_ctl found after installing"; exit 1; }

  owner=$(id -un)
  if [ "$(id -u)" -eq 0 ]; then
    owner=nobody
    if id postgres >/dev/null 2>&1; then owner=postgres; fi
  fi

  local base password
  base=$(mktemp -d "${TMPDIR:-/tmp}/pgcheck.XXXXXX")
  password=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$password" >"$base/pwfile"
  chmod 700 "$base"
  chmod 600 "$base/pwfile"
  [ "$(id -u)" -ne 0 ] || chown -R "$owner" "$base"

  log "initdb in $base/data as $owner ($("$bin/postgres" --version))"
  as_owner "$bin/initdb" -D "$base/data" -U opsbot --pwfile="$base/pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C --no-sync >"$base/initdb.log" 2>&1 ||
    { cat "$base/initdb.log" >&2; exit 1; }
  rm -f "$base/pwfile"

  local port tries
  for tries in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + RANDOM % 20000))
    if as_owner "$bin/pg_ctl" start -D "$base/data" -l "$base/server.log" -w -t 30 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$base -c fsync=off -c max_connections=30" \
      >&2; then
      log "PostgreSQL listens on 127.0.0.1:$port and in $base"
      printf 'export PGCHECK_TEST_URL=%q\n' "postgres://opsbot:$password@127.0.0.1:$port/postgres?sslmode=disable"
      printf 'export PGCHECK_PGDATA=%q\n' "$base/data"
      return
    fi
    log "port $port failed (try $tries):"
    tail -n 3 "$base/server.log" >&2 || true
  done
  log "PostgreSQL did not start"
  exit 1
}

stop() {
  local data=${PGCHECK_PGDATA:?PGCHECK_PGDATA is not set; nothing to stop}
  local bin
  bin=$(bindir)
  owner=$(stat -c %U "$data")
  as_owner "$bin/pg_ctl" stop -D "$data" -m fast -w >&2 || true
  rm -rf "$(dirname "$data")"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
