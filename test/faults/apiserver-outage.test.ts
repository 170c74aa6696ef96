// The kube-apiserver goes away for ~20 s while one store runs helm upgrade --install and another runs
// helm uninstall in its cleanup: the steps retry, the stores end Ready and Deleted with nothing leaked
// and no secret shown, and both timelines say when the API was unreachable and when it answered again.
// One outage serves both cases, on a cluster of this file's own: the shared one must stay up for the
// other test files. Then the same apiserver hangs (SIGSTOP: it takes connections and answers nothing)
// while a third store creates its namespace: each call is given up at its timeout, and the store still
// ends Ready.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SharedAgentKubeConfig } from '../../activities/kube-config.js';
import { deleteSignal } from '../../core/messages.js';
import { reasons, type StoreStatus } from '../../core/status.js';
import { startSimulatedCluster, type RunningCluster } from '../../dev/cluster/simulated.js';
import { freePort } from '../../dev/ports.js';
import { ProcessRegistry } from '../../dev/process.js';
import { apiserverOutage, type ApiserverOutage } from '../harness/apiserver-outage.js';
import { expectNoSecretShown, expectNothingLeaked, storeSecretValues } from '../harness/end-checks.js';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

// With the apiserver's own restart time the API is unreachable for about 20 s.
const downMs = 16_000;
const provisionedId = storeId('outage-new');
const deletedId = storeId('outage-del');
const hungId = storeId('outage-hang');
// Shorter than the worker's default, so the hang outlasts a few timed-out calls in little time.
const hangMs = 12_000;
const callTimeoutMs = 3_000;

let stateDir: string;
let cluster: RunningCluster | undefined;
let outage: ApiserverOutage;
let worker: TestStoreWorker | undefined;
let provisioned: Awaited<ReturnType<TestStoreWorker['createStore']>>;
let deleted: Awaited<ReturnType<TestStoreWorker['createStore']>>;
let deletedSecrets: string[];

/**
 * Each step that met the outage says so, and the recovery says how long the store's steps were held up:
 * from the first failed call (after the apiserver stopped) to the success (after its restart began).
 */
async function expectOutageRecorded(status: StoreStatus, step: string): Promise<void> {
  const outageEvents = status.events.filter(
    (e) => e.reason === reasons.KubernetesUnreachable || e.reason === reasons.KubernetesReachable,
  );
  const firstFailure = outageEvents[0];
  expect(firstFailure).toMatchObject({
    type: 'Warning',
    reason: reasons.KubernetesUnreachable,
    message: expect.stringMatching(
      new RegExp(`^${step} \\(attempt 1\\) could not reach the Kubernetes API: .*(connection refused|ECONNREFUSED)`),
    ) as unknown,
  });
  const recovery = outageEvents.at(-1);
  expect(recovery).toMatchObject({
    type: 'Normal',
    reason: reasons.KubernetesReachable,
    message: expect.stringMatching(
      new RegExp(
        `^the Kubernetes API serves again: ${step} succeeded on attempt \\d+; this store's steps were held up for \\d+s \\(from the first failed call, ${firstFailure?.time}, to this success\\)$`,
      ),
    ) as unknown,
  });
  const { downAt, restartAt } = await outage.over;
  const claimedMs = Number(/held up for (\d+)s/.exec(recovery?.message ?? '')?.[1]) * 1000;
  const failedAt = Date.parse(firstFailure?.time ?? '');
  expect(failedAt).toBeGreaterThanOrEqual(downAt);
  // Whole seconds, rounded down: within a second of what the events' own times say, which lie inside the outage's span.
  expect(claimedMs).toBeLessThanOrEqual(Date.parse(recovery?.time ?? '') - downAt);
  expect(claimedMs).toBeGreaterThan(restartAt - failedAt - 1000);
}

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'storefleet-outage-'));
  const ports = {
    etcd: await freePort(),
    etcdPeer: await freePort(),
    apiserver: await freePort(),
    controllerManager: await freePort(),
    scheduler: await freePort(),
  };
  cluster = await startSimulatedCluster({
    stateDir,
    toolchain: inject('toolchain'),
    ports,
    registry: new ProcessRegistry(join(stateDir, 'pids.json')),
    nodes: 1,
    ephemeral: true,
  });
  outage = apiserverOutage(cluster, downMs, [
    { activity: 'helmUpgradeInstall', storeId: provisionedId },
    { activity: 'uninstallRelease', storeId: deletedId },
  ]);
  // A provisioning deadline well past the outage: after the restart, the controllers' watches come back
  // with a back-off, which a loaded CI machine (a real node's tests run beside) stretches past 2 minutes.
  worker = await startStoreWorker({
    kubeconfigPath: cluster.kubeconfigPath,
    wrapActivities: outage.hold,
    maxProvisionSeconds: 300,
  });
  deleted = await worker.createStore({ storeId: deletedId, engine: 'woocommerce' });
  // The first store on a cluster just started waits for its controllers to settle: a few seconds alone,
  // more than 90 s on a loaded CI machine, more than 180 s on one half as fast (this cluster's five
  // processes start while four test files share two cores).
  await waitForPhase(deleted, 'Ready', 270_000);
  // Plan large: right after the restart the controllers act on stale caches and may create a pod twice
  // before they catch up; the quota of a small store then refuses the pod the store needs (seen on a
  // loaded machine). The outage, not the quota, is what this test is about.
  provisioned = await worker.createStore({ storeId: provisionedId, engine: 'woocommerce', plan: 'large' });
  // Read while the store exists: the delete takes its Secret along.
  deletedSecrets = await storeSecretValues(deletedId, cluster.kubeconfigPath);
  await deleted.signal(deleteSignal);
}, 400_000);

