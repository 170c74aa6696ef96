// Values read at most once per `maxAgeMs` per key (an age counts from when its read began): reads of a
// stale value at the same time share one call, a failed read is not kept, and set() or forget() takes
// effect at once: a read still running then cannot bring the older value back. With `refreshAfterMs`,
// a value older than that is read again in the background while it still answers, so while a key is
// read often, nobody waits for its reads; with `answerWhileRefreshing`, not even when that read takes
// longer than the value has left.

/** Kept values beyond this many are swept of the expired ones, so a key read once is not kept forever. */
const sweepAbove = 256;

export interface ExpiringOptions {
  maxAgeMs: number;
  /** Below maxAgeMs: from this age on, a get answers the kept value and starts its next read. */
  refreshAfterMs?: number;
  /**
   * A value past maxAgeMs still answers while the read begun before it expired runs, so a value is at
   * most maxAgeMs and one read old; once that read ends (or fails), the next get waits for a new one.
   */
  answerWhileRefreshing?: boolean;
  now?: () => number;
}

export function expiringValues<V>(read: (key: string) => Promise<V>, options: ExpiringOptions) {
  const { maxAgeMs, refreshAfterMs = maxAgeMs, answerWhileRefreshing = false, now = Date.now } = options;
  const kept = new Map<string, { value: V; at: number }>();
  const pending = new Map<string, { reading: Promise<V>; startedAt: number }>();
  let generation = 0;
  const ageOf = (entry: { at: number }) => now() - entry.at;
  /** The kept value may answer past its age: the read refreshing it began before it expired and still runs. */
  const refreshRunning = (key: string, entry: { at: number }) => {
    const running = pending.get(key);
    return answerWhileRefreshing && running !== undefined && running.startedAt - entry.at < maxAgeMs;
  };

  function keep(key: string, value: V, at: number): void {
    const older = kept.get(key);
    if (older && older.at > at) return;
    kept.set(key, { value, at });
    if (kept.size > sweepAbove) for (const [other, entry] of kept) if (ageOf(entry) >= maxAgeMs) kept.delete(other);
  }

  function readAgain(key: string): Promise<V> {
    const running = pending.get(key);
    if (running) return running.reading;
    const startedAt = now();
    const started = generation;
    const reading = read(key).then((value) => {
      if (started === generation) keep(key, value, startedAt);
      return value;
    });
    pending.set(key, { reading, startedAt });
    const done = () => {
      if (pending.get(key)?.reading === reading) pending.delete(key);
    };
    reading.then(done, done);
    return reading;
  }

  return {
    get(key: string): Promise<V> {
      const entry = kept.get(key);
      const age = entry ? ageOf(entry) : Infinity;
      if (entry && (age < maxAgeMs || refreshRunning(key, entry))) {
        // A failed background read leaves the kept value; the get after it expires reads and fails.
        if (age >= refreshAfterMs) readAgain(key).catch(() => undefined);
        return Promise.resolve(entry.value);
      }
      return readAgain(key);
    },
    set(key: string, value: V): void {
      generation += 1;
      pending.delete(key);
      kept.delete(key);
      keep(key, value, now());
    },
    /** Drops every kept value and running read: the next get of any key reads again. */
    forget: (): void => {
      generation += 1;
      kept.clear();
      pending.clear();
    },
    /** The last value read or set for `key`, however old; undefined before the first. */
    last: (key: string): V | undefined => kept.get(key)?.value,
  };
}

/** One value kept as expiringValues keeps each of theirs. */
export function expiringValue<V>(read: () => Promise<V>, options: ExpiringOptions) {
  const values = expiringValues(read, options);
  const key = '';
  return {
    get: () => values.get(key),
    set: (value: V) => values.set(key, value),
    last: () => values.last(key),
  };
}
