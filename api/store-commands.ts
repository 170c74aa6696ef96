// What a caller asks of an existing store, sent to its workflow as the caller: retry and delete as
// signals (durable without a worker), hibernate, wake, change and the order check as updates (the
// store's validator refuses a wrong phase with its reason: 409; no worker accepting in time: 503).
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import {
  changeUpdate,
  checkOrderUpdate,
  deleteSignal,
  hibernateUpdate,
  ORDER_CHECK_TIMEOUT_SECONDS,
  retrySignal,
  wakeUpdate,
  type ChangeRequest,
} from '../core/messages.js';
import { storeWorkflowId } from '../core/names.js';
import type { Plan } from '../core/plans.js';
import type { ChangeTarget } from '../core/reads.js';
import type { OrderCheck, StoreStatus } from '../core/status.js';
import { requestRules, type StoreRequest } from '../core/store-requests.js';
import type { Engine, StoreSpec } from '../core/store-spec.js';
import type { storeWorkflow } from '../workflows/store.js';
import { ApiError } from './errors.js';
import { describeRequester } from './history-timeline.js';
import { storeStart } from './store-admission.js';
import type { Caller, StoreRecord, StoreRecords } from './store-records.js';
import { temporalCall } from './temporal-errors.js';
import { runUpdate } from './update-errors.js';
import type { WorkerReads } from './worker-reads.js';

/** A 409 in the store's own words for a request its phase does not take (core/store-requests.ts). */
const refusedIn = (phase: string, storeId: string, request: StoreRequest, code: string) =>
  new ApiError(
    409,
    code,
    `store ${storeId} is ${phase}; only a ${requestRules[request].from} store can ${requestRules[request].what}`,
  );

/** The answer to an order check waits a little longer than the check itself may take. */
const orderCheckTimeoutMs = (ORDER_CHECK_TIMEOUT_SECONDS + 20) * 1000;

export function createStoreCommands(options: {
  client: Client;
  taskQueue: string;
  records: StoreRecords;
  reads: WorkerReads;
  workerReadTimeoutMs: number;
}) {
  const { client, records } = options;

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

  /** An update sent as the caller; a refusal is a 409 with `refusedCode`; `timeoutMs` bounds it whole (accepted and done). */
  async function updateAs<Result, Args extends object>(
    caller: Caller,
    storeId: string,
    update: UpdateDefinition<Result, [Args & ChangeRequest]>,
    args: Args,
    refusedCode: string,
    timeoutMs = options.workerReadTimeoutMs,
  ): Promise<Result> {
    const handle = client.workflow.getHandle(storeWorkflowId(storeId));
    return runUpdate(
      () =>
        client.connection.withDeadline(Date.now() + timeoutMs, () =>
          handle.executeUpdate(update, { args: [{ ...args, by: `API, ${describeRequester(caller)}` }] }),
        ),
      {
        refused: (reason) => new ApiError(409, refusedCode, reason),
        // The workflow ended (Deleted) between the lookup and the update.
        gone: () => new ApiError(409, refusedCode, `store ${storeId} is Deleted`),
        name: update.name,
        timeoutMs,
      },
    );
  }

  return {
    async retry(storeId: string, caller: Caller): Promise<StoreRecord> {
      const current = await records.view(storeId, caller);
      const phase = current.live ? current.status.phase : current.record.phase;
      if (phase !== requestRules.retry.from) throw refusedIn(phase, storeId, 'retry', 'store_not_failed');
      await signalAs(caller, storeId, retrySignal.name);
      return current.record;
    },

    /** Hibernate or wake through the store's update. */
    async change(storeId: string, caller: Caller, direction: 'hibernate' | 'wake'): Promise<StoreRecord> {
      const record = await records.find(storeId, caller);
      const refused = `store_not_${requestRules[direction].from.toLowerCase()}`;
      if (!record.running) throw refusedIn('Deleted', storeId, direction, refused);
      await updateAs(caller, storeId, direction === 'hibernate' ? hibernateUpdate : wakeUpdate, {}, refused);
      return record;
    },

    /** A plan change or chart upgrade (the `change` update). */
    async changeRelease(storeId: string, caller: Caller, target: ChangeTarget): Promise<StoreStatus> {
      const record = await records.find(storeId, caller);
      if (!record.running) throw refusedIn('Deleted', storeId, 'change', 'change_refused');
      return updateAs(caller, storeId, changeUpdate, target, 'change_refused');
    },

    /**
     * The order check (the `checkOrder` update): answered once the check is done, which takes a few
     * seconds up to its 3-minute bound; refused (409) unless the store is Ready and idle.
     */
    async checkOrder(storeId: string, caller: Caller): Promise<OrderCheck> {
      const record = await records.find(storeId, caller);
      if (!record.running) throw refusedIn('Deleted', storeId, 'orderCheck', 'store_not_ready');
      return updateAs(caller, storeId, checkOrderUpdate, {}, 'store_not_ready', orderCheckTimeoutMs);
    },

    /** What a change would apply and whether the store would accept it; nothing changes. */
    async dryRunChange(storeId: string, caller: Caller, target: ChangeTarget) {
      const current = await records.view(storeId, caller);
      if (!current.live) throw new ApiError(409, 'change_refused', `store ${storeId}: ${current.detail}`);
      const { status } = current;
      const spec: StoreSpec = {
        storeId,
        engine: status.engine,
        plan: status.plan,
        owner: status.owner,
        ...(status.chartVersion ? { chartVersion: status.chartVersion } : {}),
      };
      return { status, plan: await options.reads.planChange(spec, target) };
    },

    /** Idempotent: a store already Deleted (or being deleted) is accepted again. */
    async remove(storeId: string, caller: Caller): Promise<StoreRecord> {
      const record = await records.find(storeId, caller);
      // A signal, not the update: it is durable even when no worker is running right now.
      if (record.running) await signalAs(caller, storeId, deleteSignal.name);
      // A workflow ended by hand left the store behind: a new run of it, started with the delete
      // signal already in, goes straight to the cleanup and ends Deleted.
      if (record.ended) {
        const spec = {
          storeId,
          engine: record.engine as Engine,
          plan: record.plan as Plan,
          owner: record.owner,
          // The new run finishes the Store object that declared the store.
          ...(record.resourceNamespace ? { resourceNamespace: record.resourceNamespace } : {}),
        };
        await temporalCall(() =>
          client.workflow.signalWithStart<typeof storeWorkflow, []>('storeWorkflow', {
            ...storeStart(spec, options.taskQueue, { requestedBy: { owner: caller.owner, keyId: caller.keyId } }),
            signal: deleteSignal,
            signalArgs: [],
          }),
        );
      }
      return record;
    },
  };
}
