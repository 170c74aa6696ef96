// One workflow per owner keeps its store quota (core/owner-quota.ts): creates reserve a slot through
// an update, answered one at a time, so 60 parallel creates against a limit of 50 give exactly 50.
// Slots of stores that are gone are found when the quota looks full, by asking Temporal about each
// (core/owner-quota.ts unusedSlots says which). Leases (core/owner-quota.ts) are granted through an
// update too; one that expires unclosed is settled by counting the running stores of the owner on
// its holder's task queue, so a holder that died keeps no slot and loses none of its stores.
import { ApplicationFailure } from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import {
  closeLease,
  closeLeaseSignal,
  expiredLeases,
  grantLease,
  leasedSlots,
  leaseCloseWaitMs,
  leaseSlotsUpdate,
  nextLeaseExpiry,
  ownerQuotaFull,
  quotaFullMessage,
  slotsInUse,
  quotaUsageQuery,
  releaseStoreSignal,
  reserveStoreUpdate,
  tryReserve,
  unusedSlots,
  type LeaseRequest,
  type OwnerQuotaState,
  type ReserveRequest,
} from '../core/owner-quota.js';

const { ownerStoresInUse, describeReservedStores } = proxyActivities<StoreActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5, initialInterval: '500 milliseconds' },
});

const historyEventLimit = 2000;
const boundedLeaseWait = 'bounded-lease-wait';
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

  /** Settles the expired leases: the owner's running stores on their holders' task queues take a slot each. */
  async function settleExpiredLeases(): Promise<void> {
    const expired = expiredLeases(state, new Date().getTime());
    if (!expired.length) return;
    const taskQueues = new Set(expired.map((leaseId) => state.leases![leaseId]!.storeTaskQueue));
    const running = await Promise.all([...taskQueues].map((taskQueue) => ownerStoresInUse(owner, taskQueue)));
    for (const leaseId of expired) closeLease(state, { leaseId, storeIds: running.flat() }, now());
  }

  setHandler(quotaUsageQuery, () => ({
    used: slotsInUse(state),
    leased: leasedSlots(state),
    storeIds: Object.keys(state.reserved).sort(),
  }));
  setHandler(releaseStoreSignal, (storeId) => void delete state.reserved[storeId]);
  setHandler(closeLeaseSignal, (close) => closeLease(state, close, now()));
  setHandler(
    leaseSlotsUpdate,
    async (request: LeaseRequest) => {
      await condition(() => state.seeded);
      return { slots: grantLease(state, request, new Date().getTime()) };
    },
    {
      validator: (request: LeaseRequest) => {
        if (
          !request ||
          typeof request.leaseId !== 'string' ||
          typeof request.storeTaskQueue !== 'string' ||
          !Number.isInteger(request.slots) ||
          request.slots < 1 ||
          !Number.isInteger(request.limit) ||
          request.limit < 1 ||
          !Number.isInteger(request.useMs) ||
          request.useMs < 0
        )
          throw new Error('expected { leaseId, slots >= 1, limit >= 1, storeTaskQueue, useMs >= 0 }');
      },
    },
  );
  setHandler(
    reserveStoreUpdate,
    async (request: ReserveRequest) => {
      await condition(() => state.seeded);
      if (!tryReserve(state, request, now())) {
        await pruneUnused();
        // Slots leased to API processes come back when they close their leases (within seconds).
        // No lease open, no wait: a timer here would change the histories of runs before leases.
        if (nextLeaseExpiry(state) !== undefined) {
          const leasesBack = () => slotsInUse(state) < request.limit || nextLeaseExpiry(state) === undefined;
          // Runs that waited without a bound replay as they ran.
          if (patched(boundedLeaseWait)) await condition(leasesBack, leaseCloseWaitMs);
          else await condition(leasesBack);
        }
        if (!tryReserve(state, request, now())) {
          throw ApplicationFailure.create({
            type: ownerQuotaFull,
            message: quotaFullMessage(owner, Object.keys(state.reserved).length, request.limit, leasedSlots(state)),
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

  // A new run once the history is long and no handler is midway (one may wait for leases to settle).
  const readyToContinue = () =>
    (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyEventLimit) &&
    allHandlersFinished();
  while (!readyToContinue()) {
    const expiry = nextLeaseExpiry(state);
    // Wakes for a new run, when the next expiry comes, or when it changes (a lease granted or closed).
    const wake = () => readyToContinue() || nextLeaseExpiry(state) !== expiry;
    if (expiry === undefined) await condition(wake);
    else await condition(wake, Math.max(expiry - new Date().getTime(), 1));
    await settleExpiredLeases();
  }
  await continueAsNew<typeof ownerQuotaWorkflow>(owner, state);
}
