// Temporal's storage fills up (its SQLite database on a small tmpfs, filled to the last byte): Temporal
// still answers, but cannot read or write workflows. /readyz says exactly that, and a GET answers 503
// within its deadline without claiming Temporal is unreachable. Once space is freed, both recover.
// Mounting needs root, as the real-node tests do.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { storeWorkflowId } from '../../core/names.js';
import { freePort } from '../../dev/ports.js';
import { ProcessRegistry } from '../../dev/process.js';
import { startTemporal, type RunningTemporal } from '../../dev/temporal.js';
import { startApi, type TestApi } from '../harness/api.js';
import { eventually, uniqueName } from '../harness/clients.js';

const isRoot = process.getuid?.() === 0;
const queryTimeoutMs = 2000;
let mountPoint: string;
let temporal: RunningTemporal | undefined;
let api: TestApi | undefined;
const storeId = uniqueName('full');
const filler = () => join(mountPoint, 'filler');

beforeAll(async () => {
  if (!isRoot) return;
  mountPoint = mkdtempSync(join(tmpdir(), 'storefleet-full-'));
  await execa('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountPoint]);
  const stateDir = join(mountPoint, 'temporal');
  mkdirSync(stateDir);
  temporal = await startTemporal({
    binary: inject('toolchain').temporal ?? 'temporal',
    stateDir,
    ports: { grpc: await freePort(), http: await freePort(), metrics: await freePort() },
    registry: new ProcessRegistry(join(stateDir, 'pids.json')),
  });
  const taskQueue = uniqueName('no-worker');
  api = await startApi({ taskQueue, temporalAddress: temporal.address, queryTimeoutMs });
  // A store as the API records one (no worker needs to run it for GET to find it).
  const connection = await Connection.connect({ address: temporal.address });
  await new Client({ connection }).workflow.start('storeWorkflow', {
    taskQueue,
    workflowId: storeWorkflowId(storeId),
    args: [{ storeId, engine: 'woocommerce' }],
  });
  await connection.close();
}, 120_000);

afterAll(async () => {
  if (!isRoot) return;
  await api?.close();
  await temporal?.process.stop();
  await execa('umount', [mountPoint], { reject: false });
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes zeros until the filesystem refuses (ENOSPC). */
function fillUp(path: string): void {
  const chunk = Buffer.alloc(1024 * 1024);
  let size = 0;
  for (;;) {
    try {
      writeFileSync(path, chunk, { flag: 'a' });
      size += chunk.length;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOSPC') return;
      throw error;
    }
    if (size > 1024 * 1024 * 1024) throw new Error(`${path}: still not full after 1 GiB`);
  }
}

describe.skipIf(!isRoot)("Temporal's storage full", () => {
  it('when the disk under Temporal is full, then /readyz answers 503 saying Temporal cannot look up workflows, and GET of a store answers 503 within its deadline without calling Temporal unreachable; when space is freed, both recover', async () => {
    const url = api!.url;
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/stores/${storeId}`)).status).toBe(200);

    fillUp(filler());
    // Temporal notices when its next write fails (its history shard then cannot be used).
    const readiness = await eventually(
      '/readyz to report the failing Temporal',
      async () => {
        const res = await fetch(`${url}/readyz`);
        return res.status === 503
          ? ((await res.json()) as { status: string; temporal: string; detail: string })
          : undefined;
      },
      90_000,
    );
    expect(readiness).toEqual({
      status: 'unavailable',
      temporal: 'failing',
      detail: expect.stringContaining('its storage may be full') as unknown,
    });

    const began = Date.now();
    const res = await fetch(`${url}/stores/${storeId}`);
    const elapsed = Date.now() - began;
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(res.status, JSON.stringify(body)).toBe(503);
    expect(body.error.code).toBe('temporal_unavailable');
    expect(body.error.message).not.toMatch(/not reachable|unreachable/);
    expect(res.headers.get('retry-after')).toBeTruthy();
    // The API's deadline on each Temporal call, plus its one retry within it and some slack.
    expect(elapsed).toBeLessThan(queryTimeoutMs + 1500);

    rmSync(filler());
    await eventually(
      '/readyz to be ready again',
      async () => ((await fetch(`${url}/readyz`)).status === 200 ? true : undefined),
      90_000,
    );
    await eventually(
      'GET to answer again',
      async () => ((await fetch(`${url}/stores/${storeId}`)).status === 200 ? true : undefined),
      90_000,
    );
  }, 300_000);
});
