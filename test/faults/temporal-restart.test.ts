// The Temporal server crashes (SIGKILL to its whole process group, no SIGTERM first, as an OOM kill
// would) and restarts on the same db file, once while a store is provisioning and once while a deleted
// store's cleanup runs: the worker and the client reconnect, the stores end Ready and Deleted, nothing
// leaked and no secret shown.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withHeartbeat } from '../../activities/heartbeat.js';
import { deleteSignal } from '../../core/messages.js';
import { cleanupWorkflowId, namespaceName, releaseName } from '../../core/names.js';
import { reasons } from '../../core/status.js';
import { freePort } from '../../dev/ports.js';
import { isAlive, ProcessRegistry } from '../../dev/process.js';
import { startTemporal, type RunningTemporal, type TemporalOptions } from '../../dev/temporal.js';
import { createStoreWorkers } from '../../worker/workers.js';
import { eventually, installQuietRuntime, uniqueName } from '../harness/clients.js';
import { expectNoSecretShown, expectNothingLeaked, storeSecretValues } from '../harness/end-checks.js';
import { injectPodReadyDelay } from '../harness/faults.js';
import { activityRunning } from '../harness/pending-activities.js';
import { startStoreWorkflow } from '../harness/store-worker.js';
import { storeStatus, testActivities, waitForPhase } from '../harness/store-worker.js';

let stateDir: string;
let options: TemporalOptions;
let temporal: RunningTemporal;
let connection: NativeConnection;
let clientConnection: Connection;
let client: Client;
let workers: Worker[] = [];
let running: Promise<unknown>;
const taskQueue = uniqueName('restart');
/** The worker's pino lines, searched for secrets at the end. */
const logs: string[] = [];

// The deleted store's uninstallRelease, once helm has uninstalled, waits for the test before it
// reports: the cleanup's activity is pending, its effect done, while Temporal is killed.
const deletedId = uniqueName('restart-del');
let letUninstallReport: () => void = () => undefined;
const uninstallMayReport = new Promise<void>((resolve) => (letUninstallReport = resolve));

beforeAll(async () => {
  installQuietRuntime();
  stateDir = mkdtempSync(join(tmpdir(), 'storefleet-restart-'));
  options = {
    binary: inject('toolchain').temporal ?? 'temporal',
    stateDir,
    ports: { grpc: await freePort(), http: await freePort(), metrics: await freePort() },
    registry: new ProcessRegistry(join(stateDir, 'pids.json')),
  };
  temporal = await startTemporal(options);
  connection = await NativeConnection.connect({ address: temporal.address });
  clientConnection = await Connection.connect({ address: temporal.address });
  client = new Client({ connection: clientConnection });
  const activities = testActivities({
    log: pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }),
    maxProvisionSeconds: 180,
  });
  workers = await createStoreWorkers({
    connection,
    namespace: 'default',
    taskQueue,
    maxConcurrentProvisions: 2,
    workflows: { workflowBundle: { codePath: inject('workflowBundlePath') } },
    activities: {
      ...activities,
      async uninstallRelease(target) {
        const result = await activities.uninstallRelease(target);
        // Heartbeats keep this very attempt alive across the restart, so its result is what reaches the workflow.
        if (target.storeId === deletedId)
          await withHeartbeat(
            () => ({ step: 'held by the test' }),
            () => uninstallMayReport,
          );
        return result;
      },
    },
  });
  running = Promise.all(workers.map((worker) => worker.run()));
}, 120_000);

afterAll(async () => {
  letUninstallReport();
  for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
  await running;
  await connection?.close();
  await clientConnection?.close();
  await temporal?.process.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

const startStore = (id: string) => startStoreWorkflow(client, taskQueue, { storeId: id, engine: 'woocommerce' });

/** Any process of the group left? Signal 0 only asks. */
function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** SIGKILL to the server's whole group, proof that nothing of it runs, then a new server on the same db. */
async function crashAndRestart(): Promise<void> {
  const killed = temporal.process;
  await killed.crash();
  // A signal, not an exit of its own: no exit code.
  expect(await killed.exited).toBeNull();
  expect(isAlive(killed.pid)).toBe(false);
  expect(existsSync(`/proc/${killed.pid}`)).toBe(false);
  expect(groupAlive(killed.pid)).toBe(false);
  temporal = await startTemporal(options);
}

describe('a Temporal server crash', () => {
  it('when the Temporal server is SIGKILLed while a store awaits readiness and restarted on its db, then the store reaches Ready, nothing leaked and no secret shown', async () => {
    const id = uniqueName('restart');
    // Slow pods keep readiness in flight long enough to crash the server under it.
    const delay = await injectPodReadyDelay({ namespaces: [namespaceName(id)] }, 10_000);
    try {
      const handle = await startStore(id);
      await eventually('readiness to be awaited', async () => {
        const status = await storeStatus(handle);
        return status.conditions.find((c) => c.type === 'ReleaseDeployed')?.status === 'True' &&
          (await activityRunning(handle, 'waitForReady'))
          ? true
          : undefined;
      });

      await crashAndRestart();

      const ready = await waitForPhase(handle, 'Ready', 150_000);
      expect(ready.attempts).toBe(1);
      // Every provisioning condition; the storefront check is skipped on the simulated cluster, and its
      // setup pods run no script that could say how WooCommerce went (CommerceReady Unknown).
      expect(
        ready.conditions
          .filter((c) => c.type !== 'StorefrontReachable' && c.type !== 'CommerceReady')
          .every((c) => c.status === 'True'),
      ).toBe(true);

      await expectNothingLeaked({ ready: [{ storeId: id, engine: 'woocommerce' }] });
      await expectNoSecretShown(client, [id], await storeSecretValues(id), logs);
    } finally {
      await delay.remove();
    }
  }, 240_000);

  it("when the Temporal server is SIGKILLed while a deleted store's cleanup uninstalls its release and restarted on its db, then the store ends Deleted, nothing leaked and no secret shown", async () => {
    const handle = await startStore(deletedId);
    await waitForPhase(handle, 'Ready', 120_000);
    // Read while the store exists: the delete takes its Secret along.
    const secrets = await storeSecretValues(deletedId);
    await handle.signal(deleteSignal);
    const cleanup = client.workflow.getHandle(cleanupWorkflowId(deletedId));
    await eventually('the cleanup to be uninstalling the release', async () =>
      (await activityRunning(cleanup, 'uninstallRelease')) ? true : undefined,
    );

    await crashAndRestart();
    letUninstallReport();

    const final = await handle.result();
    expect(final.phase).toBe('Deleted');
    // The attempt the crash interrupted reported, not a retry (which would have found no release).
    expect(final.events.find((e) => e.reason === reasons.ReleaseUninstalled)?.message).toBe(
      `release ${releaseName('woocommerce', deletedId)} uninstalled`,
    );

    await expectNothingLeaked({ deleted: [{ storeId: deletedId, engine: 'woocommerce' }] });
    await expectNoSecretShown(client, [deletedId], secrets, logs);
  }, 240_000);
});
