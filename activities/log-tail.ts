// What a store's containers said last, fit to record: masked first (every value of the store's Secret),
// then bounded (a few lines, a few KB), so a crash or a failed setup can be explained in the store's
// events and lastError without ever putting a credential there.

/** Replaces every secret value in a text; see secretMask. */
export type Mask = (text: string) => string;

export const masked = '***';

/**
 * A mask for these values: each one, and the forms it takes when a program prints it escaped (JSON, a
 * URL), is replaced by `***` wherever it occurs, longest first so no part of a longer value survives a
 * shorter one. Empty values are ignored. Short values are masked too (the admin user name `admin`
 * turns `/wp-admin/` into `/wp-***\/`): masking by value cannot tell a credential from a word.
 */
export function secretMask(values: Iterable<string>): Mask {
  const forms = new Set<string>();
  for (const value of values) {
    if (!value) continue;
    forms.add(value);
    forms.add(JSON.stringify(value).slice(1, -1));
    forms.add(encodeURIComponent(value));
  }
  const ordered = [...forms].filter((form) => form.length > 0).sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((result, form) => result.split(form).join(masked), text);
}

export interface TailLimits {
  /** Lines kept, from the end. */
  lines: number;
  /** Bytes kept (UTF-8), from the end, whole lines only. */
  bytes: number;
  /** Characters kept of one line; longer lines end in `…`. */
  lineChars: number;
}

export const tailLimits: TailLimits = { lines: 10, bytes: 2048, lineChars: 300 };

/** What readNamespacedPodLog is asked for: enough to keep `tailLimits` after masking, never unbounded. */
export const logRequest = { tailLines: tailLimits.lines, limitBytes: 16 * 1024 } as const;

// Terminal colours and other control characters (tabs become spaces) say nothing in a status line.
// eslint-disable-next-line no-control-regex
const controls = /\u001b\[[0-9;?]*[ -/]*[@-~]|[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * The last lines of a log, masked and bounded, as one line (` | ` between the log's lines); undefined
 * when nothing is left. `cut` says the text was cut by the API's byte limit, so its last line may be
 * partial: that line is dropped, since a secret cut in half would escape the mask.
 */
export function boundLogTail(
  text: string,
  mask: Mask,
  options: { cut?: boolean; limits?: TailLimits } = {},
): string | undefined {
  const limits = options.limits ?? tailLimits;
  let lines = text.replace(/\t/g, ' ').split(/\r?\n/);
  if (options.cut) lines = lines.slice(0, -1);
  const kept: string[] = [];
  let bytes = 0;
  for (const raw of lines.reverse()) {
    const masked = mask(raw).replace(controls, '').trimEnd();
    if (masked.trim() === '') continue;
    const line = masked.length > limits.lineChars ? `${masked.slice(0, limits.lineChars - 1)}…` : masked;
    const size = Buffer.byteLength(line) + (kept.length > 0 ? 3 : 0);
    if (kept.length >= limits.lines || bytes + size > limits.bytes) break;
    kept.unshift(line);
    bytes += size;
  }
  return kept.length > 0 ? kept.join(' | ') : undefined;
}
