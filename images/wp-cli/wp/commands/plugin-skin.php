<?php
/** Prints WordPress's upgrader messages as WP-CLI does (one line each, no markup). */

namespace Storefleet\Wp;

class CliUpgraderSkin extends \WP_Upgrader_Skin {
	public function header() {
	}

	public function footer() {
	}

	public function feedback($feedback, ...$args) {
		if (isset($this->upgrader->strings[$feedback])) $feedback = $this->upgrader->strings[$feedback];
		if ($args && str_contains((string) $feedback, '%')) $feedback = vsprintf($feedback, $args);
		$text = plain_message($feedback);
		if ($text !== '') log_line($text);
	}

	public function error($errors) {
		$text = plain_message(is_string($errors) && isset($this->upgrader->strings[$errors]) ? $this->upgrader->strings[$errors] : $errors);
		if ($text !== '') warning($text);
	}
}
