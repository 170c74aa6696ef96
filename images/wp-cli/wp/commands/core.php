<?php
/** wp core install | is-installed */

namespace Storefleet\Wp;

function core_install_before_load(array $options): void {
	if (!empty($options['skip-email'])) require __DIR__ . '/../lib/skip-email.php';
}

/** Creates the tables, the site options and the administrator; a site already installed is left alone. */
function core_install(array $args, array $options): void {
	accept_options($options, ['title', 'admin_user', 'admin_password', 'admin_email', 'skip-email', 'locale']);
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	if (is_blog_installed()) {
		log_line('WordPress is already installed.');
		return;
	}
	$missing = array_filter(['title', 'admin_user', 'admin_email'], fn ($key) => !isset($options[$key]) || $options[$key] === true);
	if ($missing) error("Parameter errors:\n" . implode("\n", array_map(fn ($key) => " missing --$key parameter", $missing)));
	if (!is_email($options['admin_email'])) error("The '{$options['admin_email']}' email address is invalid.");
	if (!validate_username($options['admin_user'])) error('The username contains characters that are not allowed.');
	$password = $options['admin_password'] ?? null;
	if ($password === null || $password === true) {
		$password = wp_generate_password(18);
		log_line("Admin password: $password");
	}
	// Slashed, as WordPress's own installer passes it (passwords are compared slashed at login too).
	wp_install($options['title'], $options['admin_user'], $options['admin_email'], true, '', wp_slash($password), (string) ($options['locale'] ?? ''));
	if (!empty($GLOBALS['wpdb']->last_error)) error('Installation produced database errors, and may have partially or completely failed.');
	success('WordPress installed successfully.');
}

/** Status 0 when the site is installed, 1 when not; prints nothing (a database error prints one). */
function core_is_installed(array $args, array $options): void {
	accept_options($options, []);
	halt(is_blog_installed() ? 0 : 1);
}
