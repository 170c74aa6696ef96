#!/bin/sh
# First-run setup of a Medusa store, run by the setup Job in the server image (after its init
# container saw PostgreSQL accept connections): migrations, the administrator, and what the store needs
# to sell at once (region, sales channel and publishable key, shipping option, a sample product in
# stock). Safe to run again: migrations apply only what is pending, an existing admin counts as done,
# and the seed makes only what it does not find.
# Credentials come from the environment (the store Secret); no line holding the password is printed.
set -eu

log() { printf '[setup] %s\n' "$*"; }
# Print the CLI's output without any line that contains the admin password.
redact() { grep -vF -- "$ADMIN_PASSWORD" || true; }

log "running database migrations"
# --execute-safe-links: never stop at an interactive prompt about link tables.
medusa db:migrate --execute-safe-links

log "ensuring the admin user ${ADMIN_EMAIL}"
# --option=value, not "-p value": the CLI's parser reads a separate value that starts with "-" (one
# generated password in 64) as more flags and would give the admin an empty password.
if output="$(medusa user --email="$ADMIN_EMAIL" --password="$ADMIN_PASSWORD" 2>&1)"; then
  printf '%s\n' "$output" | redact
  log "admin user created"
elif printf '%s\n' "$output" | grep -qi 'already exists'; then
  log "the admin user already exists"
else
  printf '%s\n' "$output" | redact >&2
  log "creating the admin user failed"
  exit 1
fi

log "seeding the region, sales channel, shipping and sample product"
medusa exec ./src/scripts/seed.js

log "done: store ${STORE_URL}/ admin ${STORE_URL}/app"
