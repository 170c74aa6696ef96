// The API's Temporal client. Lazy, so the API starts while Temporal is down; and every call has a
// deadline, so a Temporal that hangs (paused, overloaded, behind a half-open connection) costs a
// request that long at most, then a 503, instead of holding it open.
import { InterceptingCall } from '@grpc/grpc-js';
import {
  Client,
  Connection,
  defaultGrpcRetryOptions,
  makeGrpcRetryInterceptor,
  type ConnectionOptions,
} from '@temporalio/client';
import type { TemporalTls } from '../core/temporal-connection.js';

type GrpcInterceptor = NonNullable<ConnectionOptions['interceptors']>[number];

export interface ApiTemporalClient {
  client: Client;
  /**
   * Waits for the calls still running (each ends by its deadline), then closes the connection.
   * Closing under a call that waits to retry makes that retry throw from a timer, where nothing
   * can catch it and the process dies.
   */
  close(): Promise<void>;
}

/**
 * Temporal's usual retries, all within one deadline: `ms` from now for a call without a deadline of
 * its own (one set with `withDeadline`, e.g. for a query that may wait for a worker, is kept).
 */
function retriesWithinDeadline(ms: number): GrpcInterceptor {
  const retries = makeGrpcRetryInterceptor(defaultGrpcRetryOptions());
  return (options, nextCall) => retries({ ...options, deadline: options.deadline ?? Date.now() + ms }, nextCall);
}

/** Counts the calls from start to final status, retries included, so close can wait for none. */
function callsInFlight(): { interceptor: GrpcInterceptor; idle(): Promise<void> } {
  let running = 0;
  const waiters: (() => void)[] = [];
  const ended = () => {
    running -= 1;
    if (running === 0) for (const wake of waiters.splice(0)) wake();
  };
  return {
    interceptor: (options, nextCall) =>
      new InterceptingCall(nextCall(options), {
        start(metadata, _listener, next) {
          running += 1;
          next(metadata, {
            onReceiveStatus(status, nextStatus) {
              ended();
              nextStatus(status);
            },
          });
        },
      }),
    idle: () => (running === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
  };
}

export function apiTemporalClient(
  config: { address: string; namespace: string; tls: TemporalTls | false },
  callTimeoutMs: number,
): ApiTemporalClient {
  const calls = callsInFlight();
  const connection = Connection.lazy({
    address: config.address,
    tls: config.tls,
    interceptors: [calls.interceptor, retriesWithinDeadline(callTimeoutMs)],
  });
  return {
    client: new Client({ connection, namespace: config.namespace }),
    close: async () => {
      await calls.idle();
      await connection.close();
    },
  };
}
