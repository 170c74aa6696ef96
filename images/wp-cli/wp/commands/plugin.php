<?php
/**
 * wp plugin is-installed | is-active | activate | install. Plugins are named as WP-CLI names them: the
 * plugin's directory, or its file without ".php" for a single-file plugin.
 */

namespace Storefleet\Wp;

/** The plugin file (relative to the plugins directory) of a plugin name, or null. */
function plugin_file(string $name): ?string {
	require_once ABSPATH . 'wp-admin/includes/plugin.php';
	foreach (array_keys(get_plugins()) as $file) {
		$slug = str_contains($file, '/') ? dirname($file) : basename($file, '.php');
		if ($slug === $name) return $file;
	}
	return null;
}

function plugin_is_installed(array $args, array $options): void {
	accept_options($options, []);
	require_args($args, 1, 'plugin is-installed <plugin>');
	halt(plugin_file($args[0]) ? 0 : 1);
}

function plugin_is_active(array $args, array $options): void {
	accept_options($options, ['network']);
	require_args($args, 1, 'plugin is-active <plugin>');
	$file = plugin_file($args[0]);
	halt($file && is_plugin_active($file) ? 0 : 1);
}

function plugin_activate(array $args, array $options): void {
	accept_options($options, ['network', 'all']);
	require_args($args, 1, 'plugin activate <plugin>...');
	$activated = 0;
	foreach ($args as $name) {
		$file = plugin_file($name);
		if (!$file) {
			warning("The '$name' plugin could not be found.");
		} elseif (is_plugin_active($file)) {
			warning("Plugin '$name' is already active.");
			$activated++;
		} else {
			$result = activate_plugin($file);
			if (is_wp_error($result)) {
				warning('Failed to activate plugin. ' . plain_message($result));
			} else {
				log_line("Plugin '$name' activated.");
				$activated++;
			}
		}
	}
	if ($activated === 0) error('No plugins activated.');
	success("Activated $activated of " . count($args) . ' plugins.');
	if ($activated < count($args)) halt(1);
}

/**
 * Installs from a .zip file or a URL with WordPress's own Plugin_Upgrader. A slug would be looked up
 * on wordpress.org, which this stand-in never contacts: that fails with the reason, never pretends.
 */
function plugin_install(array $args, array $options): void {
	accept_options($options, ['version', 'force', 'activate', 'activate-network', 'insecure']);
	require_args($args, 1, 'plugin install <plugin|zip|url>... [--version=<version>] [--force] [--activate]');
	$failures = [];
	foreach ($args as $package) {
		$is_url = (bool) preg_match('#^https?://#', $package);
		if (!$is_url && !str_ends_with(strtolower($package), '.zip')) {
			$failures[] = "'$package' cannot be installed here: storefleet's wp stand-in installs plugins only from a .zip file or a URL, "
				. 'and never contacts wordpress.org, where plugin slugs are looked up'
				. (isset($options['version']) ? " (version {$options['version']})" : '')
				. '. Give the plugin as a .zip (a file in the image or a volume) or a URL.';
			continue;
		}
		if (!$is_url && !is_file($package)) {
			$failures[] = "File doesn't exist: $package";
			continue;
		}
		$file = install_package($package, !empty($options['force']));
		if (is_wp_error($file)) {
			$failures[] = 'Plugin installation failed: ' . plain_message($file);
		} elseif (!empty($options['activate'])) {
			plugin_activate([dirname($file) === '.' ? basename($file, '.php') : dirname($file)], []);
		}
	}
	$installed = count($args) - count($failures);
	// One plugin asked for: its reason is the error line, so a log tail shows why.
	if (count($args) === 1 && $failures) error($failures[0]);
	array_map(__NAMESPACE__ . '\warning', $failures);
	if ($failures) error("Installed $installed of " . count($args) . ' plugins.');
	success("Installed $installed of " . count($args) . ' plugins.');
}

/** The installed plugin's file, or why it failed. */
function install_package(string $package, bool $force): string|\WP_Error {
	require_once ABSPATH . 'wp-admin/includes/admin.php';
	require_once ABSPATH . 'wp-admin/includes/class-wp-upgrader.php';
	require_once __DIR__ . '/plugin-skin.php';
	$skin = new CliUpgraderSkin();
	$upgrader = new \Plugin_Upgrader($skin);
	$result = $upgrader->install($package, ['overwrite_package' => $force]);
	if (is_wp_error($result)) return $result;
	if (!$result) return is_wp_error($skin->result) ? $skin->result : new \WP_Error('install_failed', 'the upgrader gave no reason');
	return $upgrader->plugin_info() ?: new \WP_Error('no_plugin', 'the package holds no plugin');
}
