// The API's Temporal client. Lazy, so the API starts while Temporal is down; and every call has a
// deadline, so a Temporal that hangs (paused, overloaded, behind a half-open connection) costs a
// request that long at most, then a 503, instead of holding it open.
import { Client, Connection, defaultGrpcRetryOptions, makeGrpcRetryInterceptor, type ConnectionOptions } from '@temporalio/client';
import type { TemporalTls } from '../core/temporal-connection.js';

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

/**
 * Temporal's usual retries, all within one deadline: `ms` from now for a call without a deadline of
 * its own (one set with `withDeadline`, e.g. for a query that may wait for a worker, is kept).
 */
function retriesWithinDeadline(ms: number): GrpcInterceptor {
  const retries = makeGrpcRetryInterceptor(defaultGrpcRetryOptions());
  return (options, nextCall) => retries({ ...options, deadline: options.deadline ?? Date.now() + ms }, nextCall);
}

export function apiTemporalClient(config: { address: string; namespace: string; tls: TemporalTls | false }, callTimeoutMs: number): Client {
  const connection = Connection.lazy({ address: config.address, tls: config.tls, interceptors: [retriesWithinDeadline(callTimeoutMs)] });
  return new Client({ connection, namespace: config.namespace });
}
