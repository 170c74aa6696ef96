// The cleanup steps after the release is uninstalled: volumes, then the namespace, then watching it
// go. Each is idempotent: what is already gone counts as done, and each heartbeats.
import { CoreV1Api, type V1Namespace } from '@kubernetes/client-node';
import { namespaceName } from '../core/names.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { withHeartbeat } from './heartbeat.js';
import type { ReleaseTarget } from './helm.js';
import { ignoreNotFound } from './kube-objects.js';
import { foreignOwnership } from './ownership.js';

/** Why a terminating namespace is not gone yet, from its conditions and finalizers. */
export function deletionBlockers(namespace: V1Namespace): string | undefined {
  const blocking = [
    'NamespaceFinalizersRemaining',
    'NamespaceContentRemaining',
    'NamespaceDeletionContentFailure',
    'NamespaceDeletionDiscoveryFailure',
  ];
  const reasons = (namespace.status?.conditions ?? [])
    .filter((c) => c.status === 'True' && blocking.includes(c.type))
    .map((c) => `${c.reason}: ${c.message}`);
  const finalizers = [...(namespace.spec?.finalizers ?? []), ...(namespace.metadata?.finalizers ?? [])].filter(
    (f) => f !== 'kubernetes',
  );
  if (finalizers.length > 0) reasons.push(`namespace finalizers: ${finalizers.join(', ')}`);
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

/**
 * The steps heartbeat while their calls run, so a worker lost mid-cleanup is noticed within the
 * cleanup's short heartbeat timeout instead of at the end of its start-to-close timeout.
 */
function heartbeating<T extends Record<string, (...args: never[]) => Promise<unknown>>>(steps: T): T {
  return Object.fromEntries(
    Object.entries(steps).map(([step, run]) => [
      step,
      (...args: never[]) =>
        withHeartbeat(
          () => ({ step }),
          () => run(...args),
        ),
    ]),
  ) as T;
}

export function createCleanupActivities(deps: ActivityDeps) {
  const core = deps.kubeConfig.makeApiClient(CoreV1Api);

  return heartbeating({
    /**
     * Why the store's namespace must not be cleaned up by this store (it belongs to another owner's
     * store of the same id, or not to storefleet), or nothing when it may; an absent namespace may.
     */
    async foreignNamespace(target: { storeId: string; owner: string }): Promise<{ problem?: string }> {
      const name = namespaceName(target.storeId);
      const namespace = await ignoreNotFound(core.readNamespace({ name }));
      const problem = namespace && foreignOwnership(`namespace ${name}`, namespace.metadata?.labels, { spec: target });
      return problem ? { problem } : {};
    },

    async deletePersistentVolumeClaims(target: ReleaseTarget): Promise<{ deleted: string[] }> {
      const namespace = namespaceName(target.storeId);
      const claims = (await core.listNamespacedPersistentVolumeClaim({ namespace })).items;
      const deleted: string[] = [];
      for (const claim of claims) {
        const name = claim.metadata!.name!;
        if (await ignoreNotFound(core.deleteNamespacedPersistentVolumeClaim({ name, namespace }))) deleted.push(name);
      }
      activityLogger(deps.log, target.storeId).info({ namespace, deleted }, 'volumes deleted');
      return { deleted };
    },

    async deleteNamespace(target: ReleaseTarget): Promise<{ deleted: boolean }> {
      const name = namespaceName(target.storeId);
      const result = await ignoreNotFound(core.deleteNamespace({ name }));
      activityLogger(deps.log, target.storeId).info(
        { namespace: name, alreadyGone: result === undefined },
        'namespace deletion requested',
      );
      return { deleted: result !== undefined };
    },

    async namespaceDeletionStatus(target: ReleaseTarget): Promise<{ gone: boolean; blockers?: string }> {
      const namespace = await ignoreNotFound(core.readNamespace({ name: namespaceName(target.storeId) }));
      if (!namespace) return { gone: true };
      const blockers = deletionBlockers(namespace);
      return blockers ? { gone: false, blockers } : { gone: false };
    },
  });
}
