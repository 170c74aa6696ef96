// Wrong API keys per client address, counted in fixed windows: past the limit the address is locked
// out until its window ends, so guessing keys costs a window per `limit` guesses.

export interface FailedLogins {
  /** The end of the address's lockout, while it is locked out. */
  lockedUntil(address: string): Date | undefined;
  record(address: string): void;
}

export function failedLogins(limit: number, windowMs = 60_000, now = Date.now): FailedLogins {
  const windows = new Map<string, { failures: number; endsAt: number }>();
  let nextSweep = 0;
  const current = (address: string) => {
    const window = windows.get(address);
    return window && window.endsAt > now() ? window : undefined;
  };
  // Ended windows are dropped once per window, so addresses that stopped trying take no memory.
  const sweep = () => {
    if (now() < nextSweep) return;
    for (const [address, window] of windows) if (window.endsAt <= now()) windows.delete(address);
    nextSweep = now() + windowMs;
  };
  return {
    lockedUntil(address) {
      const window = current(address);
      return window && window.failures >= limit ? new Date(window.endsAt) : undefined;
    },
    record(address) {
      sweep();
      const window = current(address) ?? { failures: 0, endsAt: now() + windowMs };
      window.failures += 1;
      windows.set(address, window);
    },
  };
}
