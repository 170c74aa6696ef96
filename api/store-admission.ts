// Whether a create may start a store, and starting it: an id stays its owner's while a workflow runs
// or while an ended workflow's remains may exist; the owner's quota slot is taken before the start
// and given back when no store of this owner started. With a leased slot at hand the start goes
// first and the id is looked at only when it had a workflow (docs/decisions.md).
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowExecutionDescription,
} from '@temporalio/client';
import { namespaceName, storeWorkflowId } from '../core/names.js';
import type { Plan } from '../core/plans.js';
import type { Engine, StoreSpec } from '../core/store-spec.js';
import type { storeWorkflow } from '../workflows/store.js';
import type { CreationPauseService } from './creation-pause.js';
import { ApiError } from './errors.js';
import type { Requester } from './history-timeline.js';
import type { OwnerQuota } from './owner-quota.js';
import type { QuotaSlots } from './quota-slots.js';
import { describedRecord, storeKeys, type Caller, type StoreRecord } from './store-records.js';
import { temporalCall } from './temporal-errors.js';
import type { WorkerReads } from './worker-reads.js';

/** A create: through the API, or from a Store object (which also names its chart and its own namespace). */
export type CreateSpec = { storeId: string; engine: Engine; plan: Plan } & Partial<
  Pick<StoreSpec, 'chartVersion' | 'resourceNamespace'>
>;

const remainsTaken = (storeId: string, ended: string) =>
  new ApiError(
    409,
    'store_remains',
    `store id ${storeId} is taken: its store workflow was ${ended} before the store was deleted, so its namespace ${namespaceName(storeId)}, release and volumes may remain; its owner or an admin removes them with DELETE /api/v1/stores/${storeId}, and then the id is free again`,
  );

/** What a store workflow starts with: its spec as input and the search attributes lists filter on. */
export function storeStart(spec: CreateSpec & { owner: string }, taskQueue: string, memo: Record<string, unknown>) {
  const args: Parameters<typeof storeWorkflow> = [spec];
  return {
    taskQueue,
    workflowId: storeWorkflowId(spec.storeId),
    args,
    // A Deleted (or ended) store's id may be used again.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    // The controller finds the object a store writes back to here (none: the platform's namespace).
    memo: { ...memo, ...(spec.resourceNamespace ? { resourceNamespace: spec.resourceNamespace } : {}) },
    typedSearchAttributes: [
      { key: storeKeys.StoreId, value: spec.storeId },
      { key: storeKeys.StoreEngine, value: spec.engine },
      { key: storeKeys.StorePlan, value: spec.plan },
      { key: storeKeys.StoreOwner, value: spec.owner },
      { key: storeKeys.StorePhase, value: 'Provisioning' },
    ],
  };
}

/** The running store a create names again: the same one (returned), else a 409 saying why not. */
function sameStoreOr409(record: StoreRecord, spec: CreateSpec, caller: Caller): StoreRecord {
  if (!caller.admin && record.owner !== caller.owner)
    throw new ApiError(409, 'store_id_taken', `store id ${spec.storeId} is taken`);
  if (record.phase === 'Deleting')
    throw new ApiError(
      409,
      'store_deleting',
      `store ${spec.storeId} is being deleted; create it again once it is Deleted`,
    );
  if (record.engine !== spec.engine || record.plan !== spec.plan) {
    throw new ApiError(
      409,
      'store_exists',
      `store ${spec.storeId} exists as ${record.engine}/${record.plan}, not ${spec.engine}/${spec.plan}`,
    );
  }
  return record;
}

