// The real cert-manager controller (built from its Go module, test toolchain) against a cluster of the
// tests: its CRDs as its module ships them, a self-signed ClusterIssuer of a unique name, and the
// controllers a self-signed issuer and Ingress annotations need (no ACME, Vault or Venafi).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  loadYaml,
  type V1CustomResourceDefinition,
} from '@kubernetes/client-node';
import { execa } from 'execa';
import { inject } from 'vitest';
import { eventually, kubeConfig, uniqueName } from './clients.js';

export interface CertManager {
  /** The self-signed ClusterIssuer's name. */
  issuer: string;
  stop(): Promise<void>;
}

const controllers = [
  'clusterissuers',
  'ingress-shim',
  'certificaterequests-approver',
  'certificaterequests-issuer-selfsigned',
  'certificates-trigger',
  'certificates-issuing',
  'certificates-key-manager',
  'certificates-request-manager',
  'certificates-readiness',
  'certificates-revision-manager',
];

function controllerBinary(): string {
  const binary = inject('toolchain')['cert-manager-controller'];
  if (!binary) throw new Error('the toolchain has no cert-manager-controller (npm test builds it)');
  return binary;
}

/** cert-manager's CRDs as its module ships them, without the chart's templated labels. */
function crds(): V1CustomResourceDefinition[] {
  const dir = join(dirname(controllerBinary()), '..', 'crds');
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

/** true when the object's condition `type` is True, else undefined (eventually() waits on). */
const conditionTrue = (object: unknown, type: string): true | undefined =>
  (object as { status?: { conditions?: Array<{ type: string; status: string }> } }).status?.conditions?.some(
    (c) => c.type === type && c.status === 'True',
  ) || undefined;

/** Installs the CRDs (kept: other files may share the cluster), the issuer, and runs the controller until stop(). */
export async function startCertManager(kubeconfigPath = inject('kubeconfigPath')): Promise<CertManager> {
  const kc = kubeConfig(kubeconfigPath);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  for (const crd of crds()) {
    await objects.create(crd).catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
    await eventually(`CRD ${crd.metadata?.name} established`, async () =>
      conditionTrue(await extensions.readCustomResourceDefinition({ name: crd.metadata!.name! }), 'Established'),
    );
  }
  const issuer = uniqueName('selfsigned');
  const clusterIssuer = {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: issuer },
    spec: { selfSigned: {} },
  };
  await objects.create(clusterIssuer);
  const controller = execa(
    controllerBinary(),
    [
      `--kubeconfig=${kubeconfigPath}`,
      '--leader-elect=false',
      '--cluster-resource-namespace=kube-system',
      '--metrics-listen-address=127.0.0.1:0',
      '--enable-certificate-owner-ref',
      `--controllers=${controllers.join(',')}`,
    ],
    { all: true, reject: false, cleanup: true },
  );
  const custom = kc.makeApiClient(CustomObjectsApi);
  await eventually('the ClusterIssuer Ready', async () =>
    conditionTrue(
      await custom.getClusterCustomObject({
        group: 'cert-manager.io',
        version: 'v1',
        plural: 'clusterissuers',
        name: issuer,
      }),
      'Ready',
    ),
  );
  return {
    issuer,
    async stop() {
      controller.kill('SIGTERM');
      await controller;
      await objects.delete(clusterIssuer).catch(() => undefined);
    },
  };
}
