// Temporal failures as API errors: a missing workflow is a missing store, an unavailable server is 503,
// saying what it did (no answer, no connection, or an answer that it cannot serve).
import { ServiceError, WorkflowNotFoundError, type ConnectionLike } from '@temporalio/client';
import { ApiError } from './errors.js';

// gRPC status codes that mean "the server is not there or too slow", not "your request is wrong".
const unavailableCodes = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

function grpcCode(error: unknown): number | undefined {
  const cause = error instanceof ServiceError ? error.cause : error;
  return cause && typeof cause === 'object' && 'code' in cause && typeof cause.code === 'number'
    ? cause.code
    : undefined;
}

/** The call ran out of its deadline: nothing answered in time (for an update, no worker took it). */
export const isDeadlineExceeded = (error: unknown) => grpcCode(error) === 4;

export function isTemporalUnavailable(error: unknown): boolean {
  const code = grpcCode(error);
  return code !== undefined && unavailableCodes.has(code);
}

function grpcDetails(error: unknown): string {
  const cause = error instanceof ServiceError ? error.cause : error;
  return cause && typeof cause === 'object' && 'details' in cause && typeof cause.details === 'string'
    ? cause.details
    : '';
}

/** The client's own words for a connection it could not make or lost (grpc-js, the SDK's core). */
const notConnected =
  /No connection established|Connection dropped|ECONNREFUSED|ECONNRESET|failed to connect|Name resolution failed|transport/i;

/**
 * What an unavailable Temporal did, in words that claim no more than was seen: it did not answer in
 * time, it could not be connected to, or it answered that it cannot serve (its history service has no
 * working storage, as with a full disk). Never Temporal's own message, which can name addresses.
 */
export function describeTemporalUnavailable(error: unknown): string {
  if (grpcCode(error) === 4) return 'Temporal did not answer in time';
  return notConnected.test(grpcDetails(error))
    ? 'Temporal is not reachable'
    : 'Temporal answered that it cannot serve this request now';
}

/** The 503 for a Temporal that is not there, too slow or cannot serve, saying which. */
export const temporalUnavailable = (error: unknown) =>
  new ApiError(503, 'temporal_unavailable', `${describeTemporalUnavailable(error)}; try again shortly`, undefined, {
    'Retry-After': '5',
  });

/** Runs a Temporal call, turning its well-known failures into API errors. */
export async function temporalCall<T>(call: () => Promise<T>, missing?: () => ApiError): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (missing && error instanceof WorkflowNotFoundError) throw missing();
    if (isTemporalUnavailable(error)) throw temporalUnavailable(error);
    throw error;
  }
}

export type TemporalReadiness = 'reachable' | 'unreachable' | 'failing';

/** No workflow has this id: asking for it needs a working history service, which answers "not found". */
const probeWorkflowId = 'storefleet-readiness-probe';

/**
 * Readiness, within about four seconds: Temporal answers a cheap call (else unreachable), and can look
 * up a workflow (else failing: it answers, but its history service cannot read or write its storage,
 * e.g. a full disk or a database that is down).
 */
export async function temporalReadiness(connection: ConnectionLike, namespace: string): Promise<TemporalReadiness> {
  const within = <T>(call: () => Promise<T>) => connection.withDeadline(Date.now() + 2000, call);
  try {
    await within(() => connection.workflowService.getSystemInfo({}));
  } catch {
    return 'unreachable';
  }
  try {
    await within(() =>
      connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId: probeWorkflowId } }),
    );
    return 'reachable';
  } catch (error) {
    return grpcCode(error) === 5 /* NOT_FOUND */ ? 'reachable' : 'failing';
  }
}
