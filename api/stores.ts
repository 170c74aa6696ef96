// The store use cases behind the routes: create, read, list, retry, delete, over the Temporal client.
// Who may see what is decided here: an owner sees only its own stores, an admin sees all.
import { randomUUID } from 'node:crypto';
import { WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client, type WorkflowExecutionDescription } from '@temporalio/client';
import type { TypedSearchAttributes, UpdateDefinition } from '@temporalio/common';
import proto from '@temporalio/proto';
import { changeUpdate, checkOrderUpdate, deleteSignal, hibernateUpdate, ORDER_CHECK_TIMEOUT_SECONDS, retrySignal, statusQuery, wakeUpdate, type ChangeRequest } from '../core/messages.js';
import { namespaceName, storeIdOfWorkflow, storeWorkflowId } from '../core/names.js';
import { StoreEngine, StoreId, StoreOwner, StorePhase, StorePlan } from '../core/search-attributes.js';
import type { OrderCheck, StoreStatus } from '../core/status.js';
import type { Engine, StoreSpec } from '../core/store-spec.js';
import type { ChangeTarget } from '../core/reads.js';
import type { storeWorkflow } from '../workflows/store.js';
import type { Plan } from '../core/plans.js';
import { ApiError } from './errors.js';
import { describeRequester, type Requester } from './history-timeline.js';
import type { PageTokens } from './page-token.js';
import { storeTimeline } from './store-history.js';
import { createFleetUpgrades } from './fleet-upgrades.js';
import { createWorkerReads } from './worker-reads.js';
import { temporalCall } from './temporal-errors.js';
import { runUpdate } from './update-errors.js';
import { createOwnerQuota } from './owner-quota.js';
import { storeAttributesOf, timestampToDate } from './visibility-fields.js';

export interface Caller extends Requester {
  admin: boolean;
}

export interface StoreServiceOptions {
  client: Client;
  taskQueue: string;
  /** How long a status query may wait for a worker before answering from search attributes. */
  queryTimeoutMs: number;
  /** The per-owner store quota (kept by each owner's quota workflow on `taskQueue`). */
  storesPerOwner: number;
  /** Where the quota workflows run: the store task queue, unless a test keeps stores from running. */
  quotaTaskQueue?: string;
  /** How long a usage report, a reservation in the quota or an update waits for a worker to read the cluster. */
  workerReadTimeoutMs: number;
  pageTokens: PageTokens;
}

const keys = { StoreEngine, StorePlan, StorePhase, StoreOwner, StoreId };
/** The answer to an order check waits a little longer than the check itself may take. */
const orderCheckTimeoutMs = (ORDER_CHECK_TIMEOUT_SECONDS + 20) * 1000;

/** What visibility knows of a store without asking its workflow. */
export interface StoreRecord {
  storeId: string;
  engine: string;
  plan: string;
  owner: string;
  phase: string;
  createdAt?: string;
  running: boolean;
  /** The workflow ended without deleting the store (terminated, failed, timed out): its objects may remain. */
  ended?: string;
}

type CreateSpec = { storeId: string; engine: Engine; plan: Plan };

export type StoreView = { live: true; record: StoreRecord; status: StoreStatus } | { live: false; record: StoreRecord; detail: string };

const quote = (value: string) => `'${value.replace(/'/g, "\\'")}'`;
const remainsTaken = (storeId: string, ended: string) =>
  new ApiError(
    409,
    'store_remains',
    `store id ${storeId} is taken: its store workflow was ${ended} before the store was deleted, so its namespace ${namespaceName(storeId)}, release and volumes may remain; its owner or an admin removes them with DELETE /api/v1/stores/${storeId}, and then the id is free again`,
  );
const storeNotFound = (storeId: string) => new ApiError(404, 'store_not_found', `store ${storeId} not found`);

export function recordOf(storeId: string, attributes: TypedSearchAttributes, startTime: Date | undefined, running: boolean, ended?: string): StoreRecord {
  const attribute = (key: (typeof keys)[keyof typeof keys]) => attributes.get(key) ?? '';
  return {
    storeId,
    engine: attribute(keys.StoreEngine),
    plan: attribute(keys.StorePlan),
    owner: attribute(keys.StoreOwner),
    phase: attribute(keys.StorePhase) || 'Provisioning',
    ...(startTime ? { createdAt: startTime.toISOString() } : {}),
    running,
    ...(ended ? { ended } : {}),
  };
}

/** Whose stores a caller may look at: its own, or any owner's (all when none is named) for an admin. */
function ownerScope(caller: Caller, requested: string | undefined): string | undefined {
  if (requested && !caller.admin && requested !== caller.owner) throw new ApiError(403, 'forbidden', 'only an admin key may see the stores of another owner');
  return caller.admin ? requested : caller.owner;
}

