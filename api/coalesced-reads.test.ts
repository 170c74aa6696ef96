import { describe, expect, it } from 'vitest';
import { coalescedReads } from './coalesced-reads.js';

/** A read whose calls are counted and finished by hand, each answering the version current at its start. */
function manualReads() {
  let version = 0;
  const calls: Array<{ key: string; startedAt: number; finish: () => void; fail: (error: Error) => void }> = [];
  const read = (key: string) =>
    new Promise<number>((resolve, reject) => {
      const startedAt = version;
      calls.push({ key, startedAt, finish: () => resolve(startedAt), fail: reject });
    });
  return { read, calls, write: () => (version += 1) };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('coalescedReads', () => {
  it('when reads of one key arrive while a call runs, then one more call serves them all, started after they arrived', async () => {
    const { read, calls, write } = manualReads();
    const get = coalescedReads(read);
    const first = get('a');
    write();
    const waiting = Array.from({ length: 10 }, () => get('a'));
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    expect(await first).toBe(0);
    await settle();
    expect(calls).toHaveLength(2);
    calls[1]!.finish();
    // Each waiting reader sees the write that came before its request.
    expect(await Promise.all(waiting)).toEqual(Array(10).fill(1));
  });

  it('when nothing runs for a key, then a read calls at once, and keys do not wait for each other', async () => {
    const { read, calls } = manualReads();
    const get = coalescedReads(read);
    const a = get('a');
    const b = get('b');
    expect(calls.map((call) => call.key)).toEqual(['a', 'b']);
    calls[1]!.finish();
    expect(await b).toBe(0);
    calls[0]!.finish();
    await a;
    const again = get('a');
    expect(calls).toHaveLength(3);
    calls[2]!.finish();
    await again;
  });

  it('when a call fails, then the readers joined to it get the error and later readers get a new call', async () => {
    const { read, calls } = manualReads();
    const get = coalescedReads(read);
    const first = get('a');
    const joined = get('a');
    calls[0]!.fail(new Error('unavailable'));
    await expect(first).rejects.toThrow('unavailable');
    await settle();
    calls[1]!.fail(new Error('still unavailable'));
    await expect(joined).rejects.toThrow('still unavailable');
    const later = get('a');
    expect(calls).toHaveLength(3);
    calls[2]!.finish();
    expect(await later).toBe(0);
  });
});
