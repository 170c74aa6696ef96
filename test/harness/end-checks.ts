// The two checks every fault test ends with, whatever it broke: nothing of a store leaked or doubled
// (a deleted store left no namespace, claim, volume or release; a Ready one has one release and one
// Secret), and no value of a store's Secret showed in a workflow history or a worker's log.
import { CoreV1Api } from '@kubernetes/client-node';
import type { Client } from '@temporalio/client';
import { expect } from 'vitest';
import { adminSecretName, cleanupWorkflowId, namespaceName, releaseName, storeWorkflowId } from '../../core/names.js';
import type { Engine } from '../../core/store-spec.js';
import { eventually, helm, kubeConfig } from './clients.js';
import { historyText } from './store-worker.js';

export interface StoreRef {
  storeId: string;
  engine: Engine;
}

interface ListedRelease {
  name: string;
  namespace: string;
  status: string;
}

async function releasesOf(storeId: string, kubeconfigPath?: string): Promise<ListedRelease[]> {
  const listed = await helm(
    ['list', '-A', '-a', '-o', 'json', '--filter', `^[a-z]+-${storeId}$`],
    kubeconfigPath ? { kubeconfigPath } : {},
  );
  return JSON.parse(listed.stdout) as ListedRelease[];
}

/** Deleted stores left nothing; each Ready store has exactly one deployed release and one store Secret. */
export async function expectNothingLeaked(
  stores: { ready?: StoreRef[]; deleted?: StoreRef[] },
  kubeconfigPath?: string,
): Promise<void> {
  const core = kubeConfig(kubeconfigPath).makeApiClient(CoreV1Api);
  for (const { storeId, engine } of stores.ready ?? []) {
    const namespace = namespaceName(storeId);
    expect((await releasesOf(storeId, kubeconfigPath)).map((r) => [r.name, r.namespace, r.status])).toEqual([
      [releaseName(engine, storeId), namespace, 'deployed'],
    ]);
    const secrets = (await core.listNamespacedSecret({ namespace })).items.filter(
      (secret) => secret.type !== 'helm.sh/release.v1',
    );
    expect(secrets.map((secret) => secret.metadata?.name)).toEqual([adminSecretName]);
  }
  const gone = stores.deleted ?? [];
  if (gone.length === 0) return;
  const namespaces = new Set(gone.map(({ storeId }) => namespaceName(storeId)));
  const left = async () => {
    const names = (await core.listNamespace()).items
      .map((n) => n.metadata?.name ?? '')
      .filter((name) => namespaces.has(name));
    const claims = (await core.listPersistentVolumeClaimForAllNamespaces()).items.filter((c) =>
      namespaces.has(c.metadata?.namespace ?? ''),
    );
    // In any phase: a Released volume is still storage someone pays for.
    const volumes = (await core.listPersistentVolume()).items.filter((pv) =>
      namespaces.has(pv.spec?.claimRef?.namespace ?? ''),
    );
    const releases = (await Promise.all(gone.map(({ storeId }) => releasesOf(storeId, kubeconfigPath)))).flat();
    return [
      ...names.map((n) => `namespace ${n}`),
      ...claims.map((c) => `claim ${c.metadata?.namespace}/${c.metadata?.name}`),
      ...volumes.map((pv) => `volume ${pv.metadata?.name} (${pv.status?.phase})`),
      ...releases.map((r) => `release ${r.namespace}/${r.name} (${r.status})`),
    ];
  };
  // Volumes go a moment after their claims: reclaiming them is the provisioner's job, not the workflow's.
  let remaining: string[] = [];
  await eventually(
    'nothing of the deleted stores to be left',
    async () => ((remaining = await left()).length === 0 ? true : undefined),
    60_000,
    () => `left: ${remaining.join(', ')}`,
  );
}

/** The store's admin Secret, decoded, by key. */
export async function storeSecret(storeId: string, kubeconfigPath?: string): Promise<Record<string, string>> {
  const secret = await kubeConfig(kubeconfigPath)
    .makeApiClient(CoreV1Api)
    .readNamespacedSecret({ name: adminSecretName, namespace: namespaceName(storeId) });
  return Object.fromEntries(
    Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()]),
  );
}

/** The values of a store's admin Secret worth searching for ('admin', the user name, is too common a word). */
export async function storeSecretValues(storeId: string, kubeconfigPath?: string): Promise<string[]> {
  return Object.values(await storeSecret(storeId, kubeconfigPath)).filter((value) => value.length >= 8);
}

/** No secret value, plain or base64, in the store's and its cleanup's histories or in the logs given. */
export async function expectNoSecretShown(
  client: Client,
  storeIds: string[],
  secrets: string[],
  logs: string[],
): Promise<void> {
  expect(secrets.length).toBeGreaterThan(0);
  const histories: string[] = [];
  for (const storeId of storeIds) {
    for (const workflowId of [storeWorkflowId(storeId), cleanupWorkflowId(storeId)]) {
      const text = await historyText(client.workflow.getHandle(workflowId)).catch((error: unknown) => {
        if (error instanceof Error && /not found/i.test(error.message)) return '';
        throw error;
      });
      histories.push(text);
    }
  }
  const places = [...histories, ...logs].join('\n');
  expect(places.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    expect(places).not.toContain(secret);
    expect(places).not.toContain(Buffer.from(secret).toString('base64'));
  }
}
