// Human-facing progress lines of the dev commands (the services themselves log pino JSON).

export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
