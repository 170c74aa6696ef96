// A Ready store keeps its guardrails (drift check) and a long-lived store continues as new before its
// history grows large, keeping its status.
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceName } from '../../core/names.js';
import { eventually, kubeConfig } from '../harness/clients.js';
import { recordHistory } from '../harness/histories.js';
import { startStoreWorker, storeId, storeStatus, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;
const core = kubeConfig().makeApiClient(CoreV1Api);

beforeAll(async () => {
  worker = await startStoreWorker({ driftCheckSeconds: 1, historyEventLimit: 120 });
});
afterAll(() => worker.stop());

describe('a Ready store', () => {
  it('when someone deletes its quota, then the drift check restores it and records an event', async () => {
    const id = storeId('drift');
    const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    await waitForPhase(handle, 'Ready');
    await core.deleteNamespacedResourceQuota({ name: 'store-quota', namespace: namespaceName(id) });

    const event = await eventually('the GuardrailsRestored event', async () =>
      (await storeStatus(handle)).events.find((e) => e.reason === 'GuardrailsRestored'),
    );
    expect(event.message).toContain('ResourceQuota/store-quota');
    expect(
      (await core.readNamespacedResourceQuota({ name: 'store-quota', namespace: namespaceName(id) })).spec?.hard?.pods,
    ).toBe('20');
    await recordHistory('store-drift-restored', handle.workflowId);
  });

  it('when its history reaches the limit, then it continues as new with its status intact', async () => {
    const id = storeId('can');
    const handle = await worker.createStore({ storeId: id, engine: 'medusa' });
    await waitForPhase(handle, 'Ready');
    await eventually(
      'a new run of the store workflow',
      async () => ((await handle.describe()).runId !== handle.firstExecutionRunId ? true : undefined),
      90_000,
    );

    const status = await storeStatus(handle);
    expect(status.phase).toBe('Ready');
    expect(status.events[0]?.reason).toBe('Created');
    expect(status.url).toBe(`http://${id}.127.0.0.1.nip.io`);
    const runs = [];
    for await (const execution of worker.client.workflow.list({ query: `WorkflowId = '${handle.workflowId}'` }))
      runs.push(execution.status.name);
    expect(runs).toContain('CONTINUED_AS_NEW');
    await recordHistory('store-continued-as-new', handle.workflowId);
  });
});
