<?php
/** wp post list: every option other than the output ones is a WP_Query argument, as in WP-CLI. */

namespace Storefleet\Wp;

const POST_FIELDS = ['ID', 'post_title', 'post_name', 'post_date', 'post_status'];

function post_list(array $args, array $options): void {
	$format = (string) ($options['format'] ?? 'table');
	$fields = isset($options['fields']) ? explode(',', (string) $options['fields']) : POST_FIELDS;
	$field = $options['field'] ?? null;
	$query = array_diff_key($options, array_flip(['format', 'fields', 'field']));
	// WP-CLI's defaults: every post of the type in any status, no paging.
	$query += ['posts_per_page' => -1, 'post_status' => 'any', 'post_type' => 'post'];
	foreach (['post_type', 'post_status'] as $list) {
		if (is_string($query[$list]) && str_contains($query[$list], ',')) $query[$list] = explode(',', $query[$list]);
	}
	if ($format === 'ids') {
		$ids = get_posts(['fields' => 'ids'] + $query);
		line(implode(' ', $ids));
		return;
	}
	$posts = array_map(fn ($post) => $post->to_array(), get_posts($query));
	if ($field !== null) {
		foreach ($posts as $post) line((string) ($post[$field] ?? ''));
		return;
	}
	print_rows($posts, $fields, $format);
}
