// A workflow update's failures as API errors, the same for every update the API sends: refused by the
// workflow (its reason), the workflow gone, no worker taking it in time (503, it may still apply), or
// Temporal itself unavailable (503, saying so).
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { rootCause } from '@temporalio/common';
import { workerUnavailable, type ApiError } from './errors.js';
import { isDeadlineExceeded, isTemporalUnavailable, temporalUnavailable } from './temporal-errors.js';

export interface UpdateFailures {
  /** The workflow refused the update (validator or handler failure), with its reason. */
  refused: (reason: string, cause: unknown) => ApiError;
  /** The workflow ended before the update reached it. */
  gone: () => ApiError;
  /** The update's name, for the 503 message. */
  name: string;
  timeoutMs: number;
}

export async function runUpdate<T>(send: () => Promise<T>, failures: UpdateFailures): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError)
      throw failures.refused(rootCause(error.cause) ?? error.message, error.cause);
    if (error instanceof WorkflowNotFoundError) throw failures.gone();
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadlineExceeded(error)) {
      throw workerUnavailable(
        `no worker accepted the ${failures.name} request within ${failures.timeoutMs / 1000} s; it may still be applied once a worker runs`,
      );
    }
    if (isTemporalUnavailable(error)) throw temporalUnavailable(error);
    throw error;
  }
}
