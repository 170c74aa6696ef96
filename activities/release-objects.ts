// A Ready store's release objects kept as its chart made them: the deployed revision's manifest is read
// from helm's release Secret (no helm process), and each Deployment, StatefulSet, Service, Ingress or
// ConfigMap that someone deleted or changed is applied again. A server-side dry run tells whether
// applying would change anything, so an intact object is never written.
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { KubernetesObjectApi, loadAllYaml, PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { namespaceName, releaseName } from '../core/names.js';
import type { StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { newestReleaseSecret } from './helm-records.js';
import { fieldManager, ignoreNotFound } from './kube-objects.js';

const gunzipAsync = promisify(gunzip);

/** What a store keeps serving with; Jobs run once and volumes are never recreated empty. */
const watchedKinds = new Set(['Deployment', 'StatefulSet', 'Service', 'Ingress', 'ConfigMap']);

/** The parts of an object its chart decides: what an apply of the manifest would change. */
function chartView(object: KubernetesObject & { spec?: unknown; data?: unknown }): string {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.entries(value)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([k, v]) => [k, sorted(v)]),
          )
        : value;
  return JSON.stringify(
    sorted({
      labels: object.metadata?.labels,
      annotations: object.metadata?.annotations,
      spec: object.spec,
      data: object.data,
    }),
  );
}

/** The manifest helm deployed for the release: its newest `deployed` revision, from the release Secret. */
export async function deployedManifest(deps: ActivityDeps, spec: StoreSpec): Promise<KubernetesObject[]> {
  const namespace = namespaceName(spec.storeId);
  const newest = await newestReleaseSecret(
    deps.kubeConfig,
    releaseName(spec.engine, spec.storeId),
    namespace,
    'deployed',
  );
  const encoded = newest?.data?.release;
  if (!encoded) return [];
  // Kubernetes base64s the Secret's data; helm stored base64 of gzipped JSON in it.
  const json = await gunzipAsync(Buffer.from(Buffer.from(encoded, 'base64').toString('utf8'), 'base64'));
  const release = JSON.parse(json.toString('utf8')) as { manifest?: string };
  return (loadAllYaml(release.manifest ?? '') as Array<KubernetesObject | null>)
    .filter((o): o is KubernetesObject => o !== null && watchedKinds.has(o.kind ?? ''))
    .map((o) => ({ ...o, metadata: { ...o.metadata, namespace } }));
}

export function createReleaseObjectActivities(deps: ActivityDeps) {
  const objects = KubernetesObjectApi.makeApiClient(deps.kubeConfig);
  const apply = (object: KubernetesObject, dryRun?: 'All') =>
    objects.patch(object, undefined, dryRun, fieldManager, true, PatchStrategy.ServerSideApply);

  return {
    /**
     * Puts back the release's objects that were deleted or changed since helm deployed them; `restored`
     * names each (`Service/x (deleted)`, `Deployment/y (changed)`). None when the release has no
     * deployed revision (a store being changed or rolled back).
     */
    async restoreReleaseObjects(spec: StoreSpec): Promise<{ restored: string[] }> {
      const restored: string[] = [];
      for (const object of await deployedManifest(deps, spec)) {
        const name = `${object.kind}/${object.metadata?.name}`;
        const header = {
          apiVersion: object.apiVersion!,
          kind: object.kind!,
          metadata: { name: object.metadata!.name!, namespace: object.metadata!.namespace! },
        };
        const live = await ignoreNotFound(objects.read(header));
        if (live && chartView(live) === chartView(await apply(object, 'All'))) continue;
        await apply(object);
        restored.push(`${name} (${live ? 'changed' : 'deleted'})`);
      }
      if (restored.length > 0) activityLogger(deps.log, spec.storeId).warn({ restored }, 'release objects restored');
      return { restored };
    },
  };
}
