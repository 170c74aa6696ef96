// Every name storefleet gives a store's objects comes from here, so the API, the workflows, the
// activities and the tests agree on them.
import type { Engine, StoreSpec } from './store-spec.js';

export const namespaceName = (storeId: string) => `store-${storeId}`;
export const releaseName = (engine: Engine, storeId: string) => `${engine}-${storeId}`;
export const storeWorkflowId = (storeId: string) => `store-${storeId}`;
export const cleanupWorkflowId = (storeId: string) => `store-${storeId}-cleanup`;
/** Read-only workflows the API runs on the worker (usage reports); never a store's id. */
export const workerReadWorkflowId = (workflowType: string, requestId: string) => `read-${workflowType}-${requestId}`;
/**
 * The workflow that keeps one owner's store quota (api/owner-quota.ts reserves slots through it), one
 * per task queue: an installation has one; test files each run their own worker and queue.
 */
export const ownerQuotaWorkflowId = (taskQueue: string, owner: string) => `owner-quota/${taskQueue}/${owner}`;
/** A fleet upgrade's workflow; `id` is the one the API hands out. */
export const fleetUpgradeWorkflowId = (id: string) => `fleet-upgrade-${id}`;
/** The workflow id back to the store id, or undefined for workflows that are not stores. */
export const storeIdOfWorkflow = (workflowId: string) => /^store-(.+)$/.exec(workflowId)?.[1];

/** Provisioning's steps (namespace to readiness), rollbacks and uninstalls: their own task queue, capped by MAX_CONCURRENT_PROVISIONS. */
export const helmTaskQueue = (taskQueue: string) => `${taskQueue}-helm`;

export const adminSecretName = 'store-admin';
/** The guardrails' ResourceQuota and LimitRange in every store namespace. */
export const quotaName = 'store-quota';
export const limitRangeName = 'store-limits';
export const storeUrl = (storeId: string, baseDomain: string, https = false) =>
  `${https ? 'https' : 'http'}://${storeId}.${baseDomain}`;
/** Where a store release is served, from the store's URL: its Ingress host and whether it has TLS. */
export interface ReleaseAddress {
  host: string;
  /** The Ingress has a certificate; absent in activity inputs from before HTTPS stores: false. */
  https?: boolean;
}
export const releaseAddress = (url: string): ReleaseAddress => ({
  host: new URL(url).host,
  https: url.startsWith('https:'),
});

const adminPaths: Record<Engine, string> = { woocommerce: '/wp-admin/', medusa: '/app' };
export const adminUrl = (engine: Engine, url: string) => `${url}${adminPaths[engine]}`;

export const storeLabelKeys = {
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
  storeId: 'storefleet.io/store-id',
  engine: 'storefleet.io/engine',
  owner: 'storefleet.io/owner',
  plan: 'storefleet.io/plan',
  /** The first run id of the store workflow that made the object: a later store with the same id is another incarnation. */
  incarnation: 'storefleet.io/incarnation',
} as const;

/** Labels on every object storefleet itself creates for a store (charts add their own on top). */
export function storeLabels(spec: StoreSpec): Record<string, string> {
  return {
    [storeLabelKeys.partOf]: 'storefleet',
    [storeLabelKeys.managedBy]: 'storefleet',
    [storeLabelKeys.storeId]: spec.storeId,
    [storeLabelKeys.engine]: spec.engine,
    [storeLabelKeys.owner]: spec.owner,
    [storeLabelKeys.plan]: spec.plan,
  };
}

/** The labels of the objects a store must own before it adopts them: its namespace and admin Secret. */
export function ownedStoreLabels(spec: StoreSpec, incarnation: string): Record<string, string> {
  return { ...storeLabels(spec), [storeLabelKeys.incarnation]: incarnation };
}

/** Selects everything labelled as part of one store, in any namespace. */
export const storeSelector = (storeId: string) => `${storeLabelKeys.storeId}=${storeId}`;
