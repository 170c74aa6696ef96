#!/bin/bash
# healthcheck.sh of storefleet's MariaDB stand-in: the tests the store chart's probes run, with the
# official image's options and exit codes (0 healthy, 1 not). Tests run in the order given; every one
# must pass. Credentials come from the healthcheck user the entrypoint wrote to .my-healthcheck.cnf.
#   --connect                    a TCP connection to localhost is accepted (a refused login still counts:
#                                the server is up and listening)
#   --innodb_initialized         InnoDB finished starting (crash recovery included)
#   --innodb_buffer_pool_loaded  the buffer pool dump was loaded
#   --datadir=DIR, --no-connect, --su-mysql as upstream; any other test is refused.
set -Eeuo pipefail

datadir=/var/lib/mysql
connect_result=''

client() {
  local defaults=()
  if [ -f "$datadir/.my-healthcheck.cnf" ]; then defaults=(--defaults-extra-file="$datadir/.my-healthcheck.cnf"); fi
  mariadb "${defaults[@]}" --skip-ssl "$@"
}

connect() {
  local answer
  answer="$(client -h localhost --protocol tcp --skip-column-names --batch -e 'select @@skip_networking' 2>&1)" || true
  case "$answer" in
    0 | ERROR\ 1[0-9][0-9][0-9]\ \(28000\):* | ERROR\ 1820\ * | ERROR\ 4151\ * | ERROR\ 1226\ *) connect_result=0 ;;
    *) connect_result=1 ;;
  esac
  return "$connect_result"
}

innodb_initialized() {
  [ "$(client --protocol socket --skip-column-names --batch -e "select 1 from information_schema.ENGINES where engine='innodb' and support in ('YES', 'DEFAULT', 'ENABLED')")" = 1 ]
}

innodb_buffer_pool_loaded() {
  [[ "$(client --protocol socket --skip-column-names --batch -e "select VARIABLE_VALUE from information_schema.GLOBAL_STATUS where VARIABLE_NAME='Innodb_buffer_pool_load_status'")" =~ 'load completed' ]]
}

if [ $# -eq 0 ]; then
  echo "At least one argument required" >&2
  exit 1
fi
while [ $# -gt 0 ]; do
  test=''
  case "$1" in
    --su-mysql) shift; exec setpriv --reuid=mysql --regid=mysql --init-groups "${BASH_SOURCE[0]}" "$@" ;;
    --datadir=*) datadir="${1#*=}" ;;
    --datadir) shift; datadir="$1" ;;
    --no-connect) connect_result=0 ;;
    --connect | --innodb_initialized | --innodb_buffer_pool_loaded) test="${1#--}" ;;
    *) echo "healthcheck unknown option or test '$1' (storefleet's stand-in has connect, innodb_initialized, innodb_buffer_pool_loaded)" >&2; exit 1 ;;
  esac
  if [ -n "$test" ] && ! "$test"; then
    echo "healthcheck $test failed" >&2
    exit 1
  fi
  shift
done
# Without a passed connect test a success says little: answer what connect says, as upstream does.
if [ "$connect_result" != 0 ]; then
  connect
  exit $?
fi
