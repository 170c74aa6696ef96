import { ServiceError, WorkflowUpdateFailedError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { runUpdate } from './update-errors.js';

const grpc = (code: number, details: string) =>
  new ServiceError('call failed', { cause: Object.assign(new Error(details), { code, details }) });

const failures = {
  refused: (reason: string) => new ApiError(409, 'change_refused', reason),
  gone: () => new ApiError(409, 'change_refused', 'store s1 is Deleted'),
  name: 'change',
  timeoutMs: 10_000,
};

describe('an update that failed, as the API answers it', () => {
  it.each<[string, Error, { status: number; code: string; message: string }]>([
    [
      'when the workflow refused it, then 409 with its reason',
      new WorkflowUpdateFailedError(
        'update failed',
        ApplicationFailure.nonRetryable('the store is Provisioning; only a Ready store can change its plan or chart'),
      ),
      {
        status: 409,
        code: 'change_refused',
        message: 'the store is Provisioning; only a Ready store can change its plan or chart',
      },
    ],
    [
      'when the workflow is gone, then what gone() says',
      new WorkflowNotFoundError('not found', 'store-s1', undefined),
      { status: 409, code: 'change_refused', message: 'store s1 is Deleted' },
    ],
    [
      'when no worker took it within its deadline, then 503 worker_unavailable: it may still apply',
      new WorkflowUpdateRPCTimeoutOrCancelledError('timed out', { cause: grpc(4, 'Deadline exceeded') }),
      {
        status: 503,
        code: 'worker_unavailable',
        message: 'no worker accepted the change request within 10 s; it may still be applied once a worker runs',
      },
    ],
    [
      'when Temporal cannot be reached, then 503 temporal_unavailable saying so, not blaming the workers',
      grpc(14, 'No connection established. Last error: connect ECONNREFUSED 10.0.0.7:7233'),
      { status: 503, code: 'temporal_unavailable', message: 'Temporal is not reachable; try again shortly' },
    ],
  ])('%s', async (_name, error, expected) => {
    const answer = await runUpdate(() => Promise.reject(error), failures).catch((e: unknown) => e);
    expect(answer).toBeInstanceOf(ApiError);
    expect(answer).toMatchObject(expected);
  });
});
