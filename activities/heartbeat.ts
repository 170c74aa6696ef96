// Long activities heartbeat so Temporal notices a lost worker quickly and can deliver cancellation.
import { Context } from '@temporalio/activity';

/** Runs `work`, heartbeating `details()` every interval until it settles. */
export async function withHeartbeat<T>(details: () => unknown, work: () => Promise<T>, intervalMs = 2000): Promise<T> {
  const context = Context.current();
  context.heartbeat(details());
  const timer = setInterval(() => context.heartbeat(details()), intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
