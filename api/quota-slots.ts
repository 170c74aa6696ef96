// Quota slots for this API process's creates. Most come from a lease (core/owner-quota.ts): slots the
// owner's quota workflow handed to this process ahead of use, so the create asks Temporal nothing
// before its start. A lease is used for `useMs` from before it was asked for, then closed with the
// stores started from it; a new one is asked for in the background while the last still has half
// its slots or half its time. When the quota leases none (few slots are free), each create reserves
// its own slot.
import { randomUUID } from 'node:crypto';
import type { OwnerQuota } from './owner-quota.js';

/** A slot held for one create's store id. */
export interface QuotaSlot {
  /** The store started, or may have: the slot counts for its id (the quota frees it if no store is found). */
  keep(): void;
  /** No store started; `idIsOwners`: the id is already a store of this owner, which holds a slot of its own. */
  giveBack(idIsOwners: boolean): void;
}

interface HeldLease {
  id: string;
  owner: string;
  slots: number;
  /** Slots handed to creates, in flight or kept. */
  taken: number;
  inFlight: number;
  storeIds: string[];
  /** This process's clock: no slot is taken from it after this. */
  useUntil: number;
  /** Set by its timer at useUntil, which may fire a little before the clock reads useUntil. */
  used: boolean;
  closed: boolean;
}

export interface QuotaSlotsOptions {
  quota: Pick<OwnerQuota, 'lease' | 'closeLease' | 'reserve' | 'release'>;
  /** Where this process starts stores: a lease its holder never closes is settled by the stores running there. */
  storeTaskQueue: string;
  /** How long a lease is used (tests shorten it). */
  useMs?: number;
  now?: () => number;
}

/** How many slots a lease asks for: the quota grants at most half of the free ones. */
const leaseSlots = 200;

export function createQuotaSlots(options: QuotaSlotsOptions) {
  const { quota, storeTaskQueue, useMs = 5000, now = Date.now } = options;
  const held = new Map<string, HeldLease[]>();
  const asking = new Map<string, Promise<void>>();
  /** Owner -> until when no lease is asked for: the quota leased none. */
  const noLeaseUntil = new Map<string, number>();
  /** Owner -> the slots of the last lease granted: the next is asked for when half of it is left. */
  const lastGranted = new Map<string, number>();

  const usable = (lease: HeldLease) => !lease.used && now() < lease.useUntil && lease.taken < lease.slots;
  const free = (owner: string) =>
    (held.get(owner) ?? []).filter(usable).reduce((sum, lease) => sum + lease.slots - lease.taken, 0);

  /** Closes a lease once it can take no more and none of its creates is in flight. */
  function closeWhenDone(lease: HeldLease): Promise<void> | undefined {
    if (lease.closed || lease.inFlight > 0 || usable(lease)) return undefined;
    lease.used = true;
    lease.closed = true;
    const open = (held.get(lease.owner) ?? []).filter((other) => other !== lease);
    if (open.length) held.set(lease.owner, open);
    else {
      // Nothing of an owner who stops creating stays behind: its next lease starts afresh.
      held.delete(lease.owner);
      lastGranted.delete(lease.owner);
    }
    // Unclosed (Temporal unreachable), the quota settles it when it expires: nothing is lost.
    return quota.closeLease(lease.owner, { leaseId: lease.id, storeIds: lease.storeIds }).catch(() => undefined);
  }

  /** The lease request for the owner in flight, or a new one; undefined while the quota leases none. */
  function askForLease(owner: string): Promise<void> | undefined {
    const running = asking.get(owner);
    if (running) return running;
    if ((noLeaseUntil.get(owner) ?? 0) > now()) return undefined;
    const askedAt = now();
    const leaseId = randomUUID();
    const request = quota
      .lease(owner, { leaseId, slots: leaseSlots, storeTaskQueue, useMs })
      .then((slots) => {
        if (slots === 0) {
          // Refusals are rare: dropping the past ones here keeps only owners refused within the last useMs.
          for (const [other, until] of noLeaseUntil) if (until <= askedAt) noLeaseUntil.delete(other);
          noLeaseUntil.set(owner, askedAt + useMs);
          return;
        }
        lastGranted.set(owner, slots);
        const lease: HeldLease = {
          id: leaseId,
          owner,
          slots,
          taken: 0,
          inFlight: 0,
          storeIds: [],
          useUntil: askedAt + useMs,
          used: false,
          closed: false,
        };
        held.set(owner, [...(held.get(owner) ?? []), lease]);
        setTimeout(
          () => {
            lease.used = true;
            void closeWhenDone(lease);
          },
          Math.max(lease.useUntil - now(), 0),
        ).unref();
        void closeWhenDone(lease);
      })
      .finally(() => asking.delete(owner));
    asking.set(owner, request);
    return request;
  }

  /** A slot from a lease held now, if there is one; asks for the next lease when the held ones run low. */
  function fromLease(owner: string, storeId: string): QuotaSlot | undefined {
    const all = held.get(owner) ?? [];
    // Those past their time are closed here too: their timer may not have fired yet.
    for (const done of all.filter((lease) => !usable(lease))) void closeWhenDone(done);
    const leases = all.filter(usable);
    const lease = leases[0];
    // None held: take() asks, so a create that finds its store exists (and needs no slot) costs no lease.
    if (!lease) return undefined;
    // The next lease is asked for while this one still serves: when half of it is left, or half its time.
    const lastEnds = Math.max(...leases.map((held) => held.useUntil));
    if (free(owner) - 1 <= (lastGranted.get(owner) ?? 0) / 2 || now() >= lastEnds - useMs / 2)
      askForLease(owner)?.catch(() => undefined);
    lease.taken += 1;
    lease.inFlight += 1;
    let settled = false;
    const settle = (kept: boolean) => {
      if (settled) return;
      settled = true;
      lease.inFlight -= 1;
      if (kept) lease.storeIds.push(storeId);
      else lease.taken -= 1;
      void closeWhenDone(lease);
    };
    return { keep: () => settle(true), giveBack: () => settle(false) };
  }

  return {
    /** On shutdown, once no create is in flight: every lease is closed now, not left to expire. */
    closeAll: async (): Promise<void> => {
      const leases = [...held.values()].flat();
      for (const lease of leases) lease.used = true;
      await Promise.all(leases.map((lease) => closeWhenDone(lease) ?? Promise.resolve()));
    },

    /** A slot at once from a lease this process holds, or undefined (take() waits for one). */
    takeNow: fromLease,

    /** How many slots takeNow would hand out for the owner before this process asks again. */
    freeNow: free,

    /**
     * A slot: from a lease (asked for when none is held), else reserved for this store id alone.
     * 403 when the owner's quota is full, 503 when no worker answers the quota.
     */
    async take(owner: string, storeId: string): Promise<QuotaSlot> {
      // Other creates may take a new lease's slots first: ask again while leases keep coming in time.
      for (const until = now() + useMs; now() < until;) {
        const slot = fromLease(owner, storeId);
        if (slot) return slot;
        const request = askForLease(owner);
        if (!request) break;
        await request;
      }
      await quota.reserve(owner, storeId);
      return {
        keep: () => undefined,
        // The reservation is the id's: the owner's store with this id counts on it.
        giveBack: (idIsOwners) => {
          // Best effort: a slot that stays reserved is freed once the quota finds no store behind it.
          if (!idIsOwners) quota.release(owner, storeId).catch(() => undefined);
        },
      };
    },
  };
}

export type QuotaSlots = ReturnType<typeof createQuotaSlots>;