afterAll(async () => {
  await worker?.stop();
  await cluster?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

describe('a kube-apiserver outage', () => {
  it('when the apiserver is down for ~20 s during helm upgrade --install, then the store ends Ready with one release and one secret and no secret shown, and its events record the outage and the recovery', async () => {
    const ready = await waitForPhase(provisioned, 'Ready', 330_000);
    expect(ready.attempts).toBe(1);
    await expectOutageRecorded(ready, 'helmUpgradeInstall');

    const { kubeconfigPath } = cluster!;
    await expectNothingLeaked({ ready: [{ storeId: provisionedId, engine: 'woocommerce' }] }, kubeconfigPath);
    await expectNoSecretShown(
      worker!.client,
      [provisionedId],
      await storeSecretValues(provisionedId, kubeconfigPath),
      worker!.logs,
    );
  }, 360_000);

  it('when the apiserver is down for ~20 s during cleanup, then the store ends Deleted with nothing of it left and no secret shown, and its events record the outage and the recovery', async () => {
    const final = await deleted.result();
    expect(final.phase).toBe('Deleted');
    await expectOutageRecorded(final, 'uninstallRelease');

    await expectNothingLeaked({ deleted: [{ storeId: deletedId, engine: 'woocommerce' }] }, cluster!.kubeconfigPath);
    await expectNoSecretShown(worker!.client, [deletedId], deletedSecrets, worker!.logs);
    await outage.over;
  });
});

describe('a kube-apiserver that hangs', () => {
  it('when the apiserver answers nothing for ~12 s while a store creates its namespace, then each call is given up at its timeout, the timeline says the API did not answer and then serves again, and the store ends Ready with nothing leaked and no secret shown', async () => {
    await outage.over;
    const { kubeconfigPath, processes } = cluster!;
    const signalApiserver = (signal: NodeJS.Signals) => {
      process.kill(processes.find((p) => p.name === 'kube-apiserver')!.pid, signal);
      return Promise.resolve();
    };
    const hang = apiserverOutage(
      { stopApiserver: () => signalApiserver('SIGSTOP'), startApiserver: () => signalApiserver('SIGCONT') },
      hangMs,
      [{ activity: 'ensureNamespace', storeId: hungId }],
    );
    const kubeConfig = new SharedAgentKubeConfig(callTimeoutMs);
    kubeConfig.loadFromFile(kubeconfigPath);
    const hangWorker = await startStoreWorker({
      kubeconfigPath,
      kubeConfig,
      wrapActivities: hang.hold,
      maxProvisionSeconds: 300,
    });
    try {
      const ready = await waitForPhase(
        await hangWorker.createStore({ storeId: hungId, engine: 'woocommerce' }),
        'Ready',
        300_000,
      );
      const outageEvents = ready.events.filter(
        (e) => e.reason === reasons.KubernetesUnreachable || e.reason === reasons.KubernetesReachable,
      );
      expect(outageEvents[0]).toMatchObject({
        type: 'Warning',
        reason: reasons.KubernetesUnreachable,
        message: 'ensureNamespace (attempt 1) the Kubernetes API did not answer before the request timed out',
      });
      expect(outageEvents.at(-1)).toMatchObject({
        type: 'Normal',
        reason: reasons.KubernetesReachable,
        message: expect.stringMatching(
          /^the Kubernetes API serves again: ensureNamespace succeeded on attempt \d+;/,
        ) as unknown,
      });
      await expectNothingLeaked({ ready: [{ storeId: hungId, engine: 'woocommerce' }] }, kubeconfigPath);
      await expectNoSecretShown(
        hangWorker.client,
        [hungId],
        await storeSecretValues(hungId, kubeconfigPath),
        hangWorker.logs,
      );
    } finally {
      // A failure while it hangs must not leave the apiserver stopped for the cluster's own stop.
      await signalApiserver('SIGCONT');
      await hangWorker.stop();
    }
  }, 360_000);
});