function describedRecord(storeId: string, d: WorkflowExecutionDescription): StoreRecord {
  const status = d.status.name;
  const ended = status === 'RUNNING' || status === 'COMPLETED' ? undefined : status.toLowerCase().replace('_', ' ');
  return recordOf(storeId, d.typedSearchAttributes, d.startTime, status === 'RUNNING', ended);
}

/** What a store workflow starts with: its spec as input and the search attributes lists filter on. */
function storeStart(spec: CreateSpec & { owner: string }, options: StoreServiceOptions, memo: Record<string, unknown>) {
  const args: Parameters<typeof storeWorkflow> = [spec];
  return {
    taskQueue: options.taskQueue,
    workflowId: storeWorkflowId(spec.storeId),
    args,
    // A Deleted (or ended) store's id may be used again.
    workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
    memo,
    typedSearchAttributes: [
      { key: keys.StoreId, value: spec.storeId },
      { key: keys.StoreEngine, value: spec.engine },
      { key: keys.StorePlan, value: spec.plan },
      { key: keys.StoreOwner, value: spec.owner },
      { key: keys.StorePhase, value: 'Provisioning' },
    ],
  };
}

export function createStoreService(options: StoreServiceOptions) {
  const { client } = options;
  const reads = createWorkerReads({ client, taskQueue: options.taskQueue, timeoutMs: options.workerReadTimeoutMs });
  const quota = createOwnerQuota({ client, taskQueue: options.quotaTaskQueue ?? options.taskQueue, limit: options.storesPerOwner, timeoutMs: options.workerReadTimeoutMs });

  /** The store as visibility knows it, if the caller may see it. */
  async function find(storeId: string, caller: Caller): Promise<StoreRecord> {
    const description = await temporalCall(() => client.workflow.getHandle(storeWorkflowId(storeId)).describe(), () => storeNotFound(storeId));
    if (description.type !== 'storeWorkflow') throw storeNotFound(storeId);
    const record = describedRecord(storeId, description);
    if (!caller.admin && record.owner !== caller.owner) throw storeNotFound(storeId);
    return record;
  }

  /** Live status from the workflow, or the visibility record when no worker answers in time. */
  async function view(storeId: string, caller: Caller): Promise<StoreView> {
    const record = await find(storeId, caller);
    if (record.ended) {
      return { live: false, record, detail: `the store workflow was ${record.ended} before the store was deleted; its namespace and release may remain: DELETE removes them` };
    }
    const handle = client.workflow.getHandle(storeWorkflowId(storeId));
    try {
      const status = await client.connection.withDeadline(Date.now() + options.queryTimeoutMs, () => handle.query(statusQuery));
      return { live: true, record, status };
    } catch {
      return { live: false, record, detail: `live detail unavailable: no worker answered within ${options.queryTimeoutMs} ms; phase is from the search attributes` };
    }
  }

  /**
   * The checks before a create: the running store with this id (the same spec, else 409), or
   * undefined when a new one may start; an id whose remains may exist stays taken (409).
   */
  async function admit(spec: CreateSpec, caller: Caller): Promise<StoreRecord | undefined> {
    const existing = await temporalCall(() => client.workflow.getHandle(storeWorkflowId(spec.storeId)).describe()).catch((error: unknown) => {
      if (error instanceof ApiError) throw error;
      return undefined;
    });
    if (existing?.status.name === 'RUNNING') return sameStoreOr409(describedRecord(spec.storeId, existing), spec, caller);
    // Its workflow ended without a delete: what it made may still be there, and stays its owner's.
    const ended = existing && describedRecord(spec.storeId, existing).ended;
    if (ended) throw remainsTaken(spec.storeId, ended);
    return undefined;
  }

  /** Starts the store workflow, or finds the one a concurrent identical create started. */
  async function start(spec: CreateSpec, caller: Caller): Promise<{ created: boolean; record: StoreRecord }> {
    const requestId = randomUUID();
    const handle = await temporalCall(() =>
      client.workflow.start<typeof storeWorkflow>('storeWorkflow', {
        ...storeStart({ ...spec, owner: caller.owner }, options, { requestId, requestedBy: { owner: caller.owner, keyId: caller.keyId } satisfies Requester }),
        // Concurrent identical creates all land on one workflow.
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      }),
    );
    const description = await temporalCall(() => handle.describe());
    return { created: description.memo?.requestId === requestId, record: describedRecord(spec.storeId, description) };
  }

  /** A signal without arguments whose history event names the caller (the audit trail reads it). */
  async function signalAs(caller: Caller, storeId: string, signalName: string): Promise<void> {
    await temporalCall(() =>
      client.workflowService.signalWorkflowExecution({
        namespace: client.options.namespace,
        workflowExecution: { workflowId: storeWorkflowId(storeId) },
        signalName,
        identity: `storefleet-api: ${describeRequester(caller)}`,
        requestId: randomUUID(),
      }),
    );
  }

  /** Runs one of the store's updates for the caller; a refusal is a 409 with `refusedCode` and the reason. */
  /** An update sent as the caller; `timeoutMs` bounds it whole (accepted and done), the worker read timeout by default. */
  async function updateAs<Result, Args extends object>(
    caller: Caller,
    storeId: string,
    update: UpdateDefinition<Result, [Args & ChangeRequest]>,
    args: Args,
    refusedCode: string,
    timeoutMs = options.workerReadTimeoutMs,
  ): Promise<Result> {
    const handle = client.workflow.getHandle(storeWorkflowId(storeId));
    return runUpdate(() => client.connection.withDeadline(Date.now() + timeoutMs, () => handle.executeUpdate(update, { args: [{ ...args, by: `API, ${describeRequester(caller)}` }] })), {
      refused: (reason) => new ApiError(409, refusedCode, reason),
      // The workflow ended (Deleted) between the lookup and the update.
      gone: () => new ApiError(409, refusedCode, `store ${storeId} is Deleted`),
      name: update.name,
      timeoutMs,
    });
  }

  return {
    find,
    view,
    /** Fleet upgrades work through the stores' own updates, under the same client and owner rules. */
    fleetUpgrades: createFleetUpgrades({ client, taskQueue: options.taskQueue, queryTimeoutMs: options.queryTimeoutMs }),

    /** created: this call started the workflow; false: the same store already existed. */
    async create(spec: CreateSpec, caller: Caller): Promise<{ created: boolean; record: StoreRecord }> {
      const existing = await admit(spec, caller);
      if (existing) return { created: false, record: existing };
      await quota.reserve(caller.owner, spec.storeId);
      const started = await start(spec, caller).catch(async (error: unknown) => {
        // Best effort: a slot that stays reserved is freed once the quota finds no store behind it.
        await quota.release(caller.owner, spec.storeId).catch(() => undefined);
        throw error;
      });
      if (started.created) return started;
      // Another owner's concurrent create took the id: this owner's slot holds nothing.
      if (started.record.owner !== caller.owner) await quota.release(caller.owner, spec.storeId);
      return { created: false, record: sameStoreOr409(started.record, spec, caller) };
    },

    /** What a create would do, checked like a create and rendered by a worker; nothing starts. */
    async dryRunCreate(spec: CreateSpec, caller: Caller) {
      const existing = await admit(spec, caller);
      if (!existing) await quota.check(caller.owner);
      return { existing, plan: await reads.planStore({ ...spec, owner: caller.owner }) };
    },

    async list(filter: { phase?: string; engine?: string; owner?: string; limit: number; pageToken?: string }, caller: Caller) {
      const clauses = ["WorkflowType = 'storeWorkflow'", filter.phase === 'Deleted' ? "ExecutionStatus = 'Completed'" : "ExecutionStatus = 'Running'"];
      const owner = ownerScope(caller, filter.owner);
      if (owner) clauses.push(`StoreOwner = ${quote(owner)}`);
      if (filter.phase) clauses.push(`StorePhase = ${quote(filter.phase)}`);
      if (filter.engine) clauses.push(`StoreEngine = ${quote(filter.engine)}`);
      const query = clauses.join(' AND ');
      const nextPageToken = filter.pageToken ? await options.pageTokens.decode(query, filter.pageToken) : undefined;
      const page = await temporalCall(() => client.workflowService.listWorkflowExecutions({ namespace: client.options.namespace, query, pageSize: filter.limit, nextPageToken }));
      const records = (page.executions ?? []).map((execution) =>
        recordOf(
          storeIdOfWorkflow(execution.execution?.workflowId ?? '') ?? '',
          storeAttributesOf(execution.searchAttributes?.indexedFields),
          timestampToDate(execution.startTime),
          execution.status === proto.temporal.api.enums.v1.WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING,
        ),
      );
      const token = page.nextPageToken?.length ? await options.pageTokens.encode(query, page.nextPageToken) : undefined;
      return { records, nextPageToken: token };
    },

    async retry(storeId: string, caller: Caller): Promise<StoreRecord> {
      const current = await view(storeId, caller);
      const phase = current.live ? current.status.phase : current.record.phase;
      if (phase !== 'Failed') throw new ApiError(409, 'store_not_failed', `store ${storeId} is ${phase}; only a Failed store can be retried`);
      await signalAs(caller, storeId, retrySignal.name);
      return current.record;
    },

    /**
     * Hibernate or wake through the store's update: its validator refuses a store in the wrong phase
     * (409, with its reason); no worker accepting within the read timeout is a 503.
     */
    async change(storeId: string, caller: Caller, direction: 'hibernate' | 'wake'): Promise<StoreRecord> {
      const record = await find(storeId, caller);
      const from = direction === 'hibernate' ? 'Ready' : 'Hibernated';
      const refused = `store_not_${from.toLowerCase()}`;
      if (!record.running) throw new ApiError(409, refused, `store ${storeId} is Deleted; only a ${from} store can ${direction}`);
      await updateAs(caller, storeId, direction === 'hibernate' ? hibernateUpdate : wakeUpdate, {}, refused);
      return record;
    },

    /** A plan change or chart upgrade (the `change` update); refused with 409 and the store's reason. */
    async changeRelease(storeId: string, caller: Caller, target: ChangeTarget): Promise<StoreStatus> {
      const record = await find(storeId, caller);
      if (!record.running) throw new ApiError(409, 'change_refused', `store ${storeId} is Deleted; only a Ready store can change its plan or chart`);
      return updateAs(caller, storeId, changeUpdate, target, 'change_refused');
    },

    /**
     * The order check (the `checkOrder` update): answered once the check is done, which takes a few
     * seconds up to its 3-minute bound; refused (409) unless the store is Ready and idle.
     */
    async checkOrder(storeId: string, caller: Caller): Promise<OrderCheck> {
      const record = await find(storeId, caller);
      if (!record.running) throw new ApiError(409, 'store_not_ready', `store ${storeId} is Deleted; only a Ready store can run an order check`);
      return updateAs(caller, storeId, checkOrderUpdate, {}, 'store_not_ready', orderCheckTimeoutMs);
    },

    /** What a change would apply and whether the store would accept it; nothing changes. */
    async dryRunChange(storeId: string, caller: Caller, target: ChangeTarget) {
      const current = await view(storeId, caller);
      if (!current.live) throw new ApiError(409, 'change_refused', `store ${storeId}: ${current.detail}`);
      const { status } = current;
      const spec: StoreSpec = { storeId, engine: status.engine, plan: status.plan, owner: status.owner, ...(status.chartVersion ? { chartVersion: status.chartVersion } : {}) };
      return { status, plan: await reads.planChange(spec, target) };
    },

    /** Idempotent: a store already Deleted (or being deleted) is accepted again. */
    async remove(storeId: string, caller: Caller): Promise<StoreRecord> {
      const record = await find(storeId, caller);
      // A signal, not the update: it is durable even when no worker is running right now.
      if (record.running) await signalAs(caller, storeId, deleteSignal.name);
      // A workflow ended by hand left the store behind: a new run of it, started with the delete
      // signal already in, goes straight to the cleanup and ends Deleted.
      if (record.ended) {
        const spec = { storeId, engine: record.engine as Engine, plan: record.plan as Plan, owner: record.owner };
        await temporalCall(() =>
          client.workflow.signalWithStart<typeof storeWorkflow, []>('storeWorkflow', { ...storeStart(spec, options, { requestedBy: { owner: caller.owner, keyId: caller.keyId } }), signal: deleteSignal, signalArgs: [] }),
        );
      }
      return record;
    },

    /** The audit trail (store-history.ts), for those who may see the store. */
    async history(storeId: string, caller: Caller) {
      const record = await find(storeId, caller);
      return { record, ...(await storeTimeline(client, storeId)) };
    },

    /** Quota used against hard and volumes, read by a worker; plan, phase and age from visibility. */
    async usage(storeId: string, caller: Caller) {
      const record = await find(storeId, caller);
      return { record, usage: await reads.storeUsage(storeId) };
    },

    async fleetUsage(caller: Caller, owner: string | undefined) {
      return reads.fleetUsage(ownerScope(caller, owner));
    },

    async countByPhase(phase: string): Promise<number> {
      const status = phase === 'Deleted' ? 'Completed' : 'Running';
      return (await client.workflow.count(`WorkflowType = 'storeWorkflow' AND ExecutionStatus = ${quote(status)} AND StorePhase = ${quote(phase)}`)).count;
    },
  };
}

export type StoreService = ReturnType<typeof createStoreService>;

function sameStoreOr409(record: StoreRecord, spec: { storeId: string; engine: string; plan: string }, caller: Caller): StoreRecord {
  if (!caller.admin && record.owner !== caller.owner) throw new ApiError(409, 'store_id_taken', `store id ${spec.storeId} is taken`);
  if (record.phase === 'Deleting') throw new ApiError(409, 'store_deleting', `store ${spec.storeId} is being deleted; create it again once it is Deleted`);
  if (record.engine !== spec.engine || record.plan !== spec.plan) {
    throw new ApiError(409, 'store_exists', `store ${spec.storeId} exists as ${record.engine}/${record.plan}, not ${spec.engine}/${spec.plan}`);
  }
  return record;
}
