// The store's credentials: generated here, written once to Secret `store-admin`, read by the charts via
// existingSecret. Values never leave this activity: not in its result, not in a log line.
import { randomBytes } from 'node:crypto';
import { CoreV1Api } from '@kubernetes/client-node';
import { adminSecretName, namespaceName, ownedStoreLabels } from '../core/names.js';
import type { StoreSpec } from '../core/store-spec.js';
import { activityLogger, type ActivityDeps } from './deps.js';
import { ignoreConflict } from './kube-objects.js';
import { refuseForeign } from './ownership.js';

/** The keys the store charts read; docs/charts.md and the charts' README name the same. */
export const adminSecretKeys = [
  'admin-username',
  'admin-email',
  'admin-password',
  'database-password',
  'database-root-password',
  'jwt-secret',
  'cookie-secret',
] as const;

const generated = () => randomBytes(24).toString('base64url');

/** Fresh credentials of a store (what a store's Secret holds; never logged). */
export function secretValues(spec: StoreSpec): Record<(typeof adminSecretKeys)[number], string> {
  return {
    'admin-username': 'admin',
    'admin-email': `admin@${spec.storeId}.store.invalid`,
    'admin-password': generated(),
    'database-password': generated(),
    'database-root-password': generated(),
    'jwt-secret': generated(),
    'cookie-secret': generated(),
  };
}

export function createSecretActivities(deps: ActivityDeps) {
  return {
    /**
     * Creates the secret if absent; one this store made is kept as is, so retries never rotate
     * passwords; one made for another owner or an earlier store is refused (ForeignRemains).
     */
    async ensureAdminSecret(spec: StoreSpec, incarnation: string): Promise<{ secretName: string }> {
      const core = deps.kubeConfig.makeApiClient(CoreV1Api);
      const namespace = namespaceName(spec.storeId);
      const created = await ignoreConflict(
        core.createNamespacedSecret({
          namespace,
          body: {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: adminSecretName, namespace, labels: ownedStoreLabels(spec, incarnation) },
            type: 'Opaque',
            stringData: secretValues(spec),
          },
        }),
      );
      if (!created) {
        const existing = await core.readNamespacedSecret({ name: adminSecretName, namespace });
        refuseForeign(`Secret ${namespace}/${adminSecretName}`, existing.metadata?.labels, { spec, incarnation });
      }
      activityLogger(deps.log, spec.storeId).info(
        { secret: adminSecretName, created: created !== undefined },
        'admin secret ensured',
      );
      return { secretName: adminSecretName };
    },
  };
}
