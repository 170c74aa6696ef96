// One workflow per owner keeps its store quota (core/owner-quota.ts): creates reserve a slot through
// an update, answered one at a time, so 60 parallel creates against a limit of 50 give exactly 50.
// Slots of stores that are gone are found when the quota looks full, by asking Temporal about each
// (core/owner-quota.ts unusedSlots says which).
import { ApplicationFailure } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import {
  ownerQuotaFull,
  quotaFullMessage,
  quotaUsageQuery,
  releaseStoreSignal,
  reserveStoreUpdate,
  tryReserve,
  unusedSlots,
  type OwnerQuotaState,
  type ReserveRequest,
} from '../core/owner-quota.js';

const { ownerStoresInUse, describeReservedStores } = proxyActivities<StoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '500 milliseconds' },
});

const historyEventLimit = 2000;
const now = () => new Date().toISOString();

export async function ownerQuotaWorkflow(owner: string, carried?: OwnerQuotaState): Promise<void> {
  const state: OwnerQuotaState = carried ?? { owner, reserved: {}, seeded: false };
  let pruning: Promise<void> | undefined;

  /** Drops the slots of stores that are gone; concurrent callers share one look. */
  const pruneUnused = () =>
    (pruning ??= (async () => {
      try {
        const stores = await describeReservedStores(Object.keys(state.reserved));
        for (const storeId of unusedSlots(state, stores, new Date().getTime())) delete state.reserved[storeId];
      } finally {
        pruning = undefined;
      }
    })());

  setHandler(quotaUsageQuery, () => ({
    used: Object.keys(state.reserved).length,
    storeIds: Object.keys(state.reserved).sort(),
  }));
  setHandler(releaseStoreSignal, (storeId) => void delete state.reserved[storeId]);
  setHandler(
    reserveStoreUpdate,
    async (request: ReserveRequest) => {
      await condition(() => state.seeded);
      if (!tryReserve(state, request, now())) {
        await pruneUnused();
        if (!tryReserve(state, request, now())) {
          throw ApplicationFailure.create({
            type: ownerQuotaFull,
            message: quotaFullMessage(owner, Object.keys(state.reserved).length, request.limit),
            nonRetryable: true,
          });
        }
      }
      return { used: Object.keys(state.reserved).length };
    },
    {
      validator: (request: ReserveRequest) => {
        if (!request || typeof request.storeId !== 'string' || !Number.isInteger(request.limit) || request.limit < 1)
          throw new Error('expected { storeId, limit >= 1 }');
      },
    },
  );

  if (!state.seeded) {
    // The stores this owner had before its quota workflow existed; stale ones are pruned like any.
    const long = new Date(0).toISOString();
    for (const storeId of await ownerStoresInUse(owner, workflowInfo().taskQueue)) state.reserved[storeId] ??= long;
    state.seeded = true;
  }

  await condition(() => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyEventLimit);
  await condition(allHandlersFinished);
  await continueAsNew<typeof ownerQuotaWorkflow>(owner, state);
}
