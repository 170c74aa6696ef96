import { describe, expect, it } from 'vitest';
import { loadFigures } from './load.js';

describe('loadFigures', () => {
  it('when autocannon saw errors, timeouts and non-2xx answers, then all of them count as failed', () => {
    const output = JSON.stringify({
      requests: { average: 812.5, total: 8125 },
      latency: { p50: 11, p99: 42 },
      errors: 1,
      timeouts: 2,
      non2xx: 3,
    });
    expect(loadFigures(output)).toEqual({ requestsPerSecond: 812.5, p50Ms: 11, p99Ms: 42, failed: 6, total: 8125 });
  });
});
