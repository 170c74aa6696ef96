// Short read-only workflows the API runs to learn what only the worker can see (the API has no
// Kubernetes access): one store's usage, and the fleet's.
import { proxyActivities } from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import type { FleetUsage, StoreUsage } from '../activities/usage.js';

// A reader waits for an answer: a few quick attempts, then the API says what failed.
const { readStoreUsage, readFleetUsage } = proxyActivities<StoreActivities>({ startToCloseTimeout: '20 seconds', retry: { maximumAttempts: 3, initialInterval: '500 milliseconds' } });

export function storeUsageWorkflow(storeId: string): Promise<StoreUsage> {
  return readStoreUsage(storeId);
}

export function fleetUsageWorkflow(owner?: string): Promise<FleetUsage> {
  return readFleetUsage(owner);
}
