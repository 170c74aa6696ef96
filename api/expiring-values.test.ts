import { describe, expect, it } from 'vitest';
import { expiringValue, expiringValues } from './expiring-values.js';

function counter() {
  let calls = 0;
  let value = 'first';
  return {
    read: () => {
      calls += 1;
      return Promise.resolve(value);
    },
    calls: () => calls,
    change: (next: string) => void (value = next),
  };
}

describe('expiringValue', () => {
  it('when read again within maxAgeMs, then the kept value answers; after it, a new read does', async () => {
    let now = 1000;
    const source = counter();
    const cached = expiringValue(source.read, { maxAgeMs: 2000, now: () => now });
    expect(await cached.get()).toBe('first');
    source.change('second');
    now += 1999;
    expect(await cached.get()).toBe('first');
    expect(source.calls()).toBe(1);
    now += 1;
    expect(await cached.get()).toBe('second');
    expect(source.calls()).toBe(2);
  });

  it('when reads of a stale value arrive together, then they share one call', async () => {
    const source = counter();
    const cached = expiringValue(source.read, { maxAgeMs: 2000, now: () => 0 });
    expect(await Promise.all([cached.get(), cached.get(), cached.get()])).toEqual(['first', 'first', 'first']);
    expect(source.calls()).toBe(1);
  });

  it('when a value is set, then the next read answers it at once, even while an older read was running', async () => {
    let release: (value: string) => void = () => undefined;
    let calls = 0;
    const cached = expiringValue(
      () => {
        calls += 1;
        return new Promise<string>((resolve) => (release = resolve));
      },
      { maxAgeMs: 2000, now: () => 0 },
    );
    const older = cached.get();
    cached.set('set');
    expect(await cached.get()).toBe('set');
    release('older');
    expect(await older).toBe('older');
    // The older read finished after the set: it does not bring its value back.
    expect(await cached.get()).toBe('set');
    expect(cached.last()).toBe('set');
    expect(calls).toBe(1);
  });

  it('when a read fails, then nothing is kept and the next get reads again', async () => {
    let fail = true;
    const cached = expiringValue(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve('up')), {
      maxAgeMs: 2000,
    });
    await expect(cached.get()).rejects.toThrow('down');
    expect(cached.last()).toBeUndefined();
    fail = false;
    expect(await cached.get()).toBe('up');
  });
});

describe('expiringValues', () => {
  it('when two keys are read, then each is read and kept on its own', async () => {
    const reads: string[] = [];
    const values = expiringValues((key) => (reads.push(key), Promise.resolve(`${key}!`)), {
      maxAgeMs: 1000,
      now: () => 0,
    });
    expect(await Promise.all([values.get('a'), values.get('b'), values.get('a')])).toEqual(['a!', 'b!', 'a!']);
    expect(reads).toEqual(['a', 'b']);
  });

  it('when forgotten, then every key reads again, and a read running meanwhile keeps nothing', async () => {
    let release: (value: string) => void = () => undefined;
    let calls = 0;
    const values = expiringValues(
      () => {
        calls += 1;
        return calls === 2 ? new Promise<string>((resolve) => (release = resolve)) : Promise.resolve(`v${calls}`);
      },
      { maxAgeMs: 1000, now: () => 0 },
    );
    expect(await values.get('a')).toBe('v1');
    values.forget();
    const running = values.get('a');
    values.forget();
    release('v2');
    expect(await running).toBe('v2');
    expect(values.last('a')).toBeUndefined();
    expect(await values.get('a')).toBe('v3');
  });

  it('when many keys were read once, then the expired ones are not kept', async () => {
    let now = 0;
    const values = expiringValues((key) => Promise.resolve(key), { maxAgeMs: 1000, now: () => now });
    for (let i = 0; i < 300; i++) await values.get(`old-${i}`);
    now = 1000;
    await values.get('new');
    expect(values.last('old-0')).toBeUndefined();
    expect(values.last('new')).toBe('new');
  });

  it('when a value is older than refreshAfterMs, then it still answers while the next read runs, and that read answers after', async () => {
    let now = 0;
    let release: (value: string) => void = () => undefined;
    let calls = 0;
    const values = expiringValues(
      () => {
        calls += 1;
        return calls === 1 ? Promise.resolve('first') : new Promise<string>((resolve) => (release = resolve));
      },
      { maxAgeMs: 1000, refreshAfterMs: 500, now: () => now },
    );
    expect(await values.get('a')).toBe('first');
    now = 499;
    expect(await values.get('a')).toBe('first');
    expect(calls).toBe(1);
    now = 500;
    expect(await values.get('a')).toBe('first');
    expect(await values.get('a')).toBe('first');
    expect(calls).toBe(2);
    release('second');
    await Promise.resolve();
    await Promise.resolve();
    expect(await values.get('a')).toBe('second');
  });

  it('when a background read fails, then the kept value answers until it expires, and then the read fails', async () => {
    let now = 0;
    let calls = 0;
    const values = expiringValues(() => (++calls === 1 ? Promise.resolve('kept') : Promise.reject(new Error('down'))), {
      maxAgeMs: 1000,
      refreshAfterMs: 500,
      now: () => now,
    });
    expect(await values.get('a')).toBe('kept');
    now = 600;
    expect(await values.get('a')).toBe('kept');
    now = 1000;
    await expect(values.get('a')).rejects.toThrow('down');
  });

  /**
   * Key 'a' read at time 0 as 'first'; every later read waits until `release` gives its value. `at`
   * sets the clock. A value lives 1000 ms and is read again in the background from 500 ms on.
   */
  function heldRefreshes(answerWhileRefreshing: boolean) {
    let now = 0;
    let calls = 0;
    let release: (value: string) => void = () => undefined;
    const values = expiringValues(
      () => {
        calls += 1;
        return calls === 1 ? Promise.resolve('first') : new Promise<string>((resolve) => (release = resolve));
      },
      { maxAgeMs: 1000, refreshAfterMs: 500, answerWhileRefreshing, now: () => now },
    );
    return {
      get: () => values.get('a'),
      at: (ms: number) => void (now = ms),
      calls: () => calls,
      release: (value: string) => release(value),
    };
  }
  const landed = async () => {
    for (let i = 0; i < 3; i++) await Promise.resolve();
  };

  it('when answering while refreshing and the background read outlasts maxAgeMs, then the kept value answers until that read lands', async () => {
    const key = heldRefreshes(true);
    expect(await key.get()).toBe('first');
    key.at(600);
    expect(await key.get()).toBe('first');
    key.at(1400);
    expect(await key.get()).toBe('first');
    expect(key.calls()).toBe(2);
    key.release('second');
    await landed();
    // Read from 600 on: 800 ms old now.
    expect(await key.get()).toBe('second');
  });

  it('when not answering while refreshing and the background read outlasts maxAgeMs, then a get past it waits for that read', async () => {
    const key = heldRefreshes(false);
    expect(await key.get()).toBe('first');
    key.at(600);
    expect(await key.get()).toBe('first');
    key.at(1000);
    const waiting = key.get();
    key.release('second');
    expect(await waiting).toBe('second');
    expect(key.calls()).toBe(2);
  });

  it('when answering while refreshing and the value expired before any read of it began, then every get waits for the new read', async () => {
    const key = heldRefreshes(true);
    expect(await key.get()).toBe('first');
    key.at(5000);
    const first = key.get();
    const second = key.get();
    key.release('second');
    expect(await Promise.all([first, second])).toEqual(['second', 'second']);
  });
});
