// Every failure answers {"error":{"code","message"}} with the right status, from real requests.
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApi, type TestApi } from '../harness/api.js';

let api: TestApi;
const taskQueue = 'no-worker-needed';

beforeAll(async () => {
  api = await startApi({ taskQueue });
});
afterAll(() => api.close());

async function expectError(
  res: Response,
  status: number,
  code: string,
): Promise<{ error: { code: string; message: string; details?: Array<{ field: string }> } }> {
  const body = (await res.json()) as { error: { code: string; message: string; details?: Array<{ field: string }> } };
  expect(res.status, JSON.stringify(body)).toBe(status);
  expect(body.error.code).toBe(code);
  expect(body.error.message).toBeTruthy();
  expect(JSON.stringify(body)).not.toMatch(/\n\s+at |node_modules|grpc/i);
  return body;
}

const postRaw = (body: string, contentType = 'application/json') =>
  fetch(`${api.url}/api/v1/stores`, { method: 'POST', headers: { 'Content-Type': contentType }, body });

describe('errors', () => {
  it('when the body is not JSON, then 400 invalid_json', async () => {
    await expectError(await postRaw('{"storeId": '), 400, 'invalid_json');
  });

  it('when fields break the schema, then 400 naming each field', async () => {
    const body = await expectError(
      await postRaw(JSON.stringify({ storeId: 'No', engine: 'magento', extra: 1 })),
      400,
      'validation_failed',
    );
    expect([...new Set(body.error.details?.map((d) => d.field))].sort()).toEqual(['body', 'engine', 'storeId']);
  });

  it('when a query parameter is invalid, then 400', async () => {
    await expectError(await fetch(`${api.url}/stores?limit=0`), 400, 'validation_failed');
    const began = Date.now();
    await expectError(await fetch(`${api.url}/stores?pageToken=bm9wZQ`), 400, 'invalid_page_token');
    await expectError(await fetch(`${api.url}/stores?pageToken=bm9wZQ.${'A'.repeat(43)}`), 400, 'invalid_page_token');
    expect(Date.now() - began).toBeLessThan(2000);
  });

  it('when the path has a bad store id, then 400', async () => {
    await expectError(await fetch(`${api.url}/stores/Not_A_Store`), 400, 'validation_failed');
  });

  it('when the store does not exist, then 404; an unknown path is 404 too', async () => {
    await expectError(await fetch(`${api.url}/stores/does-not-exist`), 404, 'store_not_found');
    await expectError(await fetch(`${api.url}/api/v1/nothing-here`), 404, 'not_found');
    await expectError(await fetch(`${api.url}/favicon.ico`), 404, 'not_found');
  });

  it('when the method is not supported, then 405 with Allow', async () => {
    const res = await fetch(`${api.url}/stores`, { method: 'PUT' });
    expect(res.headers.get('allow')).toBe('GET, POST');
    await expectError(res, 405, 'method_not_allowed');
  });

  it('when the body is too large, then 413', async () => {
    await expectError(
      await postRaw(JSON.stringify({ storeId: 'big', engine: 'medusa', pad: 'x'.repeat(64 * 1024) })),
      413,
      'payload_too_large',
    );
  });

  it('when a compressed body does not decompress, then 400 invalid_body and no error in the log', async () => {
    const truncated = gzipSync(JSON.stringify({ storeId: 'abc', engine: 'medusa' })).subarray(0, 12);
    for (const [encoding, body] of [
      ['gzip', Buffer.from('junk, not gzip')],
      ['gzip', truncated],
      ['deflate', Buffer.from('junk')],
      ['br', Buffer.from('junk')],
    ] as const) {
      const res = await fetch(`${api.url}/api/v1/stores`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Encoding': encoding },
        body,
      });
      const requestId = res.headers.get('x-request-id')!;
      await expectError(res, 400, 'invalid_body');
      expect(api.logs.filter((line) => line.includes(requestId) && line.includes('"level":50'))).toEqual([]);
    }
  });

  it('when the body is not JSON by content type, then 415', async () => {
    await expectError(await postRaw('storeId=abc', 'application/x-www-form-urlencoded'), 415, 'unsupported_media_type');
  });

  it('when a key sends too many requests, then 429 with Retry-After', async () => {
    const limited = await startApi({ taskQueue, rateLimitPerMinute: 2 });
    try {
      const windowStart = Date.now();
      await fetch(`${limited.url}/stores/a-store`);
      await fetch(`${limited.url}/stores/a-store`);
      await sleep(2000);
      const res = await fetch(`${limited.url}/stores/a-store`);
      // Retry-After is when the limiter's window really ends, not a whole window from now.
      const left = 60 - (Date.now() - windowStart) / 1000;
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(Math.floor(left));
      expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(Math.ceil(left) + 1);
      await expectError(res, 429, 'rate_limited');
    } finally {
      await limited.close();
    }
  });

  it('when Temporal is unreachable, then 503 with Retry-After and readyz says unavailable', async () => {
    const down = await startApi({ taskQueue, temporalAddress: '127.0.0.1:1' });
    try {
      const res = await fetch(`${down.url}/stores`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ storeId: 'abc', engine: 'medusa' }),
      });
      expect(res.headers.get('retry-after')).toBe('5');
      await expectError(res, 503, 'temporal_unavailable');
      expect((await fetch(`${down.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${down.url}/healthz`)).status).toBe(200);
    } finally {
      await down.close();
    }
  });

  it('when something unexpected fails, then 500 without internals, and the request id finds it in the log', async () => {
    // A namespace that does not exist: Temporal rejects every call in a way the API has no mapping for.
    const broken = await startApi({ taskQueue, namespace: 'no-such-namespace' });
    try {
      const res = await fetch(`${broken.url}/stores`);
      const requestId = res.headers.get('x-request-id');
      await expectError(res, 500, 'internal_error');
      expect(broken.logs.some((line) => line.includes(requestId!) && line.includes('"level":50'))).toBe(true);
    } finally {
      await broken.close();
    }
  });

  it('when all is well, then healthz, readyz and metrics answer', async () => {
    await fetch(`${api.url}/stores/does-not-exist`);
    expect(await (await fetch(`${api.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${api.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${api.url}/metrics`)).text();
    expect(metrics).toMatch(
      /storefleet_api_request_duration_seconds_count\{method="GET",route="\/stores\/:id",status="404"\}/,
    );
    expect(metrics).toMatch(/storefleet_store_ready\{engine="woocommerce",phase="Ready"\} \d+/);
    const docs = await fetch(`${api.url}/docs`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(await docs.text()).toContain('/openapi.json');
  });
});
