<?php
/**
 * wp wc product create: WooCommerce's own WP-CLI commands call its REST API in-process; so does this,
 * as the --user given. Without WooCommerce active there is no `wc` command, as in WP-CLI.
 */

namespace Storefleet\Wp;

function wc_product_create(array $args, array $options): void {
	if (!class_exists('WooCommerce')) error("'wc' is not a registered wp command. See 'wp help' for available commands.");
	$porcelain = !empty($options['porcelain']);
	unset($options['porcelain']);
	$request = new \WP_REST_Request('POST', '/wc/v3/products');
	foreach ($options as $key => $value) {
		// WooCommerce's CLI passes JSON for structured fields (categories, images, meta_data...).
		$decoded = is_string($value) && preg_match('/^[\[{]/', $value) ? json_decode($value, true) : null;
		$request->set_param($key, $decoded ?? $value);
	}
	$response = rest_do_request($request);
	$data = $response->get_data();
	if ($response->is_error()) {
		error(($data['message'] ?? 'the WooCommerce REST API refused the product') . (isset($data['code']) ? " {$data['code']}" : ''));
	}
	if ($porcelain) {
		line((string) $data['id']);
		return;
	}
	success("Created product {$data['id']}.");
}
