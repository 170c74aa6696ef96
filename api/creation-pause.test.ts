import { describe, expect, it } from 'vitest';
import { expiringValue } from './creation-pause.js';

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
    const cached = expiringValue(source.read, 2000, () => now);
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
    const cached = expiringValue(source.read, 2000, () => 0);
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
      2000,
      () => 0,
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
    const cached = expiringValue(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve('up')), 2000);
    await expect(cached.get()).rejects.toThrow('down');
    expect(cached.last()).toBeUndefined();
    fail = false;
    expect(await cached.get()).toBe('up');
  });
});
