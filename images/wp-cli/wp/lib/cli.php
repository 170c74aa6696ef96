<?php
/**
 * Output, arguments and errors of storefleet's `wp` stand-in, in WP-CLI's formats: "Success: ..." on
 * stdout, "Warning: ..." and "Error: ..." on stderr, exit status 1 after an error.
 */

namespace Storefleet\Wp;

final class Halt extends \Exception {
	public function __construct(public readonly int $status) {
		parent::__construct("exit $status");
	}
}

function line(string $text): void {
	fwrite(STDOUT, $text . "\n");
}

function success(string $message): void {
	if (!($GLOBALS['storefleet_wp_quiet'] ?? false)) line("Success: $message");
}

function log_line(string $message): void {
	if (!($GLOBALS['storefleet_wp_quiet'] ?? false)) line($message);
}

function warning(string $message): void {
	fwrite(STDERR, "Warning: $message\n");
}

/** Prints the error and ends the command with status 1. */
function error(string $message): never {
	fwrite(STDERR, "Error: $message\n");
	throw new Halt(1);
}

/** Ends the command quietly with a status (the is-installed/is-active checks). */
function halt(int $status): never {
	throw new Halt($status);
}

/** Text of a wp_die() message or WP_Error, without markup. */
function plain_message($message): string {
	if ($message instanceof \WP_Error) $message = $message->get_error_message();
	$text = html_entity_decode(strip_tags((string) $message), ENT_QUOTES);
	return trim(preg_replace('/\s+/', ' ', $text));
}

/**
 * Splits argv into positional arguments and --key=value / --flag options (values as strings, flags as
 * true, --no-flag as false), as WP-CLI reads them.
 *
 * @return array{0: list<string>, 1: array<string, string|bool>}
 */
function parse_args(array $argv): array {
	$positional = [];
	$options = [];
	$only_positional = false;
	foreach ($argv as $arg) {
		if ($only_positional || !str_starts_with($arg, '--')) {
			$positional[] = $arg;
		} elseif ($arg === '--') {
			$only_positional = true;
		} elseif (str_contains($arg, '=')) {
			[$key, $value] = explode('=', substr($arg, 2), 2);
			$options[$key] = $value;
		} elseif (str_starts_with($arg, '--no-')) {
			$options[substr($arg, 5)] = false;
		} else {
			$options[substr($arg, 2)] = true;
		}
	}
	return [$positional, $options];
}

/** Refuses options a command does not know, as WP-CLI does, instead of silently ignoring them. */
function accept_options(array $options, array $known): void {
	$unknown = array_diff(array_keys($options), $known);
	if ($unknown) {
		error("Parameter errors:\n" . implode("\n", array_map(fn ($key) => " unknown --$key parameter", $unknown)));
	}
}

function require_args(array $args, int $count, string $usage): void {
	if (count($args) < $count) error("Too few positional arguments.\nusage: wp $usage");
}

/** A value as `wp option get` and friends print it: JSON, var_export for arrays, else the text. */
function print_value($value, array $options): void {
	$format = $options['format'] ?? 'var_export';
	if ($format === 'json') {
		line(json_encode($value));
	} elseif (is_array($value) || is_object($value)) {
		line(var_export($value, true));
	} else {
		line((string) $value);
	}
}

/** Rows as WP-CLI prints them when stdout is not a terminal: tab-separated with a header, or JSON/CSV/count/ids. */
function print_rows(array $rows, array $fields, string $format): void {
	$rows = array_map(fn ($row) => array_intersect_key((array) $row, array_flip($fields)), $rows);
	switch ($format) {
		case 'json':
			line(json_encode(array_values($rows)));
			return;
		case 'count':
			line((string) count($rows));
			return;
		case 'csv':
		case 'table':
			$separator = $format === 'csv' ? ',' : "\t";
			line(implode($separator, $fields));
			foreach ($rows as $row) {
				line(implode($separator, array_map(fn ($field) => (string) ($row[$field] ?? ''), $fields)));
			}
			return;
		default:
			error("Invalid format: $format (storefleet's stand-in prints table, csv, json, count and ids).");
	}
}
