// Temporal failures as API errors: a missing workflow is a missing store, an unreachable server is 503.
import { ServiceError, WorkflowNotFoundError, type ConnectionLike } from '@temporalio/client';
import { ApiError } from './errors.js';

// gRPC status codes that mean "the server is not there or too slow", not "your request is wrong".
const unavailableCodes = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

function grpcCode(error: unknown): number | undefined {
  const cause = error instanceof ServiceError ? error.cause : error;
  return cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'number' ? cause.code : undefined;
}

export function isTemporalUnavailable(error: unknown): boolean {
  const code = grpcCode(error);
  return code !== undefined && unavailableCodes.has(code);
}

/** Runs a Temporal call, turning its well-known failures into API errors. */
export async function temporalCall<T>(call: () => Promise<T>, missing?: () => ApiError): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (missing && error instanceof WorkflowNotFoundError) throw missing();
    if (isTemporalUnavailable(error)) throw new ApiError(503, 'temporal_unavailable', 'Temporal is not reachable; try again shortly', undefined, { 'Retry-After': '5' });
    throw error;
  }
}

/** Readiness: Temporal answers a cheap call within two seconds. */
export async function temporalReachable(connection: ConnectionLike): Promise<void> {
  await connection.withDeadline(Date.now() + 2000, () => connection.workflowService.getSystemInfo({}));
}
