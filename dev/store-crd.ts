// The platform chart's Store CRD (charts/platform/crds/stores.yaml), written from core/store-resource.ts
// by `npm run crd`; the simulated and local modes install the same object at start (ensureStoreCrd).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiextensionsV1Api, CoreV1Api, dumpYaml, type V1CustomResourceDefinition } from '@kubernetes/client-node';
import { beforeSend, ignoreConflict } from '../activities/kube-objects.js';
import { storeCrd } from '../core/store-resource.js';
import { repoRoot } from './config.js';
import { waitForCrdEstablished } from './polling.js';
import { loadKubeConfig } from '../activities/kube-config.js';

export const storeCrdFile = 'charts/platform/crds/stores.yaml';

/** Where the local modes keep the Store objects of API-made stores and the controller's Lease (the chart: its release namespace). */
export const localStoreObjectNamespace = 'storefleet';

export function storeCrdYaml(): string {
  return `# Written by \`npm run crd\` from core/store-resource.ts; edit that file, not this one.\n${dumpYaml(storeCrd, { lineWidth: 120, noRefs: true })}`;
}

/** Writes the CRD file; false when it already said the same. */
export function writeStoreCrd(): boolean {
  const path = join(repoRoot, storeCrdFile);
  const text = storeCrdYaml();
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // Not written yet.
  }
  if (current === text) return false;
  writeFileSync(path, text);
  return true;
}

/**
 * Sends `body` as it is: the client's typed serializer knows the schema fields by its own names
 * (`_enum`, `xKubernetesValidations`) and would drop `enum`, `default` and the CEL rules of a plain object.
 */
const rawBody = (body: object) => beforeSend((context) => context.setBody(JSON.stringify(body)));

/** Creates or replaces the Store CRD in the cluster and waits until the apiserver serves it (local modes, at start). */
export async function ensureStoreCrd(kubeconfigPath: string, timeoutMs = 30_000): Promise<void> {
  const kc = loadKubeConfig(kubeconfigPath);
  const extensions = kc.makeApiClient(ApiextensionsV1Api);
  const name = storeCrd.metadata.name;
  const existing = await extensions.readCustomResourceDefinition({ name }).catch(() => undefined);
  if (existing) {
    const body = {
      ...storeCrd,
      metadata: { ...storeCrd.metadata, resourceVersion: existing.metadata?.resourceVersion },
    };
    await extensions.replaceCustomResourceDefinition({ name, body: existing }, rawBody(body));
  } else {
    // The typed body is a placeholder the middleware replaces.
    const placeholder = { metadata: { name } } as V1CustomResourceDefinition;
    await extensions.createCustomResourceDefinition({ body: placeholder }, rawBody(storeCrd));
  }
  await waitForCrdEstablished(extensions, name, timeoutMs);
}

/** The namespace of the local modes' Store objects and Lease. */
export async function ensureStoreObjectNamespace(kubeconfigPath: string): Promise<void> {
  const kc = loadKubeConfig(kubeconfigPath);
  await ignoreConflict(
    kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: localStoreObjectNamespace } } }),
  );
}
