// The store's namespace, labelled so everything of a store can be found and Pod Security applies.
import type { V1Namespace } from '@kubernetes/client-node';
import { namespaceName, storeLabels } from '../core/names.js';
import type { StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { applyObject } from './kube-objects.js';

export function namespaceManifest(spec: StoreSpec): V1Namespace {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: namespaceName(spec.storeId),
      labels: {
        ...storeLabels(spec),
        // Both engines' images (apache, database servers) need baseline; restricted would reject them.
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/warn': 'restricted',
        'pod-security.kubernetes.io/audit': 'restricted',
      },
    },
  };
}

export function createNamespaceActivities(deps: ActivityDeps) {
  return {
    async ensureNamespace(spec: StoreSpec): Promise<void> {
      const created = await applyObject(deps.kubeConfig, namespaceManifest(spec));
      activityLogger(deps.log, spec.storeId).info({ namespace: namespaceName(spec.storeId), created }, 'namespace ensured');
    },
  };
}
