// One store's provisioning and deletion, timed the same way on both sides: from the request to the
// moment the store is Ready (gone), as the workflow records it or as the bare script returns.
import type { Engine } from '../core/store-spec.js';
import type { BenchContext } from './context.js';

const pollMs = 100;

async function secondsUntilDone(work: () => Promise<number | void>): Promise<number> {
  const start = Date.now();
  const end = await work();
  return ((end ?? Date.now()) - start) / 1000;
}

/**
 * The request, then the time the workflow recorded for the phase (so the poll interval does not
 * count), or when the API first shows the phase if it answers without the workflow's status.
 */
function apiSeconds(
  ctx: BenchContext,
  storeId: string,
  phase: 'Ready' | 'Deleted',
  request: () => Promise<void>,
): Promise<number> {
  return secondsUntilDone(async () => {
    await request();
    const store = await ctx.api.waitFor(storeId, phase, pollMs);
    const recorded = phase === 'Ready' ? store.readyAt : store.deletedAt;
    return recorded ? Date.parse(recorded) : Date.now();
  });
}

export const apiProvisionSeconds = (ctx: BenchContext, storeId: string, engine: Engine) =>
  apiSeconds(ctx, storeId, 'Ready', () => ctx.api.create(storeId, engine));

export const apiDeleteSeconds = (ctx: BenchContext, storeId: string) =>
  apiSeconds(ctx, storeId, 'Deleted', () => ctx.api.delete(storeId));

export const bareProvisionSeconds = (ctx: BenchContext, storeId: string, engine: Engine) =>
  secondsUntilDone(() => ctx.bare.provision(storeId, engine));

export const bareDeleteSeconds = (ctx: BenchContext, storeId: string, engine: Engine) =>
  secondsUntilDone(() => ctx.bare.remove(storeId, engine));
