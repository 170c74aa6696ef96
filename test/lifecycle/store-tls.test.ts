// HTTPS stores with the real cert-manager controller (built from its Go module) and a self-signed
// ClusterIssuer in the simulated cluster: the worker configured as STOREFLEET_STORE_TLS_CLUSTER_ISSUER
// configures it, the store's Ingress gets a certificate, and the store is Ready only once it is issued.
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ApiextensionsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  loadYaml,
  type KubernetesObject,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { execa, type ResultPromise } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { namespaceName, releaseName } from '../../core/names.js';
import { clusterChartValues } from '../../worker/cluster-values.js';
import { eventually, kubeConfig, uniqueName } from '../harness/clients.js';
import { expectNothingLeaked } from '../harness/end-checks.js';
import { startStoreWorker, storeId, storeStatus, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

const issuer = uniqueName('selfsigned');
let controller: ResultPromise | undefined;
const controllerLog: string[] = [];
let worker: TestStoreWorker;

/** cert-manager's CRDs as its module ships them, without the chart's templated labels. */
function certManagerCrds(): V1CustomResourceDefinition[] {
  const binary = inject('toolchain')['cert-manager-controller'];
  if (!binary) throw new Error('the toolchain has no cert-manager-controller (npm test builds it)');
  const dir = join(dirname(binary), '..', 'crds');
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .map((file) =>
      loadYaml<V1CustomResourceDefinition>(
        readFileSync(join(dir, file), 'utf8')
          .split('\n')
          .filter((line) => !line.includes('{{'))
          .join('\n'),
      ),
    );
}

async function installCertManager(): Promise<void> {
  const kc = kubeConfig();
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  for (const crd of certManagerCrds()) {
    await objects.create(crd).catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
    await eventually(`CRD ${crd.metadata?.name} established`, async () => {
      const read = await extensions.readCustomResourceDefinition({ name: crd.metadata!.name! });
      return read.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') || undefined;
    });
  }
  const clusterIssuer: KubernetesObject & { spec: unknown } = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: issuer },
    spec: { selfSigned: {} },
  };
  await objects.create(clusterIssuer);
  controller = execa(
    inject('toolchain')['cert-manager-controller']!,
    [
      `--kubeconfig=${inject('kubeconfigPath')}`,
      '--leader-elect=false',
      '--cluster-resource-namespace=kube-system',
      '--metrics-listen-address=127.0.0.1:0',
      '--enable-certificate-owner-ref',
      // What a self-signed ClusterIssuer and Ingress annotations need; no ACME, Vault or Venafi.
      '--controllers=clusterissuers,ingress-shim,certificaterequests-approver,certificaterequests-issuer-selfsigned,certificates-trigger,certificates-issuing,certificates-key-manager,certificates-request-manager,certificates-readiness,certificates-revision-manager',
    ],
    { all: true, reject: false, cleanup: true },
  );
  controller.all?.on('data', (chunk: Buffer) => controllerLog.push(chunk.toString()));
  const custom = kc.makeApiClient(CustomObjectsApi);
  await eventually('the ClusterIssuer Ready', async () => {
    const read = (await custom.getClusterCustomObject({
      group: 'cert-manager.io',
      version: 'v1',
      plural: 'clusterissuers',
      name: issuer,
    })) as { status?: { conditions?: Array<{ type: string; status: string }> } };
    return read.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') || undefined;
  });
}

beforeAll(async () => {
  await installCertManager();
  worker = await startStoreWorker({
    storeHttps: true,
    maxProvisionSeconds: 60,
    chartValues: Object.fromEntries(
      (['woocommerce', 'medusa'] as const).map((engine) => [
        engine,
        clusterChartValues({ STOREFLEET_STORE_TLS_CLUSTER_ISSUER: issuer }),
      ]),
    ),
  });
}, 120_000);

afterAll(async () => {
  await worker?.stop();
  controller?.kill('SIGTERM');
  await controller;
  await KubernetesObjectApi.makeApiClient(kubeConfig())
    .delete({ apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name: issuer } })
    .catch(() => undefined);
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
