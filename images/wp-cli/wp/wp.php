#!/usr/bin/env php
<?php
/**
 * `wp`: storefleet's stand-in for WP-CLI, for machines where the real wp-cli.phar cannot be
 * downloaded. It implements exactly the commands the store chart's setup script runs
 * (charts/woocommerce/files/setup.sh), on WordPress's own PHP API, with WP-CLI's arguments, output
 * and exit statuses; anything else is refused by name. `wp help` lists them.
 */

use function Storefleet\Wp\{error, line, parse_args, register_early_hooks, set_current_user, set_request_globals, wordpress_path};
use Storefleet\Wp\Halt;

// Notices must never mix into output that scripts read (`wp option get`, `--porcelain`).
ini_set('display_errors', 'stderr');

require __DIR__ . '/lib/cli.php';
require __DIR__ . '/lib/loader.php';
require __DIR__ . '/lib/commands.php';

const GLOBAL_OPTIONS = ['path', 'url', 'user', 'quiet', 'skip-plugins', 'skip-themes', 'debug', 'color', 'no-color'];

[$storefleet_args, $storefleet_options] = parse_args(array_slice($argv, 1));
$storefleet_global = array_intersect_key($storefleet_options, array_flip(GLOBAL_OPTIONS));
$storefleet_options = array_diff_key($storefleet_options, $storefleet_global);
$GLOBALS['storefleet_wp_quiet'] = !empty($storefleet_global['quiet']);

try {
	if (($storefleet_options['version'] ?? false) === true || $storefleet_args === ['cli', 'version']) {
		line('WP-CLI stand-in 1.0 (storefleet; not WP-CLI: only the commands of `wp help`)');
		exit(0);
	}
	if ($storefleet_args === [] || $storefleet_args[0] === 'help') {
		line(Storefleet\Wp\help_text());
		exit(0);
	}
	[$storefleet_command, $storefleet_args] = Storefleet\Wp\find_command($storefleet_args);
	if (!empty($storefleet_global['skip-plugins']) || !empty($storefleet_global['skip-themes'])) {
		error('--skip-plugins and --skip-themes are not supported by storefleet\'s wp stand-in.');
	}
	$storefleet_path = wordpress_path($storefleet_global);
	set_request_globals($storefleet_path, $storefleet_global);
	register_early_hooks($storefleet_command['quiet_when_not_installed'] ?? false);
	if ($storefleet_command['installing'] ?? false) {
		// As WP-CLI does for `core install`: load WordPress without plugins and without its installer redirect.
		define('WP_INSTALLING', true);
	}
	if (isset($storefleet_command['before_load'])) ($storefleet_command['before_load'])($storefleet_options);
} catch (Halt $halt) {
	exit($halt->status);
}

// WordPress expects to be loaded in the global scope (wp-config.php sets globals such as $table_prefix).
require $storefleet_path . '/wp-load.php';
define('STOREFLEET_WP_LOADED', true);

try {
	set_current_user($storefleet_global);
	($storefleet_command['run'])($storefleet_args, $storefleet_options);
	exit(0);
} catch (Halt $halt) {
	exit($halt->status);
}
