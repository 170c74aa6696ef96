// Short read-only workflows the API runs to learn what only the worker can see (the API has no
// Kubernetes access): one store's usage, the fleet's, and the dry runs of a create and of a change.
import { proxyActivities } from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import type { ChangeTarget, FleetUsage, StorePlan, StoreUsage } from '../core/reads.js';
import type { StoreSpec } from '../core/store-spec.js';

// A reader waits for an answer: a few quick attempts, then the API says what failed.
const { readStoreUsage, readFleetUsage, planStore, checkChange } = proxyActivities<StoreActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { maximumAttempts: 3, initialInterval: '500 milliseconds' },
});

export function storeUsageWorkflow(storeId: string): Promise<StoreUsage> {
  return readStoreUsage(storeId);
}

export function fleetUsageWorkflow(owner?: string): Promise<FleetUsage> {
  return readFleetUsage(owner);
}

export function planStoreWorkflow(spec: StoreSpec): Promise<StorePlan> {
  return planStore(spec);
}

/** The dry run of a plan change or chart upgrade: the target rendered, plus what the store would refuse. */
export async function planChangeWorkflow(spec: StoreSpec, target: ChangeTarget): Promise<StorePlan> {
  const next: StoreSpec = {
    ...spec,
    plan: target.plan ?? spec.plan,
    chartVersion: target.chartVersion ?? spec.chartVersion,
  };
  const { problems, chartFound } = await checkChange(spec, target);
  if (!chartFound) return { namespace: '', objects: [], resources: [], fits: false, problems };
  const plan = await planStore(next);
  const all = [...plan.problems, ...problems];
  return { ...plan, problems: all, fits: all.length === 0 };
}
