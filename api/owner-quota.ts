// The per-owner store quota, kept by the owner's quota workflow (workflows/owner-quota.ts): the calls
// that lease slots to this process or reserve one for a store id (api/quota-slots.ts decides which),
// give a reserved slot back, and close a lease. Atomic across any number of API replicas.
import { setTimeout as sleep } from 'node:timers/promises';
import {
  WithStartWorkflowOperation,
  WorkflowIdConflictPolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import {
  closeLeaseSignal,
  leaseCloseWaitMs,
  leaseSlotsUpdate,
  ownerQuotaFull,
  quotaFullMessage,
  quotaUsageQuery,
  releaseStoreSignal,
  reserveStoreUpdate,
  type LeaseClose,
  type LeaseRequest,
  type QuotaUsage,
} from '../core/owner-quota.js';
import { ownerQuotaWorkflowId } from '../core/names.js';
import type { ownerQuotaWorkflow } from '../workflows/owner-quota.js';
import { ApiError, workerUnavailable } from './errors.js';
import { temporalCall } from './temporal-errors.js';
import { runUpdate } from './update-errors.js';

export interface OwnerQuotaOptions {
  client: Client;
  /** Where the worker runs the quota workflows: the store task queue. */
  taskQueue: string;
  limit: number;
  /** How long a reservation waits for a worker. */
  timeoutMs: number;
}

const quotaExceeded = (message: string) => new ApiError(403, 'store_quota_exceeded', message);

/** How often a dry run looks again while open leases fill the quota. */
const leaseClosePollMs = 500;

export function createOwnerQuota({ client, taskQueue, limit, timeoutMs }: OwnerQuotaOptions) {
  const quotaOf = (owner: string) => client.workflow.getHandle(ownerQuotaWorkflowId(taskQueue, owner));

  /** An update to the owner's quota workflow, which starts it when it does not run yet. */
  function updateQuota<Ret, Arg>(
    owner: string,
    update: UpdateDefinition<Ret, [Arg]>,
    arg: Arg,
    refused: (reason: string, cause: unknown) => ApiError,
  ): Promise<Ret> {
    const startWorkflowOperation = new WithStartWorkflowOperation<typeof ownerQuotaWorkflow>('ownerQuotaWorkflow', {
      workflowId: ownerQuotaWorkflowId(taskQueue, owner),
      taskQueue,
      args: [owner],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
    });
    return runUpdate(
      () =>
        client.connection.withDeadline(Date.now() + timeoutMs, () =>
          client.workflow.executeUpdateWithStart(update, { args: [arg], startWorkflowOperation }),
        ),
      {
        refused,
        gone: () => workerUnavailable(`the quota of owner ${owner} is restarting; try again`, 1),
        name: 'store quota',
        timeoutMs,
      },
    );
  }
  const refusedAs = (owner: string, what: string) => (reason: string) =>
    new ApiError(500, 'internal_error', `the quota of owner ${owner} refused the ${what}: ${reason}`);

  return {
    /** Holds a slot for the store id (403 when the owner's quota is full, 503 when no worker answers). */
    async reserve(owner: string, storeId: string): Promise<void> {
      await updateQuota(owner, reserveStoreUpdate, { storeId, limit }, (reason, cause) => {
        if (cause instanceof ApplicationFailure && cause.type === ownerQuotaFull) return quotaExceeded(reason);
        return refusedAs(owner, 'reservation')(reason);
      });
    },

    /** Leases up to `request.slots` slots to this process; answers how many it got (0 when few are free). */
    async lease(owner: string, request: Omit<LeaseRequest, 'limit'>): Promise<number> {
      const granted = await updateQuota(owner, leaseSlotsUpdate, { ...request, limit }, refusedAs(owner, 'lease'));
      return granted.slots;
    },

    /** Ends a lease, naming the stores started with it; a signal, so it lands even while no worker runs. */
    async closeLease(owner: string, close: LeaseClose): Promise<void> {
      await temporalCall(() => quotaOf(owner).signal(closeLeaseSignal, close));
    },

    /** Frees the slot; a signal, so it lands even while no worker runs. */
    async release(owner: string, storeId: string): Promise<void> {
      await temporalCall(() => quotaOf(owner).signal(releaseStoreSignal, storeId)).catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
    },

    /**
     * For a dry run: 403 when a create would be refused. The owner holds all its slots; when some are in
     * leases still open, it waits for them as a reservation does (their unused slots come back when they
     * close) and says 403 only if the quota is still full then. A create would first also look for
     * stores that are gone; this does not.
     */
    async check(owner: string): Promise<void> {
      const handle = quotaOf(owner);
      const usage = (): Promise<QuotaUsage> =>
        temporalCall(() =>
          client.connection.withDeadline(Date.now() + timeoutMs, () => handle.query(quotaUsageQuery)),
        ).catch((error: unknown) => {
          if (error instanceof WorkflowNotFoundError) return { used: 0, storeIds: [] };
          throw error;
        });
      const waitUntil = Date.now() + leaseCloseWaitMs;
      for (;;) {
        const { used, leased = 0, storeIds } = await usage();
        if (used < limit) return;
        if (leased === 0 || Date.now() >= waitUntil)
          throw quotaExceeded(quotaFullMessage(owner, storeIds.length, limit, leased));
        await sleep(leaseClosePollMs);
      }
    },
  };
}

export type OwnerQuota = ReturnType<typeof createOwnerQuota>;
