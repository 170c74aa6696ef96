// All activities of the store workflows, built from the worker's dependencies.
import type { ActivityDeps } from './deps.js';
import { createChangeCheckActivities } from './change-check.js';
import { createCleanupActivities } from './cleanup.js';
import { createFleetActivities } from './fleet.js';
import { createGuardrailActivities } from './guardrails.js';
import { createHelmActivities } from './helm.js';
import { createHibernationActivities } from './hibernation.js';
import { createNamespaceActivities } from './namespace.js';
import { createOrderCheckActivities } from './order-check.js';
import { createOwnerQuotaActivities } from './owner-quota.js';
import { withOutageEvents } from './step-events.js';
import { createPlanActivities } from './plan.js';
import { createReadinessActivities } from './readiness.js';
import { createReleaseObjectActivities } from './release-objects.js';
import { createSecretActivities } from './secrets.js';
import { createSettingsActivities } from './settings.js';
import { createStorefrontActivities } from './storefront.js';
import { createStoreObjectActivities } from './store-object.js';
import { createUsageActivities } from './usage.js';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createSettingsActivities(deps),
    ...createUsageActivities(deps),
    ...createPlanActivities(deps),
    ...createFleetActivities(deps),
    ...createOwnerQuotaActivities(),
    // Not reported as outages: writing the store's status must not itself change the status it writes.
    ...createStoreObjectActivities(deps),
    // Every step that talks to Kubernetes tells the store's timeline about an API outage it meets.
    ...withOutageEvents(
      {
        ...createNamespaceActivities(deps),
        ...createGuardrailActivities(deps),
        ...createSecretActivities(deps),
        ...createHelmActivities(deps),
        ...createReadinessActivities(deps),
        ...createReleaseObjectActivities(deps),
        ...createCleanupActivities(deps),
        ...createHibernationActivities(deps),
        ...createStorefrontActivities(deps),
        ...createOrderCheckActivities(deps),
        ...createChangeCheckActivities(deps),
      },
      deps.log,
    ),
  };
}

export type StoreActivities = ReturnType<typeof createActivities>;

/** Helm's own work: it runs only on the helm task queue. */
export const helmOnlyActivities = [
  'helmUpgradeInstall',
  'rollbackRelease',
  'waitForReady',
  'uninstallRelease',
] as const satisfies ReadonlyArray<keyof StoreActivities>;

/**
 * Provisioning's first steps: on the helm task queue while a store is provisioned (so they take its
 * slots in turn), on the main queue for drift checks and upgrades.
 */
export const provisioningSteps = [
  'ensureNamespace',
  'applyGuardrails',
  'ensureAdminSecret',
] as const satisfies ReadonlyArray<keyof StoreActivities>;

/** The activities the helm task queue runs, whose concurrency MAX_CONCURRENT_PROVISIONS caps. */
export const helmQueueActivities = [...helmOnlyActivities, ...provisioningSteps];

export type { ActivityDeps };
