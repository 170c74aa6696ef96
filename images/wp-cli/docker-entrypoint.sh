#!/bin/sh
# Entrypoint of storefleet's wp-cli stand-in, as the official image's: `docker run <image> core install
# ...` or `... --info` runs wp; any other command runs as given.
set -eu
case "${1:-}" in
  -*|core|option|rewrite|user|plugin|post|wc|help) set -- wp "$@" ;;
esac
exec "$@"
