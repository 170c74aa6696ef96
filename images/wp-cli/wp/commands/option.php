<?php
/** wp option get | update, wp rewrite structure | flush */

namespace Storefleet\Wp;

function option_get(array $args, array $options): void {
	accept_options($options, ['format']);
	require_args($args, 1, 'option get <key> [--format=<format>]');
	$value = get_option($args[0]);
	if ($value === false) error("Could not get '{$args[0]}' option. Does it exist?");
	print_value($value, $options);
}

/** The value from the argument or stdin; --format=json decodes it. "Unchanged" is a success, as in WP-CLI. */
function option_update(array $args, array $options): void {
	accept_options($options, ['format', 'autoload']);
	require_args($args, 1, 'option update <key> [<value>] [--autoload=<autoload>] [--format=<format>]');
	$key = $args[0];
	$value = $args[1] ?? stream_get_contents(STDIN);
	if (($options['format'] ?? 'plaintext') === 'json') {
		$value = json_decode($value, true);
		if ($value === null && json_last_error() !== JSON_ERROR_NONE) error('Invalid JSON: ' . json_last_error_msg());
	}
	$autoload = isset($options['autoload']) ? $options['autoload'] === 'yes' : null;
	$value = sanitize_option($key, $value);
	$old = sanitize_option($key, get_option($key));
	if ($value === $old && $autoload === null) {
		success("Value passed for '$key' option is unchanged.");
	} elseif (update_option($key, $value, $autoload)) {
		success("Updated '$key' option.");
	} else {
		error("Could not update option '$key'.");
	}
}

function rewrite_structure(array $args, array $options): void {
	accept_options($options, ['category-base', 'tag-base', 'hard']);
	require_args($args, 1, 'rewrite structure <permastruct> [--category-base=<base>] [--tag-base=<base>] [--hard]');
	global $wp_rewrite;
	$wp_rewrite->set_permalink_structure($args[0]);
	if (isset($options['category-base'])) $wp_rewrite->set_category_base($options['category-base']);
	if (isset($options['tag-base'])) $wp_rewrite->set_tag_base($options['tag-base']);
	success('Rewrite structure set.');
	rewrite_flush([], array_intersect_key($options, ['hard' => true]));
}

function rewrite_flush(array $args, array $options): void {
	accept_options($options, ['hard']);
	// Writing .htaccess (--hard) needs the admin helpers WordPress loads only in wp-admin.
	if (!empty($options['hard'])) require_once ABSPATH . 'wp-admin/includes/admin.php';
	flush_rewrite_rules(!empty($options['hard']));
	success('Rewrite rules flushed.');
}
