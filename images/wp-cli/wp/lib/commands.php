<?php
/**
 * The commands the stand-in implements, each with the file that holds it. Only what
 * charts/woocommerce/files/setup.sh runs (plus `rewrite flush`, which `rewrite structure`
 * runs); a real WP-CLI command missing here is refused by name, never approximated.
 */

namespace Storefleet\Wp;

const COMMAND_DIR = __DIR__ . '/../commands';

/** @return array<string, array{file: string, run: string, installing?: bool, quiet_when_not_installed?: bool, before_load?: string}> */
function commands(): array {
	return [
		'core install' => ['file' => 'core.php', 'run' => __NAMESPACE__ . '\core_install', 'installing' => true, 'before_load' => __NAMESPACE__ . '\core_install_before_load'],
		'core is-installed' => ['file' => 'core.php', 'run' => __NAMESPACE__ . '\core_is_installed', 'quiet_when_not_installed' => true],
		'option get' => ['file' => 'option.php', 'run' => __NAMESPACE__ . '\option_get'],
		'option update' => ['file' => 'option.php', 'run' => __NAMESPACE__ . '\option_update'],
		'rewrite structure' => ['file' => 'option.php', 'run' => __NAMESPACE__ . '\rewrite_structure'],
		'rewrite flush' => ['file' => 'option.php', 'run' => __NAMESPACE__ . '\rewrite_flush'],
		'user get' => ['file' => 'user.php', 'run' => __NAMESPACE__ . '\user_get'],
		'user create' => ['file' => 'user.php', 'run' => __NAMESPACE__ . '\user_create'],
		'plugin is-installed' => ['file' => 'plugin.php', 'run' => __NAMESPACE__ . '\plugin_is_installed'],
		'plugin is-active' => ['file' => 'plugin.php', 'run' => __NAMESPACE__ . '\plugin_is_active'],
		'plugin activate' => ['file' => 'plugin.php', 'run' => __NAMESPACE__ . '\plugin_activate'],
		'plugin install' => ['file' => 'plugin.php', 'run' => __NAMESPACE__ . '\plugin_install'],
		'post list' => ['file' => 'post.php', 'run' => __NAMESPACE__ . '\post_list'],
		'wc product create' => ['file' => 'wc.php', 'run' => __NAMESPACE__ . '\wc_product_create'],
	];
}

/**
 * The command named by the leading arguments (longest match) and the arguments after its name.
 *
 * @return array{0: array, 1: list<string>}
 */
function find_command(array $args): array {
	$commands = commands();
	for ($words = min(3, count($args)); $words > 0; $words--) {
		$name = implode(' ', array_slice($args, 0, $words));
		if (isset($commands[$name])) {
			require_once COMMAND_DIR . '/' . $commands[$name]['file'];
			return [$commands[$name], array_slice($args, $words)];
		}
	}
	$name = implode(' ', array_slice($args, 0, 2));
	error("'$name' is not a command storefleet's wp stand-in implements (it is not WP-CLI). See 'wp help'.");
}

function help_text(): string {
	return "usage: wp <command> [--path=<dir>] [--url=<url>] [--user=<id|login|email>] [--quiet]\n\n"
		. "storefleet's stand-in for WP-CLI implements only:\n  wp " . implode("\n  wp ", array_keys(commands()))
		. "\n\n`wp plugin install` takes a .zip file or URL; it never contacts wordpress.org, so a plugin slug fails.";
}
