import { ServiceError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { describeTemporalUnavailable } from './temporal-errors.js';

/** A gRPC failure as the client wraps it. */
const grpc = (code: number, details: string) =>
  new ServiceError('call failed', { cause: Object.assign(new Error(details), { code, details }) });

describe('what an unavailable Temporal did', () => {
  it.each([
    [
      'when the call ran out of its deadline, then it did not answer in time',
      grpc(4, 'Deadline exceeded after 2.001s'),
      'Temporal did not answer in time',
    ],
    [
      'when no connection could be made, then it is not reachable',
      grpc(14, 'No connection established. Last error: connect ECONNREFUSED 10.0.0.7:7233'),
      'Temporal is not reachable',
    ],
    [
      'when it answered that its history shard is unusable (a full disk), then it answered that it cannot serve',
      grpc(14, 'shard status unknown'),
      'Temporal answered that it cannot serve this request now',
    ],
  ])('%s', (_name, error, expected) => {
    expect(describeTemporalUnavailable(error)).toBe(expected);
  });
});
