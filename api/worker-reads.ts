// Asks the worker for what only it can see (the API has no Kubernetes access): a short read-only
// workflow on the store task queue, bounded in time, whose answer is the activity's result.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { rootCause, TimeoutFailure } from '@temporalio/common';
import { workerReadWorkflowId } from '../core/names.js';
import type { StoreSpec } from '../core/store-spec.js';
import type { ChangeTarget } from '../core/reads.js';
import type {
  fleetUsageWorkflow,
  planChangeWorkflow,
  planStoreWorkflow,
  storeUsageWorkflow,
} from '../workflows/readers.js';
import { ApiError, workerUnavailable } from './errors.js';
import { temporalCall } from './temporal-errors.js';

const resultMarginMs = 2000;

export function createWorkerReads(options: { client: Client; taskQueue: string; timeoutMs: number }) {
  async function ask<Reader extends (...args: never[]) => Promise<unknown>>(
    name: string,
    args: Parameters<Reader>,
  ): Promise<Awaited<ReturnType<Reader>>> {
    try {
      // Waiting for the result is a long poll: its deadline is the read's own bound, not the API's
      // default for a call, with a little room for the timeout to arrive as an answer.
      return await temporalCall(() =>
        options.client.connection.withDeadline(
          Date.now() + options.timeoutMs + resultMarginMs,
          () =>
            options.client.workflow.execute(name, {
              taskQueue: options.taskQueue,
              workflowId: workerReadWorkflowId(name, randomUUID()),
              args,
              // No worker, or a cluster that does not answer: the caller hears so instead of waiting.
              workflowExecutionTimeout: options.timeoutMs,
            }) as Promise<Awaited<ReturnType<Reader>>>,
        ),
      );
    } catch (error) {
      if (!(error instanceof WorkflowFailedError)) throw error;
      if (error.cause instanceof TimeoutFailure) {
        throw workerUnavailable(
          `no worker answered within ${options.timeoutMs / 1000} s; is the storefleet worker running?`,
        );
      }
      throw new ApiError(
        502,
        'cluster_read_failed',
        `the worker could not read the cluster: ${rootCause(error.cause) ?? error.message}`,
      );
    }
  }
  return {
    storeUsage: (storeId: string) => ask<typeof storeUsageWorkflow>('storeUsageWorkflow', [storeId]),
    fleetUsage: (owner: string | undefined) => ask<typeof fleetUsageWorkflow>('fleetUsageWorkflow', [owner]),
    planStore: (spec: StoreSpec) => ask<typeof planStoreWorkflow>('planStoreWorkflow', [spec]),
    planChange: (spec: StoreSpec, target: ChangeTarget) =>
      ask<typeof planChangeWorkflow>('planChangeWorkflow', [spec, target]),
  };
}

export type WorkerReads = ReturnType<typeof createWorkerReads>;
