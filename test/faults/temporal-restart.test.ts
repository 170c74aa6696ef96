// The Temporal server restarts (same db file) while a store is provisioning: workers and clients
// reconnect, and the store still reaches Ready.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowIdConflictPolicy } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { pino } from 'pino';
import { describe, expect, inject, it } from 'vitest';
import { createActivities } from '../../activities/index.js';
import { namespaceName, storeWorkflowId } from '../../core/names.js';
import { freePort } from '../../dev/ports.js';
import { ProcessRegistry } from '../../dev/process.js';
import { startTemporal, type TemporalOptions } from '../../dev/temporal.js';
import { createStoreWorkers } from '../../worker/workers.js';
import type { storeWorkflow } from '../../workflows/store.js';
import { eventually, installQuietRuntime, kubeConfig, uniqueName } from '../harness/clients.js';
import { injectPodReadyDelay } from '../harness/faults.js';
import { chartsDir, storeStatus, waitForPhase } from '../harness/store-worker.js';

describe('a Temporal restart', () => {
  it('when the Temporal server restarts during provisioning, then the store still reaches Ready', async () => {
    installQuietRuntime();
    const stateDir = mkdtempSync(join(tmpdir(), 'storefleet-restart-'));
    const options: TemporalOptions = {
      binary: inject('toolchain').temporal ?? 'temporal',
      stateDir,
      ports: { grpc: await freePort(), http: await freePort(), metrics: await freePort() },
      registry: new ProcessRegistry(join(stateDir, 'pids.json')),
    };
    let temporal = await startTemporal(options);
    const id = uniqueName('restart');
    const delay = await injectPodReadyDelay({ namespaces: [namespaceName(id)] }, 10_000);
    const connection = await NativeConnection.connect({ address: temporal.address });
    const clientConnection = await Connection.connect({ address: temporal.address });
    const taskQueue = uniqueName('restart');
    const workers = await createStoreWorkers({
      connection,
      namespace: 'default',
      taskQueue,
      maxConcurrentProvisions: 2,
      workflows: { workflowBundle: { codePath: inject('workflowBundlePath') } },
      activities: createActivities({
        kubeConfig: kubeConfig(),
        kubeconfigPath: inject('kubeconfigPath'),
        helmBinary: inject('toolchain').helm ?? 'helm',
        chartsDir,
        ingressNamespace: 'ingress-nginx',
        log: pino({ level: 'silent' }),
        readinessPollMs: 250,
        settings: { maxProvisionSeconds: 180, driftCheckSeconds: 300, baseDomain: '127.0.0.1.nip.io', historyEventLimit: 2000 },
      }),
    });
    const running = Promise.all(workers.map((worker) => worker.run()));
    try {
      const client = new Client({ connection: clientConnection });
      const handle = await client.workflow.start<typeof storeWorkflow>('storeWorkflow', {
        taskQueue,
        workflowId: storeWorkflowId(id),
        args: [{ storeId: id, engine: 'woocommerce' }],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      await eventually('readiness to be awaited', async () => {
        const status = await storeStatus(handle);
        return status.conditions.find((c) => c.type === 'ReleaseDeployed')?.status === 'True' ? true : undefined;
      });

      await temporal.process.stop();
      temporal = await startTemporal(options);

      const ready = await waitForPhase(handle, 'Ready', 150_000);
      expect(ready.attempts).toBe(1);
      // Every provisioning condition; the storefront check is skipped on the simulated cluster, and its
      // setup pods run no script that could say how WooCommerce went (CommerceReady Unknown).
      expect(ready.conditions.filter((c) => c.type !== 'StorefrontReachable' && c.type !== 'CommerceReady').every((c) => c.status === 'True')).toBe(true);
    } finally {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
      await connection.close();
      await clientConnection.close();
      await temporal.process.stop();
      await delay.remove();
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 300_000);
});
