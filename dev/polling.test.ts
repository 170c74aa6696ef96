import { describe, expect, it } from 'vitest';
import { pollUntil, waitUntilNothingMissing } from './polling.js';

const fast = { timeoutMs: 200, intervalMs: 5 };

describe('pollUntil', () => {
  it('when the check turns true, then it answers true after as many looks as that took', async () => {
    let looks = 0;
    expect(await pollUntil(() => ++looks === 3, fast)).toBe(true);
    expect(looks).toBe(3);
  });

  it('when the check throws, then that counts as not yet, and it keeps looking', async () => {
    let looks = 0;
    const check = () => {
      if (++looks < 3) throw new Error('apiserver starting');
      return true;
    };
    expect(await pollUntil(check, fast)).toBe(true);
  });

  it('when the check never turns true, then it answers false once the time is over, having looked at the end too', async () => {
    const looks: number[] = [];
    const began = Date.now();
    expect(await pollUntil(() => (looks.push(Date.now() - began), false), { timeoutMs: 50, intervalMs: 20 })).toBe(
      false,
    );
    expect(looks.at(-1)).toBeGreaterThanOrEqual(50);
  });
});

describe('waitUntilNothingMissing', () => {
  it('when nothing is missing any more, then it returns', async () => {
    let looks = 0;
    await waitUntilNothingMissing('never', () => Promise.resolve(++looks < 3 ? 'a node' : undefined), fast);
    expect(looks).toBe(3);
  });

  it('when something is still missing at the end, then the error says what failed, after how long, and what was missing last', async () => {
    let looks = 0;
    await expect(
      waitUntilNothingMissing('cluster not up', () => Promise.resolve(`${++looks} of 3 nodes Ready`), {
        timeoutMs: 50,
        intervalMs: 10,
      }),
    ).rejects.toThrow(/^cluster not up after 0.05s \(\d+ of 3 nodes Ready\)$/);
  });

  it('when the last look threw, then the error carries what it said', async () => {
    await expect(
      waitUntilNothingMissing(
        'DNS did not answer',
        () => Promise.reject(new Error('ECONNREFUSED 10.96.0.10:53')),
        fast,
      ),
    ).rejects.toThrow('DNS did not answer after 0.2s (ECONNREFUSED 10.96.0.10:53)');
  });
});
