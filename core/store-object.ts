// What a Store object (stores.storefleet.io) says and what the controller does about it: the status
// the workflow writes back, the controller's own condition, and one pure decision per object event,
// table-tested like the store workflow's nextStoreAction.
import { storeLabelKeys } from './names.js';
import type { Plan } from './plans.js';
import type { StoreStatus } from './status.js';
import type { Engine } from './store-spec.js';
import { storeGroup, storeVersion } from './store-resource.js';

/** Holds a Store object until its store's cleanup has finished. */
export const storeFinalizer = 'storefleet.io/cleanup';

/** Each writer owns its own fields of the object (server-side apply), so neither overwrites the other's. */
export const fieldManagers = { workflow: 'storefleet-workflow', controller: 'storefleet-controller' } as const;

/** Namespace label naming the owner of the stores declared in it; without it, the namespace name is the owner. */
export const ownerNamespaceLabel = storeLabelKeys.owner;

export interface StoreObjectSpec {
  engine: Engine;
  plan: Plan;
  chartVersion?: string;
}

/** The object as the controller sees it (what it reads of a Store). */
export interface StoreObject {
  metadata: {
    name: string;
    namespace: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    deletionTimestamp?: Date;
    finalizers?: string[];
    labels?: Record<string, string>;
  };
  spec: StoreObjectSpec;
  status?: {
    observedGeneration?: number;
    conditions?: Array<{ type: string; status: string; reason: string; message: string; lastTransitionTime: string }>;
    phase?: string;
  };
}

/** The workflow's part of `.status`: what `kubectl get` and `describe` show of the store. */
export function storeObjectStatus(status: StoreStatus) {
  return {
    phase: status.phase,
    conditions: status.conditions,
    // A field left out (no lastError any more) is removed: server-side apply drops what its manager stops setting.
    url: status.url,
    adminUrl: status.adminUrl,
    lastError: status.lastError,
    chartVersion: status.chartVersion,
    revision: status.revision,
  };
}
export type StoreObjectStatus = ReturnType<typeof storeObjectStatus>;

/** A Store object for a store made another way (the API), so `kubectl get stores -A` lists the whole fleet. */
export function newStoreObject(storeId: string, namespace: string, spec: StoreObjectSpec, owner: string) {
  return {
    apiVersion: `${storeGroup}/${storeVersion}`,
    kind: 'Store',
    metadata: {
      name: storeId,
      namespace,
      labels: {
        'app.kubernetes.io/managed-by': 'storefleet',
        'app.kubernetes.io/part-of': 'storefleet',
        [storeLabelKeys.owner]: owner,
      },
      finalizers: [storeFinalizer],
    },
    spec: { engine: spec.engine, plan: spec.plan, ...(spec.chartVersion ? { chartVersion: spec.chartVersion } : {}) },
  };
}

/** The controller's condition on a Store: whether what the object asks was handed to the store workflow. */
export const syncedCondition = 'Synced';
export const syncedReasons = {
  /** The store workflow runs what the object asks. */
  Synced: 'Synced',
  /** The owner has as many stores as the quota allows; nothing was created. */
  QuotaExceeded: 'QuotaExceeded',
  /** Another Store object (another namespace) or another owner's store has this id. */
  StoreIdTaken: 'StoreIdTaken',
  /** An earlier store of this id ended without a delete; its remains must be deleted first. */
  StoreRemains: 'StoreRemains',
  /** The store refused the change (its phase, or the new plan or chart does not fit); retried on the next event. */
  ChangeRefused: 'ChangeRefused',
  /** The store is being deleted: a create with its id waits until it is Deleted. */
  StoreDeleting: 'StoreDeleting',
  /** An admin paused the creation of new stores (POST /api/v1/admin/creation-pause); retried, so it starts once resumed. */
  CreationPaused: 'CreationPaused',
  /** Temporal or the worker did not answer; retried. */
  Unavailable: 'Unavailable',
} as const;

/** The store workflow of an object's id, as the controller finds it. */
export type WorkflowState =
  | { kind: 'none' }
  | { kind: 'running'; resourceNamespace: string; engine: Engine; plan: Plan; chartVersion?: string }
  /** Ended Deleted: nothing of the store is left. */
  | { kind: 'deleted' }
  /** Ended without a delete (terminated by hand, timed out): what it made may remain. */
  | { kind: 'abandoned' };

export type StoreObjectAction =
  | { kind: 'addFinalizer' }
  | { kind: 'create' }
  | { kind: 'change'; plan?: Plan; chartVersion?: string }
  | { kind: 'observe' }
  | { kind: 'delete' }
  | { kind: 'release' }
  | { kind: 'refuse'; reason: keyof typeof syncedReasons; message: string }
  | { kind: 'none' };

/**
 * What to do about a Store object, given its store workflow. An object whose id another namespace's
 * object holds is refused, never acted on. A deleted object is released once nothing of its store is
 * left: a running store is deleted first, and so are the remains of one whose workflow was ended by hand.
 */
export function storeObjectAction(object: StoreObject, workflow: WorkflowState): StoreObjectAction {
  const { name, namespace } = object.metadata;
  const own = workflow.kind === 'running' && workflow.resourceNamespace === namespace;
  const held = object.metadata.finalizers?.includes(storeFinalizer) ?? false;
  if (object.metadata.deletionTimestamp) {
    if (!held) return { kind: 'none' };
    return own || workflow.kind === 'abandoned' ? { kind: 'delete' } : { kind: 'release' };
  }
  if (workflow.kind === 'running' && !own)
    return {
      kind: 'refuse',
      reason: 'StoreIdTaken',
      message: `store id ${name} is taken by the store of the Store object in namespace ${workflow.resourceNamespace}`,
    };
  if (!held) return { kind: 'addFinalizer' };
  if (workflow.kind !== 'running') return { kind: 'create' };
  if (object.status?.observedGeneration === object.metadata.generation) return { kind: 'none' };
  const plan = object.spec.plan !== workflow.plan ? object.spec.plan : undefined;
  const chartVersion =
    object.spec.chartVersion !== undefined && object.spec.chartVersion !== workflow.chartVersion
      ? object.spec.chartVersion
      : undefined;
  if (plan === undefined && chartVersion === undefined) return { kind: 'observe' };
  return { kind: 'change', ...(plan ? { plan } : {}), ...(chartVersion ? { chartVersion } : {}) };
}
