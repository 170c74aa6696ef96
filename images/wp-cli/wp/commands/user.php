<?php
/** wp user get | create */

namespace Storefleet\Wp;

const USER_FIELDS = ['ID', 'user_login', 'display_name', 'user_email', 'user_registered', 'roles'];

/** One user by ID, login or email: --field=<field> prints that value alone. */
function user_get(array $args, array $options): void {
	accept_options($options, ['field', 'fields', 'format']);
	require_args($args, 1, 'user get <user> [--field=<field>] [--fields=<fields>] [--format=<format>]');
	$user = find_user($args[0]);
	if (!$user) error("Invalid user ID, email or login: '{$args[0]}'");
	$data = (array) $user->data;
	$data['ID'] = (int) $user->ID;
	$data['roles'] = implode(', ', $user->roles);
	unset($data['user_pass'], $data['user_activation_key']);
	if (isset($options['field'])) {
		$field = (string) $options['field'];
		if (!array_key_exists($field, $data)) error("Invalid field: $field.");
		line((string) $data[$field]);
		return;
	}
	$fields = isset($options['fields']) ? explode(',', (string) $options['fields']) : USER_FIELDS;
	$format = (string) ($options['format'] ?? 'table');
	if ($format === 'json') {
		line(json_encode(array_intersect_key($data, array_flip($fields))));
		return;
	}
	print_rows(array_map(fn ($field) => ['Field' => $field, 'Value' => $data[$field] ?? ''], $fields), ['Field', 'Value'], $format);
}

/** A new user; --porcelain prints only its ID. A password is generated (and printed) when none is given. */
function user_create(array $args, array $options): void {
	accept_options($options, ['role', 'user_pass', 'user_registered', 'display_name', 'user_nicename', 'user_url', 'nickname', 'first_name', 'last_name', 'description', 'send-email', 'porcelain']);
	require_args($args, 2, 'user create <user-login> <user-email> [--role=<role>] [--user_pass=<password>] [--porcelain]');
	[$login, $email] = $args;
	if (!is_email($email)) error("The '$email' email address is invalid.");
	$role = $options['role'] ?? get_option('default_role');
	if ($role && !get_role($role)) error("Role doesn't exist: $role");
	$generated = !isset($options['user_pass']);
	$password = $generated ? wp_generate_password(24) : (string) $options['user_pass'];
	$fields = array_intersect_key($options, array_flip(['user_registered', 'display_name', 'user_nicename', 'user_url', 'nickname', 'first_name', 'last_name', 'description']));
	// wp_insert_user() takes slashed data, as WordPress's forms pass it; the login form compares the
	// password slashed too, so one with quotes or backslashes still logs in.
	$user_id = wp_insert_user(wp_slash(array_merge($fields, ['user_login' => $login, 'user_email' => $email, 'user_pass' => $password, 'role' => $role])));
	if (is_wp_error($user_id)) error(plain_message($user_id));
	if (!empty($options['send-email'])) wp_new_user_notification($user_id, null, 'both');
	if (!empty($options['porcelain'])) {
		line((string) $user_id);
		return;
	}
	success("Created user $user_id.");
	if ($generated) line("Password: $password");
}
