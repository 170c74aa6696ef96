#!/bin/sh
# First-run setup of a WooCommerce store, run by the setup Job in the wp-cli image.
# Every step looks before it changes anything, so the Job can run again against an installed site
# (a retried pod, a new Job after a values change) and still succeed.
# Credentials come from the environment (the store Secret); nothing here prints them.
set -eu

log() { printf '[setup] %s\n' "$*"; }
wp() { php -d memory_limit="${PHP_MEMORY_LIMIT:-384M}" /usr/local/bin/wp --path=/var/www/html "$@"; }

# The outcome, one line per part, in the container's termination message, where the worker reads it
# (the Job has no API access). Best effort: outside Kubernetes the file may not be writable.
outcome() {
  log "outcome: $*"
  ( printf '%s\n' "$*" >>"${SETUP_OUTCOME_FILE:-/dev/termination-log}" ) 2>/dev/null || true
}

# Runs a wp command whose failure the WooCommerce steps handle; its error output still goes to stderr,
# and its reason (the last "Error:" line, else the last line) is left in $wc_error.
wc_error=""
plugin_step() {
  errors="${TMPDIR:-/tmp}/setup-plugin-errors"
  status=0
  wp "$@" 2>"$errors" || status=$?
  cat "$errors" >&2
  [ "$status" -eq 0 ] && return 0
  wc_error="$(sed -n 's/^Error: //p' "$errors" | tail -n 1)"
  [ -n "$wc_error" ] || wc_error="$(grep -v '^[[:space:]]*$' "$errors" | tail -n 1 || true)"
  [ -n "$wc_error" ] || wc_error="wp $1 $2 exited with status ${status}"
  # One line, bounded: a termination message holds at most 4 KiB.
  wc_error="$(printf '%s' "wp $1 $2: ${wc_error}" | tr -d '\r' | tr '\n' ' ' | cut -c1-600)"
  return "$status"
}

log "waiting for the database at ${WORDPRESS_DB_HOST}"
attempt=0
until php -r '
  mysqli_report(MYSQLI_REPORT_OFF);
  $db = @mysqli_connect(getenv("WORDPRESS_DB_HOST"), getenv("WORDPRESS_DB_USER"), getenv("WORDPRESS_DB_PASSWORD"), getenv("WORDPRESS_DB_NAME"));
  exit($db ? 0 : 1);'; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge "${DB_WAIT_ATTEMPTS:-120}" ]; then
    log "the database is still unreachable after ${attempt} attempts"
    exit 1
  fi
  sleep 5
done

if wp core is-installed; then
  log "WordPress is already installed"
else
  log "installing WordPress for ${SITE_URL}"
  wp core install --url="$SITE_URL" --title="$SITE_TITLE" --admin_user="$WP_ADMIN_USER" \
    --admin_password="$WP_ADMIN_PASSWORD" --admin_email="$WP_ADMIN_EMAIL" --skip-email
fi

# An install cut short after the tables but before the user: create the administrator once.
if ! wp user get "$WP_ADMIN_USER" --field=ID >/dev/null 2>&1; then
  log "creating the administrator ${WP_ADMIN_USER}"
  wp user create "$WP_ADMIN_USER" "$WP_ADMIN_EMAIL" --role=administrator --user_pass="$WP_ADMIN_PASSWORD" --porcelain >/dev/null
fi

if [ -z "$(wp option get permalink_structure)" ]; then
  log "enabling pretty permalinks"
  wp rewrite structure '/%postname%/'
fi

outcome "wordpress: done"

# WooCommerce comes from woocommerce.source: wordpress.org (the pinned version, by slug), a URL of a zip,
# or a zip file in the image or on a mounted volume.
wc_source="${WC_SOURCE:-wordpress.org}"
wc_ok=true
if wp plugin is-installed woocommerce; then
  log "WooCommerce is already installed"
  if ! wp plugin is-active woocommerce; then
    plugin_step plugin activate woocommerce || wc_ok=false
  fi
else
  case "$wc_source" in
    wordpress.org)
      log "installing WooCommerce ${WC_VERSION:-(newest)}"
      if [ -n "${WC_VERSION:-}" ]; then
        plugin_step plugin install woocommerce --version="$WC_VERSION" --activate || wc_ok=false
      else
        plugin_step plugin install woocommerce --activate || wc_ok=false
      fi
      ;;
    *)
      log "installing WooCommerce from ${wc_source}"
      plugin_step plugin install "$wc_source" --activate || wc_ok=false
      ;;
  esac
fi

# Without the plugin: fail (woocommerce.required, the default) or finish the WordPress site and say
# that the shop was skipped and why. Never report WooCommerce as done when it is not.
if [ "$wc_ok" != true ]; then
  if [ "${WC_REQUIRED:-true}" != false ]; then
    outcome "woocommerce: failed: ${wc_error}"
    log "WooCommerce could not be installed from ${wc_source}, and woocommerce.required is true"
    exit 1
  fi
  outcome "woocommerce: skipped: ${wc_error}"
  log "skipped WooCommerce (woocommerce.required is false): the site is WordPress only, not a shop"
  log "finished: site ${SITE_URL}/ admin ${SITE_URL}/wp-admin/, without WooCommerce"
  exit 0
fi

log "enabling Cash on Delivery"
wp option update woocommerce_cod_settings --format=json \
  '{"enabled":"yes","title":"Cash on delivery","description":"Pay with cash upon delivery.","instructions":"Pay with cash upon delivery.","enable_for_methods":[],"enable_for_virtual":"yes"}'
# The store is usable at once: no "coming soon" page for visitors, no onboarding wizard redirect.
wp option update woocommerce_coming_soon no
wp option update woocommerce_onboarding_profile --format=json '{"skipped":true}'

existing="$(wp post list --post_type=product --post_status=any --meta_key=_sku --meta_value="$SAMPLE_SKU" --format=ids)"
if [ -n "$existing" ]; then
  log "the sample product exists (id ${existing})"
else
  log "creating the sample product"
  wp wc product create --user="$WP_ADMIN_USER" --name="$SAMPLE_NAME" --type=simple --status=publish \
    --sku="$SAMPLE_SKU" --regular_price="$SAMPLE_PRICE" \
    --description="A sample product created by storefleet; pay for it with Cash on Delivery." --porcelain
fi

outcome "woocommerce: done"
log "done: store ${SITE_URL}/ admin ${SITE_URL}/wp-admin/"
