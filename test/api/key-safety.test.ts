// API keys against guessing and leaking, through the real API: wrong keys from one address are
// limited, and a key sent where the API does not look for it never reaches the log in clear.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../harness/api.js';
import { uniqueName } from '../harness/clients.js';

const owner = uniqueName('keys');
const key = `${owner}-key-0123456789`;
const adminKey = `${owner}-admin-key-0123456789`;
const auth = { keys: new Map([[key, owner]]), adminKeys: new Set([adminKey]) };
const taskQueue = uniqueName('no-worker');
const failuresPerMinute = 5;
let api: TestApi;

beforeAll(async () => {
  api = await startApi({ taskQueue, auth, authFailuresPerMinute: failuresPerMinute });
});
afterAll(() => api?.close());

const get = (base: TestApi, path: string, headers: Record<string, string> = {}) =>
  fetch(`${base.url}${path}`, { headers });
const bearer = (value: string) => ({ Authorization: `Bearer ${value}` });

describe('failed logins', () => {
  it('when one address sends more wrong keys in a minute than allowed, then 429 too_many_failed_logins with the time left, even for a valid key', async () => {
    // Requests without any key are not guesses: they never lock anyone out.
    for (let i = 0; i < failuresPerMinute * 2; i++) expect((await get(api, '/stores')).status).toBe(401);
    expect((await get(api, '/stores', bearer(key))).status).toBe(200);

    const began = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) => get(api, '/stores', bearer(`guess-${i}-0123456789abcdef`))),
    );
    expect(answers.filter((res) => res.status === 401)).toHaveLength(failuresPerMinute);
    const refused = answers.filter((res) => res.status === 429);
    expect(refused).toHaveLength(50 - failuresPerMinute);
    expect(await refused[0]!.json()).toMatchObject({ error: { code: 'too_many_failed_logins' } });

    // The lockout ends a minute after the first failure: Retry-After counts down to then.
    const stillLocked = await get(api, '/stores', bearer(key));
    expect(stillLocked.status).toBe(429);
    const retryAfter = Number(stillLocked.headers.get('retry-after'));
    const left = 60 - (Date.now() - began) / 1000;
    expect(retryAfter).toBeGreaterThanOrEqual(Math.floor(left) - 1);
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(left) + 1);
  });
});

describe('keys in logs', () => {
  it('when a key is sent in a query string or an unknown header, then the log has it redacted, never in clear', async () => {
    const logged = await startApi({ taskQueue, auth });
    try {
      await get(logged, `/stores?api_key=${key}`);
      await get(logged, `/stores?token=${encodeURIComponent(adminKey)}&limit=5`);
      await get(logged, '/stores', { 'X-Api-Key': key });
      await get(logged, '/stores', { 'X-Custom-Auth': `Token ${adminKey}` });
      await get(logged, '/stores', bearer(key));
      const logs = logged.logs.join('\n');
      for (const secret of [key, adminKey]) expect(logs).not.toContain(secret);
      expect(logs).toContain('"url":"/stores?api_key=[Redacted]"');
      expect(logs).toContain('"url":"/stores?token=[Redacted]&limit=5"');
      expect(logs).toContain('"x-api-key":"[Redacted]"');
      expect(logs).toContain('"x-custom-auth":"[Redacted]"');
      expect(logs).toContain('"authorization":"[Redacted]"');
    } finally {
      await logged.close();
    }
  });
});
