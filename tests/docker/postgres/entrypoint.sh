#!/bin/bash
# First boot (an empty PGDATA): initdb with POSTGRES_PASSWORD for POSTGRES_USER, then POSTGRES_DB, password (scram)
# authentication over TCP from anywhere on the container's networks; then `postgres` listening on 5432. The password
# goes to initdb through a private file, never an argument.
set -euo pipefail
if [ $# -gt 0 ] && [ "$1" != postgres ]; then exec "$@"; fi
[ $# -gt 0 ] && shift
user="${POSTGRES_USER:-postgres}"; db="${POSTGRES_DB:-$user}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  [ -n "${POSTGRES_PASSWORD:-}" ] || { echo "POSTGRES_PASSWORD is not set: a first boot needs it." >&2; exit 1; }
  pwfile=$(mktemp); chmod 600 "$pwfile"; printf '%s\n' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb -D "$PGDATA" -U "$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pwfile"
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    postgres -D "$PGDATA" -c listen_addresses='' -k /var/run/postgresql & pid=$!
    for _ in $(seq 1 60); do pg_isready -q -h /var/run/postgresql && break; sleep 0.5; done
    psql -h /var/run/postgresql -U "$user" -d postgres -v ON_ERROR_STOP=1 -q -c "CREATE DATABASE \"$db\""
    kill -INT "$pid"; wait "$pid" || true
  fi
  echo "postgres-entrypoint: initialised $PGDATA (user $user, database $db)"
fi
unset POSTGRES_PASSWORD
exec postgres -D "$PGDATA" -c listen_addresses='*' -k /var/run/postgresql "$@"
