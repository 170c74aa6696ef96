// The per-owner store quota, kept by the owner's quota workflow (workflows/owner-quota.ts): a create
// reserves a slot for its store id before it starts the store, and frees it again when the create
// did not start a store of this owner. Atomic across any number of API replicas.
import {
  WithStartWorkflowOperation,
  WorkflowIdConflictPolicy,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  ownerQuotaFull,
  quotaFullMessage,
  quotaUsageQuery,
  releaseStoreSignal,
  reserveStoreUpdate,
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

export function createOwnerQuota({ client, taskQueue, limit, timeoutMs }: OwnerQuotaOptions) {
  return {
    /** Holds a slot for the store id (403 when the owner's quota is full, 503 when no worker answers). */
    async reserve(owner: string, storeId: string): Promise<void> {
      const startWorkflowOperation = new WithStartWorkflowOperation<typeof ownerQuotaWorkflow>('ownerQuotaWorkflow', {
        workflowId: ownerQuotaWorkflowId(taskQueue, owner),
        taskQueue,
        args: [owner],
        workflowIdConflictPolicy: WorkflowIdConflictPolicy.USE_EXISTING,
      });
      await runUpdate(
        () =>
          client.connection.withDeadline(Date.now() + timeoutMs, () =>
            client.workflow.executeUpdateWithStart(reserveStoreUpdate, {
              args: [{ storeId, limit }],
              startWorkflowOperation,
            }),
          ),
        {
          refused: (reason, cause) => {
            if (cause instanceof ApplicationFailure && cause.type === ownerQuotaFull) return quotaExceeded(reason);
            return new ApiError(
              500,
              'internal_error',
              `the quota of owner ${owner} refused the reservation: ${reason}`,
            );
          },
          gone: () => workerUnavailable(`the quota of owner ${owner} is restarting; try again`, 1),
          name: 'store quota',
          timeoutMs,
        },
      );
    },

    /** Frees the slot; a signal, so it lands even while no worker runs. */
    async release(owner: string, storeId: string): Promise<void> {
      await temporalCall(() =>
        client.workflow.getHandle(ownerQuotaWorkflowId(taskQueue, owner)).signal(releaseStoreSignal, storeId),
      ).catch((error: unknown) => {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      });
    },

    /** For a dry run: 403 when the owner holds all its slots (a create would first look for stores that are gone). */
    async check(owner: string): Promise<void> {
      const usage = await temporalCall(() =>
        client.connection.withDeadline(Date.now() + timeoutMs, () =>
          client.workflow.getHandle(ownerQuotaWorkflowId(taskQueue, owner)).query(quotaUsageQuery),
        ),
      ).catch((error: unknown) => {
        if (error instanceof WorkflowNotFoundError) return { used: 0 };
        throw error;
      });
      if (usage.used >= limit) throw quotaExceeded(quotaFullMessage(owner, usage.used, limit));
    },
  };
}

export type OwnerQuota = ReturnType<typeof createOwnerQuota>;
