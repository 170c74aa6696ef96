#!/bin/bash
# Entrypoint of storefleet's WordPress stand-in, with the official image's contract: before Apache
# starts (or, called as docker-ensure-installed.sh, before any command) copy WordPress core from
# /usr/src/wordpress into the working directory when it holds none, and write wp-config.php from
# wp-config-docker.php when it is missing and WORDPRESS_* variables are set. Then exec the command.
set -Eeuo pipefail

ensure_installed() {
  local uid gid user group
  uid="$(id -u)"
  gid="$(id -g)"
  if [ "$uid" = 0 ]; then
    user="${APACHE_RUN_USER:-www-data}"
    group="${APACHE_RUN_GROUP:-www-data}"
    user="${user#'#'}"
    group="${group#'#'}"
  else
    user="$uid"
    group="$gid"
  fi

  if [ ! -e index.php ] && [ ! -e wp-includes/version.php ]; then
    if [ "$uid" = 0 ] && [ "$(stat -c '%u:%g' .)" = 0:0 ]; then chown "$user:$group" .; fi
    echo >&2 "WordPress not found in $PWD - copying now..."
    if [ -n "$(find . -mindepth 1 -maxdepth 1 -not -name wp-content)" ]; then
      echo >&2 "WARNING: $PWD is not empty! (copying anyhow)"
    fi
    local source_args=(--create --file - --directory /usr/src/wordpress --owner "$user" --group "$group")
    local target_args=(--extract --file -)
    # A non-root uid may not set times or modes of directories it does not own (the mount points).
    if [ "$uid" != 0 ]; then target_args+=(--no-overwrite-dir --touch); fi
    # Plugins, themes and .htaccess already present (wp-content is a volume) are the site's: keep them.
    local content
    for content in /usr/src/wordpress/.htaccess /usr/src/wordpress/wp-content/*/*/; do
      content="${content%/}"
      [ -e "$content" ] || continue
      content="${content#/usr/src/wordpress/}"
      if [ -e "$PWD/$content" ]; then
        echo >&2 "WARNING: '$PWD/$content' exists! (not copying the WordPress version)"
        source_args+=(--exclude "./$content")
      fi
    done
    # The mount points themselves (. and wp-content) are never entries: Debian's tar 1.34 still tries
    # to chmod an existing directory under --no-overwrite-dir, which a uid that does not own it may not.
    (cd /usr/src/wordpress && { find . -mindepth 1 -maxdepth 1 ! -name wp-content; find ./wp-content -mindepth 1 -maxdepth 1; }) \
      | tar "${source_args[@]}" --files-from - | tar "${target_args[@]}"
    echo >&2 "Complete! WordPress has been successfully copied to $PWD"
  fi

  local wp_envs=()
  mapfile -t wp_envs < <(compgen -e | grep '^WORDPRESS_' || true)
  if [ ! -s wp-config.php ] && [ "${#wp_envs[@]}" -gt 0 ]; then
    local template
    for template in wp-config-docker.php /usr/src/wordpress/wp-config-docker.php; do
      [ -s "$template" ] || continue
      echo >&2 "No 'wp-config.php' found in $PWD, but 'WORDPRESS_...' variables supplied; copying '$template' (${wp_envs[*]})"
      # Every placeholder key and salt gets its own random value, used when no WORDPRESS_*_KEY/SALT is set.
      awk '
        /put your unique phrase here/ {
          cmd = "head -c1m /dev/urandom | sha1sum | cut -d\\  -f1"
          cmd | getline str
          close(cmd)
          gsub("put your unique phrase here", str)
        }
        { print }
      ' "$template" >wp-config.php
      if [ "$uid" = 0 ]; then chown "$user:$group" wp-config.php || true; fi
      break
    done
  fi
}

if [[ "${1:-}" == apache2* ]] || [ "$(basename "$0")" = docker-ensure-installed.sh ]; then
  ensure_installed
fi
exec "$@"
