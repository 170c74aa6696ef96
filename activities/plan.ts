// The dry run of a create: what storefleet and the chart would create or change in the store's
// namespace, and whether the chart's pods and volumes fit the plan's quota. Reads only; `helm template`
// renders the chart with the same values a real install gets.
import { KubernetesObjectApi, loadAllYaml, type KubernetesObject } from '@kubernetes/client-node';
import { adminSecretName, namespaceName } from '../core/names.js';
import { plans } from '../core/plans.js';
import type { StoreSpec } from '../core/store-spec.js';
import type { ActivityDeps } from './deps.js';
import { guardrailManifests } from './guardrails.js';
import { classifyHelmError } from './helm.js';
import { helmRunner, storeRelease } from './helm-cli.js';
import { latestRevision } from './helm-records.js';
import { ignoreNotFound } from './kube-objects.js';
import { resourceFits } from './plan-resources.js';
import type { PlannedObject, StorePlan } from '../core/reads.js';

export function createPlanActivities(deps: ActivityDeps) {
  const helm = helmRunner(deps);

  /** `helm upgrade --dry-run=server`: the manifest as the release would get it, recording nothing. */
  async function renderUpgrade(release: string, chart: string, namespace: string, values: string) {
    const result = await helm(
      ['upgrade', release, chart, '-n', namespace, '-f', '-', '--dry-run=server', '-o', 'json'],
      values,
    );
    return result.ok
      ? { ...result, stdout: (JSON.parse(result.stdout) as { manifest?: string }).manifest ?? '' }
      : result;
  }
  return {
    async planStore(spec: StoreSpec): Promise<StorePlan> {
      const namespace = namespaceName(spec.storeId);
      const objects = deps.kubeConfig.makeApiClient(KubernetesObjectApi);
      const namespaceExists = Boolean(
        await ignoreNotFound(objects.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })),
      );
      const actionFor = async (object: KubernetesObject): Promise<PlannedObject['action']> =>
        namespaceExists &&
        (await ignoreNotFound(
          objects.read({
            apiVersion: object.apiVersion!,
            kind: object.kind!,
            metadata: { name: object.metadata!.name!, namespace },
          }),
        ))
          ? 'update'
          : 'create';

      const { name: release, chart, values } = storeRelease(deps, spec);
      // A store that exists (the dry run of a change) is rendered against the cluster, so the chart's
      // lookups see what is there, e.g. the volume sizes a plan change keeps; a new one by `helm template`.
      const exists = namespaceExists && (await latestRevision(deps.kubeConfig, release, namespace)) !== undefined;
      const rendered = exists
        ? await renderUpgrade(release, chart, namespace, values)
        : await helm(['template', release, chart, '-n', namespace, '-f', '-'], values);
      const problems = rendered.ok ? [] : [`the chart does not render: ${classifyHelmError(rendered.output).message}`];
      const chartObjects = rendered.ok
        ? (loadAllYaml(rendered.stdout) as Array<KubernetesObject | null>).filter((o): o is KubernetesObject =>
            Boolean(o?.kind),
          )
        : [];

      const own: KubernetesObject[] = [
        ...guardrailManifests(spec, deps.ingressNamespace),
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: adminSecretName, namespace } },
      ];
      const planned: PlannedObject[] = [
        { kind: 'Namespace', name: namespace, source: 'storefleet', action: namespaceExists ? 'update' : 'create' },
      ];
      for (const [source, list] of [
        ['storefleet', own],
        ['chart', chartObjects],
      ] as const) {
        for (const object of list)
          planned.push({ kind: object.kind!, name: object.metadata!.name!, source, action: await actionFor(object) });
      }
      const resources = resourceFits(chartObjects, plans[spec.plan]);
      for (const fit of resources.filter((r) => !r.fits))
        problems.push(`${fit.resource}: the chart asks for ${fit.requested}, plan ${spec.plan} allows ${fit.quota}`);
      return { namespace, objects: planned, resources, fits: problems.length === 0, problems };
    },
  };
}
