// A helm process that dies mid-operation leaves its release pending-*; helm then refuses every
// upgrade. The helm activity recovers such a release (uninstall or rollback) and carries on.
import { gunzipSync, gzipSync } from 'node:zlib';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceName, releaseName, storeLabels } from '../../core/names.js';
import { helm, kubeConfig } from '../harness/clients.js';
import { chartsDir, startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;
const core = kubeConfig().makeApiClient(CoreV1Api);

beforeAll(async () => {
  worker = await startStoreWorker();
});
afterAll(() => worker.stop());

/** Rewrites helm's record of the latest revision as a crashed helm would have left it. */
async function markLatestRevision(namespace: string, release: string, status: string): Promise<void> {
  const secrets = (await core.listNamespacedSecret({ namespace, labelSelector: `owner=helm,name=${release}` })).items;
  const latest = secrets.sort((a, b) => Number(b.metadata?.labels?.version) - Number(a.metadata?.labels?.version))[0]!;
  const record = JSON.parse(
    gunzipSync(Buffer.from(Buffer.from(latest.data!.release!, 'base64').toString(), 'base64')).toString(),
  ) as { info: { status: string } };
  record.info.status = status;
  const encoded = Buffer.from(gzipSync(JSON.stringify(record)).toString('base64')).toString('base64');
  await core.replaceNamespacedSecret({
    name: latest.metadata!.name!,
    namespace,
    body: {
      ...latest,
      metadata: { ...latest.metadata, labels: { ...latest.metadata?.labels, status } },
      data: { release: encoded },
    },
  });
}

async function installBeforehand(id: string, revisions: number): Promise<{ namespace: string; release: string }> {
  const namespace = namespaceName(id);
  const release = releaseName('woocommerce', id);
  // Labelled as storefleet labels it, as a crashed run would have left it (no incarnation: any run of the store adopts it).
  await core.createNamespace({
    body: {
      metadata: {
        name: namespace,
        labels: storeLabels({ storeId: id, engine: 'woocommerce', plan: 'small', owner: 'default' }),
      },
    },
  });
  const values = JSON.stringify({
    storeId: id,
    host: `${id}.127.0.0.1.nip.io`,
    plan: 'small',
    existingSecret: 'store-admin',
  });
  for (let i = 0; i < revisions; i++) {
    const result = await helm(
      ['upgrade', '--install', release, `${chartsDir}/woocommerce`, '-n', namespace, '-f', '-'],
      { input: values },
    );
    expect(result.exitCode, result.all).toBe(0);
  }
  return { namespace, release };
}

describe('a release left pending by a crash', () => {
  it.each([
    ['pending-install', 1, 'recovered from pending-install by uninstall'],
    ['pending-upgrade', 2, 'recovered from pending-upgrade by rollback'],
  ])(
    'when the release is %s, then provisioning recovers it and the store gets Ready',
    async (state, revisions, recovery) => {
      const id = storeId('pend');
      const { namespace, release } = await installBeforehand(id, revisions);
      await markLatestRevision(namespace, release, state);
      expect(
        (await helm(['upgrade', release, `${chartsDir}/woocommerce`, '-n', namespace, '--reuse-values'])).all,
      ).toMatch(/another operation/);

      const status = await waitForPhase(await worker.createStore({ storeId: id, engine: 'woocommerce' }), 'Ready');
      expect(status.conditions.find((c) => c.type === 'ReleaseDeployed')?.message).toContain(recovery);
      const after = await helm(['status', release, '-n', namespace, '-o', 'json']);
      expect(JSON.parse(after.stdout)).toMatchObject({ info: { status: 'deployed' } });
    },
  );
});
