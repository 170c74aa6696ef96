<?php
/**
 * wp-config.php of storefleet's WordPress stand-in, with the environment contract of the official
 * image's wp-config-docker.php: every setting comes from a WORDPRESS_* variable (or the file named by
 * WORDPRESS_*_FILE) at request time, so a changed Secret needs no new file. The entrypoint replaces
 * each "put your unique phrase here" with a random value when it copies this file.
 */

if (!function_exists('getenv_docker')) {
	/** The value of $name_FILE's file, else of $name, else $default. */
	function getenv_docker($name, $default) {
		$file = getenv($name . '_FILE');
		if ($file) {
			return rtrim(file_get_contents($file), "\r\n");
		}
		$value = getenv($name);
		return $value !== false ? $value : $default;
	}
}

define('DB_NAME', getenv_docker('WORDPRESS_DB_NAME', 'wordpress'));
define('DB_USER', getenv_docker('WORDPRESS_DB_USER', 'example username'));
define('DB_PASSWORD', getenv_docker('WORDPRESS_DB_PASSWORD', 'example password'));
define('DB_HOST', getenv_docker('WORDPRESS_DB_HOST', 'mysql'));
define('DB_CHARSET', getenv_docker('WORDPRESS_DB_CHARSET', 'utf8'));
define('DB_COLLATE', getenv_docker('WORDPRESS_DB_COLLATE', ''));

define('AUTH_KEY', getenv_docker('WORDPRESS_AUTH_KEY', 'put your unique phrase here'));
define('SECURE_AUTH_KEY', getenv_docker('WORDPRESS_SECURE_AUTH_KEY', 'put your unique phrase here'));
define('LOGGED_IN_KEY', getenv_docker('WORDPRESS_LOGGED_IN_KEY', 'put your unique phrase here'));
define('NONCE_KEY', getenv_docker('WORDPRESS_NONCE_KEY', 'put your unique phrase here'));
define('AUTH_SALT', getenv_docker('WORDPRESS_AUTH_SALT', 'put your unique phrase here'));
define('SECURE_AUTH_SALT', getenv_docker('WORDPRESS_SECURE_AUTH_SALT', 'put your unique phrase here'));
define('LOGGED_IN_SALT', getenv_docker('WORDPRESS_LOGGED_IN_SALT', 'put your unique phrase here'));
define('NONCE_SALT', getenv_docker('WORDPRESS_NONCE_SALT', 'put your unique phrase here'));

$table_prefix = getenv_docker('WORDPRESS_TABLE_PREFIX', 'wp_');

define('WP_DEBUG', (bool) getenv_docker('WORDPRESS_DEBUG', ''));

// Behind a TLS-terminating proxy (the cluster's ingress), tell WordPress the page was HTTPS.
if (isset($_SERVER['HTTP_X_FORWARDED_PROTO']) && strpos($_SERVER['HTTP_X_FORWARDED_PROTO'], 'https') !== false) {
	$_SERVER['HTTPS'] = 'on';
}

$configExtra = getenv_docker('WORDPRESS_CONFIG_EXTRA', '');
if ($configExtra) {
	eval($configExtra);
}

if (!defined('ABSPATH')) {
	define('ABSPATH', __DIR__ . '/');
}

require_once ABSPATH . 'wp-settings.php';
