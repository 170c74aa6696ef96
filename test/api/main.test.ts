// api/main.ts as a process: refuses an unsafe configuration, serves, and on SIGTERM stops accepting,
// ends open streams and exits.
import { defaultPayloadConverter } from '@temporalio/common';
import { execa } from 'execa';
import { describe, expect, it, inject, onTestFinished } from 'vitest';
import { repoRoot } from '../../dev/config.js';
import { freePort } from '../../dev/ports.js';
import { ownerQuotaWorkflowId } from '../../core/names.js';
import { closeLeaseSignal, type LeaseClose } from '../../core/owner-quota.js';
import { eventually, uniqueName } from '../harness/clients.js';
import { startStoreWorker } from '../harness/store-worker.js';

const runApi = (env: Record<string, string>) =>
  // A stop waits for requests and Temporal calls in flight (each ends by its deadline); execa's SIGKILL
  // 5 s after a SIGTERM came first on a loaded machine, so it waits longer than any of them.
  execa(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
    cwd: repoRoot,
    env: { TEMPORAL_ADDRESS: inject('temporalAddress'), LOG_LEVEL: 'info', ...env },
    reject: false,
    all: true,
    forceKillAfterDelay: 30_000,
  });

describe('the API process', () => {
  it('when it would listen on all interfaces without API keys, then it refuses to start with a clear message', async () => {
    const result = await runApi({ STOREFLEET_API_HOST: '0.0.0.0', STOREFLEET_API_PORT: String(await freePort()) });
    expect(result.exitCode).toBe(1);
    expect(result.all).toContain('without authentication');
    expect(result.all).not.toMatch(/\n\s+at /);
  });

  it('when the API keys are unsafe, then it refuses to start naming each problem and never a key', async () => {
    const key = 'team-a-key-0123456789';
    const result = await runApi({
      STOREFLEET_API_PORT: String(await freePort()),
      STOREFLEET_API_KEYS: `admin=${key}-0,team-a=${key},team-b=${key},team-c=${key}=tail,team-d=`,
      STOREFLEET_ADMIN_KEYS: 'admin-key-0123456789,too-short-admin',
    });
    expect(result.exitCode).toBe(1);
    for (const problem of [
      'entry 1: the owner name "admin" is reserved',
      'entry 3: the same key as entry 2',
      'entry 4: the key contains "="',
      'entry 5: the key is empty',
      'key 2: the key is shorter than 16 characters',
    ]) {
      expect(result.all).toContain(problem);
    }
    for (const secret of [key, 'admin-key-0123456789', 'too-short-admin']) expect(result.all).not.toContain(secret);
    expect(result.all).not.toMatch(/\n\s+at /);
  });

  it('when SIGTERM arrives during an open event stream, then it stops accepting, ends the stream, closes its quota lease naming the store it started, and exits cleanly', async () => {
    const port = await freePort();
    // A create reserves a slot in the owner's quota workflow, which a worker runs. Without auth every
    // store is owner "default"'s, and the other test files' stores on this Temporal server count too.
    const worker = await startStoreWorker();
    onTestFinished(() => worker.stop());
    const api = runApi({
      STOREFLEET_API_PORT: String(port),
      STOREFLEET_TASK_QUEUE: worker.taskQueue,
      STOREFLEET_STORES_PER_OWNER: '100000',
    });
    const url = `http://127.0.0.1:${port}`;
    await eventually(
      'the API to answer',
      async () => ((await fetch(`${url}/healthz`).catch(() => undefined))?.ok ? true : undefined),
      60_000,
    );
    const id = uniqueName('drain');
    expect(
      (
        await fetch(`${url}/stores`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ storeId: id, engine: 'medusa' }),
        })
      ).status,
    ).toBe(201);
    const stream = await fetch(`${url}/stores/${id}/stream`);
    const reader = stream.body!.getReader();
    await reader.read(); // the first phase event: the stream is open

    const began = Date.now();
    api.kill('SIGTERM');
    const ended = (async () => {
      while (!(await reader.read()).done);
      return true;
    })();
    expect(await ended).toBe(true);
    const result = await api;
    expect(result.exitCode).toBe(0);
    expect(Date.now() - began).toBeLessThan(20_000);
    expect(result.all).toContain('stopping');
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    // Its slots are back at once for the other replicas, not held until the lease expires.
    const quota = worker.client.workflow.getHandle(ownerQuotaWorkflowId(worker.taskQueue, 'default'));
    const closes = ((await quota.fetchHistory()).events ?? []).flatMap((event) => {
      const signal = event.workflowExecutionSignaledEventAttributes;
      if (signal?.signalName !== closeLeaseSignal.name) return [];
      return [defaultPayloadConverter.fromPayload<LeaseClose>(signal.input!.payloads![0]!).storeIds];
    });
    // The store is named by exactly one close. A second lease may have been asked for in the background
    // (the first had half its 5 s left when the create took it, e.g. on a busy machine): it closes with
    // no store.
    expect(closes.flat()).toEqual([id]);
  });

  it('when SIGTERM arrives while a Temporal call waits to retry, then the process waits for it and exits cleanly', async () => {
    const port = await freePort();
    // Nothing listens on port 1: every call fails fast and the client schedules a retry.
    const api = runApi({
      STOREFLEET_API_PORT: String(port),
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      STOREFLEET_QUERY_TIMEOUT_MS: '3000',
    });
    const url = `http://127.0.0.1:${port}`;
    await eventually(
      'the API to answer',
      async () => ((await fetch(`${url}/healthz`).catch(() => undefined))?.ok ? true : undefined),
      60_000,
    );
    const listing = fetch(`${url}/stores`).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 500));
    api.kill('SIGTERM');
    const result = await api;
    await listing;
    expect(result.all).not.toContain('Channel has been shut down');
    expect(result.signal).toBeUndefined();
    expect(result.exitCode).toBe(0);
    expect(result.all).toContain('api stopped');
  });
});
