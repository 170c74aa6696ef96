// The served /openapi.json against the real API: a valid OpenAPI 3.1 document (checked by
// schemathesis's own loader, not by our generator), documenting exactly the routes the app has.
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app.js';
import { createPageTokens } from '../../api/page-token.js';
import { createStoreService } from '../../api/stores.js';
import { schemathesisBin } from '../../dev/python-tools.js';
import { startApi, type TestApi } from '../harness/api.js';
import { temporalClient } from '../harness/clients.js';
import { startInstallationWorker, type InstallationWorker } from '../harness/installation-worker.js';
import { startStoreWorker, storeId, type TestStoreWorker } from '../harness/store-worker.js';

interface OpenApi {
  openapi: string;
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, unknown>>;
}

/** What this test needs of Express 5's router internals (router 2.x layers). */
interface Layer {
  handle: { stack?: Layer[] };
  slash: boolean;
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  match(path: string): boolean;
}

const methods = ['get', 'post', 'put', 'patch', 'delete'];

let worker: TestStoreWorker;
let api: TestApi;
let installation: InstallationWorker;
let doc: OpenApi;

beforeAll(async () => {
  worker = await startStoreWorker({ maxProvisionSeconds: 30 });
  api = await startApi({ taskQueue: worker.taskQueue });
  // The creation pause's routes are updates of the installation workflow, on whichever queue it runs.
  installation = await startInstallationWorker(worker.taskQueue);
  doc = (await (await fetch(`${api.url}/openapi.json`)).json()) as OpenApi;
});
afterAll(async () => {
  await api?.close();
  await installation?.stop();
  await worker?.stop();
});

const documented = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => methods.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );

/** Every route under a router, as "METHOD /path" with OpenAPI's {param} syntax. */
function routesOf(stack: Layer[], prefix = ''): string[] {
  return stack.flatMap((layer) => {
    const route = layer.route;
    if (route) {
      const path = `${prefix}${route.path}`.replace(/:(\w+)/g, '{$1}');
      return Object.keys(route.methods)
        .filter((m) => m !== '_all')
        .map((m) => `${m.toUpperCase()} ${path}`);
    }
    return layer.handle.stack ? routesOf(layer.handle.stack, prefix + (layer.slash ? '' : String(layer.rawPath))) : [];
  });
}

// Runs inside the schemathesis venv: its loader validates against the OpenAPI 3.1 meta-schema; every
// schema in the document must also be valid JSON Schema 2020-12 (the 3.1 dialect).
const validateScript = `
import json, sys, jsonschema_rs, schemathesis
schema = schemathesis.openapi.from_url(sys.argv[1])
schema.validate()
def schemas(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema":
                yield value
            yield from schemas(value)
    elif isinstance(node, list):
        for value in node:
            yield from schemas(value)
raw = schema.raw_schema
checked = [*raw["components"]["schemas"].values(), *schemas(raw["paths"])]
for s in checked:
    jsonschema_rs.meta.validate({"$schema": "https://json-schema.org/draft/2020-12/schema", **s})
print(json.dumps({"schemas": len(checked), "operations": [f"{r.ok().method.upper()} {r.ok().path}" for r in schema.get_all_operations()]}))
`;

describe('the OpenAPI document', () => {
  it('when schemathesis loads /openapi.json, then it is a valid OpenAPI 3.1 document with valid JSON Schemas and every operation parses', async () => {
    expect(doc.openapi).toBe('3.1.0');
    const python = join(dirname(await schemathesisBin()), 'python');
    const result = await execa(python, ['-c', validateScript, `${api.url}/openapi.json`], { reject: false, all: true });
    expect(result.exitCode, result.all).toBe(0);
    const parsed = JSON.parse(result.stdout) as { schemas: number; operations: string[] };
    expect(parsed.schemas).toBeGreaterThan(10);
    expect(parsed.operations.sort()).toEqual(documented().sort());
  });

  it('when the routes of the app under /api/v1 are listed, then they are exactly the documented operations', async () => {
    const app = createApp({
      stores: createStoreService({
        client: await temporalClient(),
        taskQueue: worker.taskQueue,
        queryTimeoutMs: 1000,
        storesPerOwner: 10,
        workerReadTimeoutMs: 1000,
        pageTokens: createPageTokens(() => Promise.resolve(Buffer.alloc(32))),
      }),
      log: pino({ level: 'silent' }),
      auth: { enabled: false, keys: new Map(), adminKeys: new Set(), failuresPerMinute: 20 },
      links: { temporalUiUrl: 'http://127.0.0.1:8233', namespace: 'default' },
      rateLimitPerMinute: 1000,
      temporalReadiness: () => Promise.resolve('reachable' as const),
    });
    const stack = (app as unknown as { router: { stack: Layer[] } }).router.stack;
    const mount = stack.find((layer) => layer.handle.stack && !layer.slash && layer.match('/api/v1'));
    expect(mount, 'a router mounted at /api/v1').toBeDefined();
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(routesOf(mount!.handle.stack!).sort()).toEqual(documented().sort());
  });

  it('when every documented operation is called on a real store, then none answers as a missing route (404 no route) or 405', async () => {
    const id = storeId('oas');
    const base = `${api.url}${doc.servers[0]!.url}`;
    const created = await fetch(`${base}/stores`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ storeId: id, engine: 'medusa' }),
    });
    expect(created.status).toBe(201);
    // DELETE last, so the other operations see the store as it is.
    const operations = documented().sort((a, b) => Number(a.startsWith('DELETE')) - Number(b.startsWith('DELETE')));
    for (const operation of operations) {
      const [method = '', path = ''] = operation.split(' ');
      const body =
        method === 'POST' && path === '/stores' ? JSON.stringify({ storeId: id, engine: 'medusa' }) : undefined;
      const aborted = new AbortController(); // the event stream never ends by itself
      const res = await fetch(`${base}${path.replace('{id}', id)}`, {
        method,
        signal: aborted.signal,
        ...(body ? { body, headers: { 'Content-Type': 'application/json' } } : {}),
      });
      const text = res.headers.get('content-type')?.startsWith('text/event-stream') ? '' : await res.text();
      aborted.abort();
      expect(res.status, `${operation}: ${text}`).not.toBe(405);
      expect(res.status === 404 && text.includes('no route'), `${operation}: ${text}`).toBe(false);
      expect(res.status, `${operation}: ${text}`).toBeLessThan(500);
    }
  });

  it('when a documented path is called with a method it does not document, then 405 with Allow naming the documented ones', async () => {
    const base = `${api.url}${doc.servers[0]!.url}`;
    for (const [path, ops] of Object.entries(doc.paths)) {
      const allowed = methods.filter((m) => m in ops);
      for (const method of methods.filter((m) => !allowed.includes(m))) {
        const res = await fetch(`${base}${path.replace('{id}', storeId('none'))}`, { method: method.toUpperCase() });
        expect(res.status, `${method.toUpperCase()} ${path}`).toBe(405);
        expect(res.headers.get('allow')?.split(', ').sort()).toEqual(allowed.map((m) => m.toUpperCase()).sort());
      }
    }
  });
});
