// The store use cases behind the routes, over the Temporal client: reads from visibility
// (store-records.ts), creates (store-admission.ts), what is asked of a store (store-commands.ts), and
// the reports a worker reads from the cluster.
import type { Client } from '@temporalio/client';
import { createFleetUpgrades } from './fleet-upgrades.js';
import { createOwnerQuota } from './owner-quota.js';
import { createQuotaSlots } from './quota-slots.js';
import type { PageTokens } from './page-token.js';
import { coalescedReads } from './coalesced-reads.js';
import { createCreationPause } from './creation-pause.js';
import { createStoreAdmission, type CreateSpec } from './store-admission.js';
import { createStoreCommands } from './store-commands.js';
import { storeTimeline } from './store-history.js';
import { createStoreRecords, ownerScope, type Caller } from './store-records.js';
import { createWorkerReads } from './worker-reads.js';

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

export function createStoreService(options: StoreServiceOptions) {
  const { client, taskQueue } = options;
  // GETs, streams and the create's check of one store share a describe that began after each arrived.
  const describeStore = coalescedReads((workflowId) => client.workflow.getHandle(workflowId).describe());
  const records = createStoreRecords({
    client,
    describeStore,
    queryTimeoutMs: options.queryTimeoutMs,
    pageTokens: options.pageTokens,
  });
  const reads = createWorkerReads({ client, taskQueue, timeoutMs: options.workerReadTimeoutMs });
  const quota = createOwnerQuota({
    client,
    taskQueue: options.quotaTaskQueue ?? taskQueue,
    limit: options.storesPerOwner,
    timeoutMs: options.workerReadTimeoutMs,
  });

  // The platform's creation pause: new stores are refused while it is on, whoever asks.
  const creationPause = createCreationPause({ client, taskQueue, timeoutMs: options.workerReadTimeoutMs });

  const slots = createQuotaSlots({ quota, storeTaskQueue: taskQueue });
  const admission = createStoreAdmission({ client, taskQueue, quota, slots, reads, describeStore, creationPause });
  const commands = createStoreCommands({
    client,
    taskQueue,
    records,
    reads,
    workerReadTimeoutMs: options.workerReadTimeoutMs,
  });
  return {
    ...records,
    ...admission,
    ...commands,
    // A store this process creates or deletes shows in its next list, not up to a second later.
    create: (spec: CreateSpec, caller: Caller) => admission.create(spec, caller).finally(records.forgetLists),
    remove: (storeId: string, caller: Caller) => commands.remove(storeId, caller).finally(records.forgetLists),
    creationPause,
    /** On shutdown, after the last request: this process's quota leases are closed, not left to expire. */
    closeQuotaLeases: slots.closeAll,
    /** Fleet upgrades work through the stores' own updates, under the same client and owner rules. */
    fleetUpgrades: createFleetUpgrades({ client, taskQueue, queryTimeoutMs: options.queryTimeoutMs }),

    /** The audit trail (store-history.ts), for those who may see the store. */
    async history(storeId: string, caller: Caller) {
      const record = await records.find(storeId, caller);
      return { record, ...(await storeTimeline(client, storeId)) };
    },

    /** Quota used against hard and volumes, read by a worker; plan, phase and age from visibility. */
    async usage(storeId: string, caller: Caller) {
      const record = await records.find(storeId, caller);
      return { record, usage: await reads.storeUsage(storeId) };
    },

    async fleetUsage(caller: Caller, owner: string | undefined) {
      return reads.fleetUsage(ownerScope(caller, owner));
    },
  };
}

export type StoreService = ReturnType<typeof createStoreService>;
