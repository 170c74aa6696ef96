// HTTPS stores with the real cert-manager controller (built from its Go module) and a self-signed
// ClusterIssuer in the simulated cluster: the worker configured as STOREFLEET_STORE_TLS_CLUSTER_ISSUER
// configures it, the store's Ingress gets a certificate, and the store is Ready only once it is issued.
import { X509Certificate } from 'node:crypto';
import { CoreV1Api, CustomObjectsApi } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceName, releaseName } from '../../core/names.js';
import { clusterChartValues } from '../../worker/cluster-values.js';
import { startCertManager, type CertManager } from '../harness/cert-manager.js';
import { kubeConfig } from '../harness/clients.js';
import { expectNothingLeaked } from '../harness/end-checks.js';
import { startStoreWorker, storeId, storeStatus, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let certManager: CertManager;
let worker: TestStoreWorker;

beforeAll(async () => {
  certManager = await startCertManager();
  worker = await startStoreWorker({
    storeHttps: true,
    maxProvisionSeconds: 60,
    chartValues: Object.fromEntries(
      (['woocommerce', 'medusa'] as const).map((engine) => [
        engine,
        clusterChartValues({ STOREFLEET_STORE_TLS_CLUSTER_ISSUER: certManager.issuer }),
      ]),
    ),
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  await certManager?.stop();
});

describe('HTTPS stores (cert-manager)', () => {
  it('when stores get certificates from a ClusterIssuer, then the certificate is issued for the store host before the store is Ready, its URLs are https, and deleting it leaves nothing', async () => {
    const id = storeId('tls');
    const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    const ready = await waitForPhase(handle, 'Ready');
    const host = `${id}.127.0.0.1.nip.io`;
    expect(ready.url).toBe(`https://${host}`);
    expect(ready.adminUrl).toBe(`https://${host}/wp-admin/`);

    const namespace = namespaceName(id);
    const secretName = `${releaseName('woocommerce', id)}-tls`;
    const secret = await kubeConfig().makeApiClient(CoreV1Api).readNamespacedSecret({ name: secretName, namespace });
    expect(secret.type).toBe('kubernetes.io/tls');
    // Issued before the store was Ready (timestamps are whole seconds).
    expect(Date.parse(String(secret.metadata?.creationTimestamp))).toBeLessThanOrEqual(Date.parse(ready.readyAt!));
    const certificate = new X509Certificate(Buffer.from(secret.data!['tls.crt']!, 'base64'));
    expect(certificate.subjectAltName).toContain(`DNS:${host}`);
    const issued = (await kubeConfig().makeApiClient(CustomObjectsApi).getNamespacedCustomObject({
      group: 'cert-manager.io',
      version: 'v1',
      namespace,
      plural: 'certificates',
      name: secretName,
    })) as { status?: { conditions?: Array<{ type: string; status: string }> } };
    expect(issued.status?.conditions).toContainEqual(expect.objectContaining({ type: 'Ready', status: 'True' }));

    await handle.signal('delete');
    await waitForPhase(handle, 'Deleted');
    await expectNothingLeaked({ deleted: [{ storeId: id, engine: 'woocommerce' }] });
  });

  it('when the certificate is never issued (an issuer that does not exist), then the store is not Ready but Failed at its deadline naming the certificate Secret', async () => {
    const broken = await startStoreWorker({
      storeHttps: true,
      maxProvisionSeconds: 15,
      chartValues: { medusa: clusterChartValues({ STOREFLEET_STORE_TLS_CLUSTER_ISSUER: 'no-such-issuer' }) },
    });
    try {
      const id = storeId('notls');
      const handle = await broken.createStore({ storeId: id, engine: 'medusa' });
      const failed = await waitForPhase(handle, 'Failed', 90_000);
      expect(failed.readyAt).toBeUndefined();
      expect(failed.lastError).toContain(
        `certificate Secret ${releaseName('medusa', id)}-tls (issued by cert-manager)`,
      );
      expect((await storeStatus(handle)).conditions).toContainEqual(
        expect.objectContaining({ type: 'StoreReady', status: 'False', reason: 'ProvisionTimeout' }),
      );
      await handle.signal('delete');
      await waitForPhase(handle, 'Deleted');
      await expectNothingLeaked({ deleted: [{ storeId: id, engine: 'medusa' }] });
    } finally {
      await broken.stop();
    }
  });
});