export function createStoreAdmission(options: {
  client: Client;
  taskQueue: string;
  quota: Pick<OwnerQuota, 'check'>;
  /** Where creates take their quota slot. */
  slots: QuotaSlots;
  reads: WorkerReads;
  /** Describes a store's workflow by id, as the reads do. */
  describeStore: (workflowId: string) => Promise<WorkflowExecutionDescription>;
  /** While creation is paused, a new store is refused (503); the same store asked again is not. */
  creationPause: Pick<CreationPauseService, 'refuseWhilePaused'>;
}) {
  const { client } = options;

  /**
   * The checks before a create: the running store with this id (the same spec, else 409), or
   * undefined when a new one may start; an id whose remains may exist stays taken (409).
   */
  async function admit(spec: CreateSpec, caller: Caller): Promise<StoreRecord | undefined> {
    const existing = await temporalCall(() => options.describeStore(storeWorkflowId(spec.storeId))).catch(
      (error: unknown) => {
        if (error instanceof ApiError) throw error;
        return undefined;
      },
    );
    if (existing?.status.name === 'RUNNING')
      return sameStoreOr409(describedRecord(spec.storeId, existing), spec, caller);
    // Its workflow ended without a delete: what it made may still be there, and stays its owner's.
    const ended = existing && describedRecord(spec.storeId, existing).ended;
    if (ended) throw remainsTaken(spec.storeId, ended);
    return undefined;
  }

  /** Starts the store workflow: false when its id has a workflow that the reuse policy does not replace. */
  async function tryStart(spec: CreateSpec, caller: Caller, reuse: WorkflowIdReusePolicy): Promise<boolean> {
    try {
      await temporalCall(() =>
        client.workflow.start<typeof storeWorkflow>('storeWorkflow', {
          ...storeStart({ ...spec, owner: caller.owner }, options.taskQueue, {
            requestedBy: { owner: caller.owner, keyId: caller.keyId } satisfies Requester,
          }),
          workflowIdReusePolicy: reuse,
          workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }

  /** A started store's record is what it was started with, so a new store costs no describe after its start. */
  const startedRecord = (spec: CreateSpec, caller: Caller): StoreRecord => ({
    storeId: spec.storeId,
    engine: spec.engine,
    plan: spec.plan,
    owner: caller.owner,
    phase: 'Provisioning',
    // Temporal's own start time is within the call just made; GET shows that one.
    createdAt: new Date().toISOString(),
    running: true,
    ...(spec.resourceNamespace ? { resourceNamespace: spec.resourceNamespace } : {}),
  });

  /**
   * Starts the store, or answers with the store that holds the id. `admitted`: the checks ran and found
   * the id free; otherwise the start goes first, for an id no workflow ever had, and the checks follow
   * only when it had one.
   */
  async function start(spec: CreateSpec, caller: Caller, admitted: boolean) {
    if (!admitted) {
      if (await tryStart(spec, caller, WorkflowIdReusePolicy.REJECT_DUPLICATE))
        return { created: true, record: startedRecord(spec, caller) };
      const existing = await admit(spec, caller);
      if (existing) return { created: false, record: existing };
    }
    // A Deleted (or ended) store's id may be used again.
    if (await tryStart(spec, caller, WorkflowIdReusePolicy.ALLOW_DUPLICATE))
      return { created: true, record: startedRecord(spec, caller) };
    // A concurrent create won the id: the same store (200) or a 409, decided from what it started.
    const winner = await temporalCall(() => options.describeStore(storeWorkflowId(spec.storeId)));
    return { created: false, record: describedRecord(spec.storeId, winner) };
  }

  /** Whether a create may take a leased slot and start at once: creation is not paused (as last read). */
  const mayStartAtOnce = () =>
    options.creationPause.refuseWhilePaused().then(
      () => true,
      () => false,
    );

  return {
    /** created: this call started the workflow; false: the same store already existed. */
    async create(spec: CreateSpec, caller: Caller): Promise<{ created: boolean; record: StoreRecord }> {
      // Most creates hold a leased slot at once and go straight to the start; the others check first.
      let slot = (await mayStartAtOnce()) ? options.slots.takeNow(caller.owner, spec.storeId) : undefined;
      const admitted = !slot;
      if (!slot) {
        const existing = await admit(spec, caller);
        if (existing) return { created: false, record: existing };
        await options.creationPause.refuseWhilePaused();
        slot = await options.slots.take(caller.owner, spec.storeId);
      }
      const taken = slot;
      const started = await start(spec, caller, admitted).catch((error: unknown) => {
        // A 409 started nothing; after any other failure the store may have started, so its slot stays counted.
        if (error instanceof ApiError && error.status === 409) taken.giveBack(false);
        else taken.keep();
        throw error;
      });
      if (started.created) taken.keep();
      // The id is another store's: this owner's (which holds a slot of its own) or another owner's.
      else taken.giveBack(started.record.owner === caller.owner);
      return started.created ? started : { created: false, record: sameStoreOr409(started.record, spec, caller) };
    },

    /** What a create would do, checked like a create and rendered by a worker; nothing starts. */
    async dryRunCreate(spec: CreateSpec, caller: Caller) {
      const existing = await admit(spec, caller);
      // A slot leased to this process is the one a create here would take, though the quota counts it in use.
      if (!existing && options.slots.freeNow(caller.owner) === 0) await options.quota.check(caller.owner);
      return { existing, plan: await options.reads.planStore({ ...spec, owner: caller.owner }) };
    },
  };
}
