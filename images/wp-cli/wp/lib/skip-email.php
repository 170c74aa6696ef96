<?php
/**
 * `wp core install --skip-email`: WordPress calls wp_new_blog_notification() only if no one defined it
 * first (a pluggable function), so defining it as a no-op before the installer loads sends no mail.
 */
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {
}
