// Short read-only workflows the API runs to learn what only the worker can see (the API has no
// Kubernetes access): one store's usage, the fleet's, and the dry run of a create.
import { proxyActivities } from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import type { StorePlan } from '../activities/plan.js';
import type { FleetUsage, StoreUsage } from '../activities/usage.js';
import type { StoreSpec } from '../core/store-spec.js';

// A reader waits for an answer: a few quick attempts, then the API says what failed.
const { readStoreUsage, readFleetUsage, planStore } = proxyActivities<StoreActivities>({ startToCloseTimeout: '20 seconds', retry: { maximumAttempts: 3, initialInterval: '500 milliseconds' } });

export function storeUsageWorkflow(storeId: string): Promise<StoreUsage> {
  return readStoreUsage(storeId);
}

export function fleetUsageWorkflow(owner?: string): Promise<FleetUsage> {
  return readFleetUsage(owner);
}

export function planStoreWorkflow(spec: StoreSpec): Promise<StorePlan> {
  return planStore(spec);
}
