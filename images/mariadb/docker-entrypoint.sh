#!/bin/bash
# Entrypoint of storefleet's MariaDB stand-in: the contract of the official image's entrypoint (see the
# Containerfile for what is honoured), written for Debian's MariaDB 10.11. Initialises an empty data
# directory once from the environment, upgrades an older one when MARIADB_AUTO_UPGRADE is set, then
# execs the server. Never prints a password unless MARIADB_RANDOM_ROOT_PASSWORD asks it to.
set -eo pipefail
shopt -s nullglob

note() { printf '%s [Note] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*"; }
fail() { printf '%s [ERROR] [Entrypoint]: %s\n' "$(date --rfc-3339=seconds)" "$*" >&2; exit 1; }

# VAR from VAR or the file named by VAR_FILE (not both).
file_env() {
  local var="$1" file_var="${1}_FILE" value="${2:-}"
  if [ -n "${!var:-}" ] && [ -n "${!file_var:-}" ]; then fail "both $var and $file_var are set (they are exclusive)"; fi
  if [ -n "${!var:-}" ]; then value="${!var}"; elif [ -n "${!file_var:-}" ]; then value="$(<"${!file_var}")"; fi
  export "$var"="$value"
  unset "$file_var"
}

# MARIADB_X from MARIADB_X, else MYSQL_X (or their _FILE forms); both names end up with the value.
mariadb_env() {
  local mysql_var="MYSQL_$1" maria_var="MARIADB_$1"
  file_env "$mysql_var" "${2:-}"
  file_env "$maria_var" "${!mysql_var}"
  export "$mysql_var"="${!maria_var}"
}

# "mariadbd --verbose --help" prints the effective value of every option, config files included.
server_option() {
  "${@:2}" --verbose --help 2>/dev/null | awk -v name="$1" '$1 == name && /^[^ \t]/ { sub(/^[^ \t]+[ \t]+/, ""); print; exit }'
}

setup_env() {
  DATADIR="$(server_option datadir "$@")"
  SOCKET="$(server_option socket "$@")"
  PORT="$(server_option port "$@")"
  mariadb_env ROOT_HOST '%'
  mariadb_env DATABASE
  mariadb_env USER
  mariadb_env PASSWORD
  mariadb_env ROOT_PASSWORD
  : "${MARIADB_ALLOW_EMPTY_ROOT_PASSWORD:=${MYSQL_ALLOW_EMPTY_PASSWORD:-}}"
  : "${MARIADB_RANDOM_ROOT_PASSWORD:=${MYSQL_RANDOM_ROOT_PASSWORD:-}}"
  : "${MARIADB_INITDB_SKIP_TZINFO:=${MYSQL_INITDB_SKIP_TZINFO:-}}"
  local unsupported
  for unsupported in MARIADB_ROOT_PASSWORD_HASH MARIADB_PASSWORD_HASH MARIADB_REPLICATION_USER MARIADB_MASTER_HOST MARIADB_MYSQL_LOCALHOST_USER; do
    if [ -n "${!unsupported:-}" ] || [ -n "$(eval echo "\${${unsupported}_FILE:-}")" ]; then
      fail "$unsupported is not supported by storefleet's MariaDB stand-in (see the top of its Containerfile)"
    fi
  done
}

# Runs SQL from stdin as root over the socket; --no-password before the root password is set.
sql() {
  local password="$MARIADB_ROOT_PASSWORD"
  if [ "$1" = --no-password ]; then password=''; shift; fi
  MYSQL_PWD="$password" mariadb --protocol=socket -uroot -hlocalhost --socket="$SOCKET" "$@"
}

escape() { local v="${1//\\/\\\\}"; v="${v//$'\n'/\\n}"; printf '%s' "${v//\'/\\\'}"; }

temp_server_start() {
  "$@" --skip-networking --default-time-zone=SYSTEM --socket="$SOCKET" --wsrep_on=OFF --expire-logs-days=0 \
    --loose-innodb_buffer_pool_load_at_startup=0 &
  SERVER_PID=$!
  note "waiting for the temporary server"
  local password_flag=() i
  if [ -z "$DATABASE_EXISTS" ]; then password_flag=(--no-password); fi
  for i in {30..0}; do
    if sql "${password_flag[@]}" --database=mysql <<<'SELECT 1' &>/dev/null; then return; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then fail "the temporary server exited"; fi
    sleep 1
  done
  fail "the temporary server did not start within 30 s"
}

temp_server_stop() { kill "$SERVER_PID"; wait "$SERVER_PID"; }

# SQL creating the healthcheck users; their credentials go to $DATADIR/.my-healthcheck.cnf for healthcheck.sh.
healthcheck_users_sql() {
  local password host
  password="$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)"
  for host in 127.0.0.1 ::1 localhost; do
    echo "CREATE USER IF NOT EXISTS healthcheck@'$host' IDENTIFIED BY '$password';"
    echo "SET PASSWORD FOR healthcheck@'$host' = PASSWORD('$password');"
    echo "GRANT ${MARIADB_HEALTHCHECK_GRANTS:-USAGE} ON *.* TO healthcheck@'$host';"
  done
  (umask 0077; printf '[mariadb-client]\nport=%s\nsocket=%s\nuser=healthcheck\npassword=%s\n' "$PORT" "$SOCKET" "$password" >"$DATADIR/.my-healthcheck.cnf")
}

init_database() {
  if [ -z "$MARIADB_ROOT_PASSWORD" ] && [ -z "$MARIADB_ALLOW_EMPTY_ROOT_PASSWORD" ] && [ -z "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    fail $'the database is uninitialized and no password option is set\n\tset one of MARIADB_ROOT_PASSWORD, MARIADB_ALLOW_EMPTY_ROOT_PASSWORD and MARIADB_RANDOM_ROOT_PASSWORD'
  fi
  note "initializing database files in $DATADIR"
  mariadb-install-db --datadir="$DATADIR" --rpm --auth-root-authentication-method=normal "${@:2}" \
    --skip-test-db --default-time-zone=SYSTEM --enforce-storage-engine= --skip-log-bin --expire-logs-days=0 \
    --loose-innodb_buffer_pool_load_at_startup=0 --loose-innodb_buffer_pool_dump_at_shutdown=0 >/dev/null
  temp_server_start "$@"
  if [ -z "$MARIADB_INITDB_SKIP_TZINFO" ]; then
    "$(command -v mariadb-tzinfo-to-sql || command -v mysql_tzinfo_to_sql)" --skip-write-binlog /usr/share/zoneinfo 2>/dev/null \
      | sql --no-password --database=mysql
  fi
  if [ -n "$MARIADB_RANDOM_ROOT_PASSWORD" ]; then
    MARIADB_ROOT_PASSWORD="$(head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32)"
    export MARIADB_ROOT_PASSWORD MYSQL_ROOT_PASSWORD="$MARIADB_ROOT_PASSWORD"
    note "GENERATED ROOT PASSWORD: $MARIADB_ROOT_PASSWORD"
  fi
  local root_password root_host="$MARIADB_ROOT_HOST" statements=()
  root_password="$(escape "$MARIADB_ROOT_PASSWORD")"
  statements+=("DROP USER IF EXISTS root@'127.0.0.1', root@'::1';")
  statements+=("EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS root@\\'', @@hostname, '\\'');")
  statements+=("SET PASSWORD FOR 'root'@'localhost' = PASSWORD('$root_password');")
  if [ -n "$root_host" ] && [ "$root_host" != localhost ]; then
    statements+=("CREATE USER 'root'@'$root_host' IDENTIFIED BY '$root_password';")
    statements+=("GRANT ALL ON *.* TO 'root'@'$root_host' WITH GRANT OPTION;")
    statements+=("GRANT PROXY ON ''@'%' TO 'root'@'$root_host' WITH GRANT OPTION;")
  fi
  statements+=("$(healthcheck_users_sql)")
  if [ -n "$MARIADB_DATABASE" ]; then
    note "creating database $MARIADB_DATABASE"
    statements+=("CREATE DATABASE IF NOT EXISTS \`$MARIADB_DATABASE\`;")
  fi
  if [ -n "$MARIADB_USER" ] && [ -n "$MARIADB_PASSWORD" ]; then
    note "creating user $MARIADB_USER"
    statements+=("CREATE USER '$MARIADB_USER'@'%' IDENTIFIED BY '$(escape "$MARIADB_PASSWORD")';")
    if [ -n "$MARIADB_DATABASE" ]; then statements+=("GRANT ALL ON \`${MARIADB_DATABASE//_/\\_}\`.* TO '$MARIADB_USER'@'%';"); fi
  fi
  printf '%s\n' "SET @@SESSION.SQL_LOG_BIN=0;" "SET @@SESSION.SQL_MODE=REPLACE(@@SESSION.SQL_MODE, 'NO_BACKSLASH_ESCAPES', '');" \
    "${statements[@]}" | sql --no-password --database=mysql --binary-mode
  run_init_files /docker-entrypoint-initdb.d/*
  temp_server_stop
  note "MariaDB init process done; ready for start up"
}

run_init_files() {
  local file
  for file; do
    case "$file" in
      *.sh) note "running $file"; if [ -x "$file" ]; then "$file"; else . "$file"; fi ;;
      *.sql) note "running $file"; sql ${MARIADB_DATABASE:+--database="$MARIADB_DATABASE"} <"$file" ;;
      *.sql.gz) note "running $file"; gunzip -c "$file" | sql ${MARIADB_DATABASE:+--database="$MARIADB_DATABASE"} ;;
      *) note "ignoring $file" ;;
    esac
  done
}

# An older release's data directory (major.minor below ours) or no healthcheck users yet.
upgrade_needed() {
  [ -f "$DATADIR/.my-healthcheck.cnf" ] || return 0
  local info="$DATADIR/mariadb_upgrade_info" old new
  [ -f "$info" ] || info="$DATADIR/mysql_upgrade_info"
  [ -f "$info" ] || return 0
  IFS='.-' read -ra old <"$info" || true
  IFS='.-' read -ra new <<<"$(mariadbd --version | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)"
  [ "${#old[@]}" -lt 2 ] && return 0
  ((old[0] < new[0] || (old[0] == new[0] && old[1] < new[1])))
}

upgrade_database() {
  if [ -z "$MARIADB_AUTO_UPGRADE" ] || [ "$MARIADB_AUTO_UPGRADE" = 0 ]; then
    note "an upgrade (mariadb-upgrade or the healthcheck users) is needed but MARIADB_AUTO_UPGRADE is not set"
    return
  fi
  temp_server_start "$@" --skip-grant-tables --loose-innodb_buffer_pool_dump_at_shutdown=0
  if [ ! -f "$DATADIR/.my-healthcheck.cnf" ]; then
    note "creating the healthcheck users"
    printf '%s\n' "SET @@SESSION.SQL_LOG_BIN=0;" "FLUSH PRIVILEGES;" "$(healthcheck_users_sql)" | sql --no-password --binary-mode
  fi
  note "running mariadb-upgrade"
  MYSQL_PWD='' mariadb-upgrade --upgrade-system-tables --socket="$SOCKET" -uroot
  temp_server_stop
}

main() {
  if [ "${1:0:1}" = '-' ]; then set -- mariadbd "$@"; fi
  if [ "$1" = mariadbd ] || [ "$1" = mysqld ]; then
    local arg
    for arg; do case "$arg" in -'?' | --help | --print-defaults | -V | --version) exec "$@" ;; esac; done
    setup_env "$@"
    DATABASE_EXISTS=''
    if [ -d "$DATADIR/mysql" ]; then DATABASE_EXISTS=true; fi
    if [ "$(id -u)" = 0 ]; then
      mkdir -p "$DATADIR"
      find "$DATADIR" \! -user mysql -exec chown mysql:mysql '{}' +
      note "switching to the mysql user"
      exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@"
    fi
    if [ -z "$DATABASE_EXISTS" ]; then
      init_database "$@"
    elif upgrade_needed; then
      upgrade_database "$@"
    fi
  fi
  exec "$@"
}

main "$@"
