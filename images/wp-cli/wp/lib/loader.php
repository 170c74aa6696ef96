<?php
/**
 * Everything that has to happen before WordPress loads, the way WP-CLI prepares it: the request
 * globals a CLI run lacks, and hooks registered ahead of time (WordPress reads a pre-filled
 * $wp_filter) so that wp_die() and the "not installed" redirect become WP-CLI errors with exit
 * status 1 instead of an HTML page and status 0.
 */

namespace Storefleet\Wp;

/** The WordPress directory: --path, else the working directory; refuses one without WordPress. */
function wordpress_path(array $options): string {
	$path = rtrim((string) ($options['path'] ?? getcwd()), '/');
	if (!is_file("$path/wp-load.php")) {
		error("This does not seem to be a WordPress installation.\nPass --path=`path/to/wordpress` (storefleet's stand-in cannot run `wp core download`).");
	}
	if (!is_file("$path/wp-config.php") && !is_file(dirname($path) . '/wp-config.php')) {
		error("'wp-config.php' not found.\nEither create one manually or use `wp config create`.");
	}
	return $path;
}

/** $_SERVER as a request for --url (default http://localhost/) would have it, as WP-CLI sets it. */
function set_request_globals(string $path, array $options): void {
	$url = parse_url((string) ($options['url'] ?? 'http://localhost/'));
	if (!$url || empty($url['host'])) error("Invalid --url: {$options['url']}");
	$https = ($url['scheme'] ?? 'http') === 'https';
	$port = $url['port'] ?? ($https ? 443 : 80);
	$host = $url['host'] . (isset($url['port']) ? ":$port" : '');
	$base = rtrim($url['path'] ?? '', '/');
	$_SERVER['HTTP_HOST'] = $host;
	$_SERVER['SERVER_NAME'] = $url['host'];
	$_SERVER['SERVER_PORT'] = (string) $port;
	$_SERVER['REQUEST_URI'] = "$base/";
	$_SERVER['QUERY_STRING'] = '';
	$_SERVER['PHP_SELF'] = "$base/index.php";
	$_SERVER['SCRIPT_NAME'] = "$base/index.php";
	$_SERVER['SCRIPT_FILENAME'] = "$path/index.php";
	$_SERVER['REQUEST_METHOD'] = 'GET';
	$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
	$_SERVER['REMOTE_ADDR'] = '127.0.0.1';
	$_SERVER['HTTP_USER_AGENT'] = 'storefleet-wp-cli';
	if ($https) $_SERVER['HTTPS'] = 'on';
}

/** Adds a hook before WordPress has loaded its plugin API (it picks these up from $wp_filter). */
function add_early_filter(string $hook, callable $callback, int $accepted_args = 1): void {
	$GLOBALS['wp_filter'][$hook][10][] = ['function' => $callback, 'accepted_args' => $accepted_args];
}

/**
 * @param bool $quiet_when_not_installed `core is-installed` answers "no" with status 1 and no message.
 */
function register_early_hooks(bool $quiet_when_not_installed): void {
	// wp_die() (a database that cannot be reached, a missing table) is an error, not an HTML page.
	add_early_filter('wp_die_handler', fn () => function ($message, $title = '') {
		$text = plain_message($message) ?: plain_message($title);
		fwrite(STDERR, 'Error: ' . ($text ?: 'WordPress stopped (wp_die).') . "\n");
		exit(1);
	});
	// While WordPress loads, its only redirect is the one to wp-admin/install.php: the site is not installed.
	add_early_filter('wp_redirect', function ($location) use ($quiet_when_not_installed) {
		if (defined('STOREFLEET_WP_LOADED')) return $location;
		if (!$quiet_when_not_installed) {
			fwrite(STDERR, "Error: The site you have requested is not installed.\nRun `wp core install` to create database tables.\n");
		}
		exit(1);
	});
	// Files are written directly, as WP-CLI does (no FTP credentials in a terminal).
	add_early_filter('filesystem_method', fn () => 'direct');
}

/** Sets the current user from --user (an ID, login or email), as WP-CLI does. */
function set_current_user(array $options): void {
	if (!isset($options['user'])) return;
	$user = find_user((string) $options['user']);
	if (!$user) error("Invalid user ID, email or login: '{$options['user']}'");
	wp_set_current_user($user->ID);
}

function find_user(string $key): ?\WP_User {
	if (ctype_digit($key)) {
		$user = get_user_by('id', (int) $key);
	} elseif (is_email($key)) {
		$user = get_user_by('email', $key);
	} else {
		$user = get_user_by('login', $key);
	}
	return $user ?: null;
}
