// The platform chart's RBAC installed for real (its api and worker left out) and a kubeconfig holding a
// token of the worker's ServiceAccount: the worker's code run with exactly the rights the chart grants.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { expect } from 'vitest';
import { platformChart } from '../platform/render.js';
import { helm, kubeConfig } from './clients.js';

/**
 * How the apiserver words an RBAC refusal (`pods "x" is forbidden: User "system:serviceaccount:..."
 * cannot get resource ...`), however a log quotes or escapes it. A quota's or an admission policy's
 * "forbidden" (a store's readiness finding may name one) is not a refusal of the worker's role.
 */
export const rbacRefusal = /is forbidden: User \S+ cannot /;

export interface WorkerRbac {
  kubeconfigPath: string;
  kubeConfig: KubeConfig;
  serviceAccount: string;
  uninstall(): Promise<void>;
}

/** Installs release `release` of the platform chart into `namespace` and writes the token's kubeconfig into `dir`. */
export async function installWorkerRbac(release: string, namespace: string, dir: string): Promise<WorkerRbac> {
  const admin = kubeConfig();
  const core = admin.makeApiClient(CoreV1Api);
  const install = await helm([
    'upgrade',
    '--install',
    release,
    platformChart,
    '-n',
    namespace,
    '--create-namespace',
    '--set',
    'api.enabled=false',
    '--set',
    'worker.enabled=false',
  ]);
  expect(install.exitCode, install.all).toBe(0);
  const serviceAccount = `${release}-worker`;
  const request = await core.createNamespacedServiceAccountToken({
    name: serviceAccount,
    namespace,
    body: {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      spec: { audiences: [], expirationSeconds: 3600 },
    },
  });
  const cluster = admin.getCurrentCluster();
  if (!cluster?.caData) throw new Error('the harness kubeconfig has no inline CA');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'storefleet', server: cluster.server, caData: cluster.caData, skipTLSVerify: false }],
    users: [{ name: serviceAccount, token: request.status!.token }],
    contexts: [{ name: serviceAccount, cluster: 'storefleet', user: serviceAccount }],
    currentContext: serviceAccount,
  });
  const kubeconfigPath = join(dir, 'worker.kubeconfig');
  writeFileSync(kubeconfigPath, kc.exportConfig(), { mode: 0o600 });
  return {
    kubeconfigPath,
    kubeConfig: kc,
    serviceAccount,
    async uninstall() {
      await helm(['uninstall', release, '-n', namespace]);
      await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    },
  };
}
