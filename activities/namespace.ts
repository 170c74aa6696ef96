// The store's namespace, labelled so everything of a store can be found and Pod Security applies.
import { CoreV1Api, type V1Namespace } from '@kubernetes/client-node';
import { namespaceName, ownedStoreLabels } from '../core/names.js';
import type { StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { applyObject, ignoreNotFound } from './kube-objects.js';
import { refuseForeign } from './ownership.js';

export function namespaceManifest(spec: StoreSpec, incarnation: string): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespaceName(spec.storeId),
      labels: {
        ...ownedStoreLabels(spec, incarnation),
        // Both engines' images (apache, database servers) need baseline; restricted would reject them.
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
    },
  };
}

export function createNamespaceActivities(deps: ActivityDeps) {
  const core = deps.kubeConfig.makeApiClient(CoreV1Api);
  return {
    /** Creates the namespace, or keeps it when this store made it; another store's is refused (ForeignRemains). */
    async ensureNamespace(spec: StoreSpec, incarnation: string): Promise<void> {
      const name = namespaceName(spec.storeId);
      const existing = await ignoreNotFound(core.readNamespace({ name }));
      if (existing) refuseForeign(`namespace ${name}`, existing.metadata?.labels, { spec, incarnation });
      await applyObject(deps.kubeConfig, namespaceManifest(spec, incarnation));
      activityLogger(deps.log, spec.storeId).info({ namespace: name, created: !existing }, 'namespace ensured');
    },
  };
}
