#!/bin/sh
# Initialises PGDATA on the first start, then runs postgres (see the Containerfile for what is honoured).
set -eu

# Options alone ("-c shared_buffers=128MB") are postgres's.
if [ "${1#-}" != "$1" ]; then set -- postgres "$@"; fi

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "error: the database is uninitialised and POSTGRES_PASSWORD is not set" >&2
    exit 1
  fi
  user="${POSTGRES_USER:-postgres}"
  database="${POSTGRES_DB:-$user}"
  mkdir -p "$PGDATA"
  chmod 0700 "$PGDATA"
  pwfile="$(mktemp)"
  printf '%s' "$POSTGRES_PASSWORD" > "$pwfile"
  initdb --pgdata="$PGDATA" --username="$user" --pwfile="$pwfile" --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8
  rm -f "$pwfile"
  echo "listen_addresses = '*'" >> "$PGDATA/postgresql.conf"
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  # A temporary server on the socket only: nothing can connect before the database exists.
  pg_ctl --pgdata="$PGDATA" --options="-c listen_addresses='' -k /var/run/postgresql" --wait start
  if [ "$database" != postgres ]; then
    # From stdin, where psql quotes the variable as an identifier (it does not with -c).
    echo 'CREATE DATABASE :"db";' |
      psql -v ON_ERROR_STOP=1 --host=/var/run/postgresql --username="$user" --dbname=postgres --set=db="$database"
  fi
  pg_ctl --pgdata="$PGDATA" --mode=fast --wait stop
  echo "PostgreSQL initialised: user ${user}, database ${database}"
fi

exec "$@"
