// Hibernation: the store's Deployments and StatefulSets scaled to zero, each remembering its replicas
// in an annotation, so waking restores exactly what ran; volumes, secrets and the release stay.
// Both directions are idempotent: a retried step finds the work done and changes nothing.
import {
  AppsV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Deployment,
  type V1StatefulSet,
} from '@kubernetes/client-node';
import { namespaceName, releaseName } from '../core/names.js';
import type { StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';

/** Where a hibernated workload keeps the replicas it had. */
export const replicasAnnotation = 'storefleet.io/replicas-before-hibernation';

type Workload = V1Deployment | V1StatefulSet;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** The replicas to set, and the annotation to write (a string) or remove (null); undefined: leave it. */
export function scaleChange(
  workload: Workload,
  direction: 'hibernate' | 'wake',
): { replicas: number; annotation: string | null } | undefined {
  const replicas = workload.spec?.replicas ?? 1;
  const remembered = workload.metadata?.annotations?.[replicasAnnotation];
  if (direction === 'hibernate') return replicas === 0 ? undefined : { replicas: 0, annotation: String(replicas) };
  if (remembered === undefined) return undefined;
  return { replicas: Number(remembered) || 1, annotation: null };
}

export function createHibernationActivities(deps: ActivityDeps) {
  const apps = deps.kubeConfig.makeApiClient(AppsV1Api);

  return {
    /** Returns the workloads it changed, as Kind/name. */
    async scaleStore(spec: StoreSpec, direction: 'hibernate' | 'wake'): Promise<{ changed: string[] }> {
      const namespace = namespaceName(spec.storeId);
      const query = {
        namespace,
        labelSelector: `app.kubernetes.io/instance=${releaseName(spec.engine, spec.storeId)}`,
      };
      const [deployments, statefulSets] = await Promise.all([
        apps.listNamespacedDeployment(query),
        apps.listNamespacedStatefulSet(query),
      ]);
      const changed: string[] = [];
      const patchFor = (change: NonNullable<ReturnType<typeof scaleChange>>) => ({
        metadata: { annotations: { [replicasAnnotation]: change.annotation } },
        spec: { replicas: change.replicas },
      });
      for (const deployment of deployments.items) {
        const change = scaleChange(deployment, direction);
        if (!change) continue;
        await apps.patchNamespacedDeployment(
          { name: deployment.metadata!.name!, namespace, body: patchFor(change) },
          mergePatch,
        );
        changed.push(`Deployment/${deployment.metadata!.name!}`);
      }
      for (const statefulSet of statefulSets.items) {
        const change = scaleChange(statefulSet, direction);
        if (!change) continue;
        await apps.patchNamespacedStatefulSet(
          { name: statefulSet.metadata!.name!, namespace, body: patchFor(change) },
          mergePatch,
        );
        changed.push(`StatefulSet/${statefulSet.metadata!.name!}`);
      }
      activityLogger(deps.log, spec.storeId).info(
        { direction, changed },
        direction === 'hibernate' ? 'store scaled to zero' : 'store replicas restored',
      );
      return { changed };
    },
  };
}
