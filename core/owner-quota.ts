// The per-owner store quota as one workflow per owner keeps it: a create reserves a slot for its
// store id through an update, which the workflow answers one at a time, so concurrent creates (from
// any number of API replicas) can never all see room for one more. An API process may also lease
// several slots ahead of its creates, so that most creates ask the workflow nothing: a lease counts
// whole against the limit until its holder closes it naming the stores it started, or until it
// expires. Messages and the pure decisions.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';

export interface ReserveRequest {
  storeId: string;
  /** The API's STOREFLEET_STORES_PER_OWNER; every replica should agree on it. */
  limit: number;
}

export interface OwnerQuotaState {
  owner: string;
  /** Store id -> when its slot was reserved (ISO time). */
  reserved: Record<string, string>;
  /** True once the stores that existed before this workflow are counted. */
  seeded: boolean;
  /** Lease id -> the slots leased to an API process (absent in the state of runs before leases). */
  leases?: Record<string, QuotaLease>;
}

export interface QuotaLease {
  slots: number;
  /** Where its holder starts stores: the running ones there are counted when it expires unclosed. */
  storeTaskQueue: string;
  /** When it is settled without word from its holder (ISO time). */
  expiresAt: string;
}

export interface LeaseRequest {
  leaseId: string;
  /** As many as the holder would like; it may get fewer, or none. */
  slots: number;
  limit: number;
  storeTaskQueue: string;
  /** How long the holder starts stores with it, counted from before it asked. */
  useMs: number;
}

export interface QuotaUsage {
  used: number;
  /** Absent in answers from workers before leases. */
  leased?: number;
  storeIds: string[];
}

export interface LeaseClose {
  leaseId: string;
  /** The stores it started (or may have started) with the lease's slots. */
  storeIds: string[];
}

/** Reserves a slot for a store id (again: a no-op); fails with OwnerQuotaFull when none is free. */
export const reserveStoreUpdate = defineUpdate<{ used: number }, [ReserveRequest]>('reserveStore');
/** Frees a store id's slot: its create did not start a store of this owner. */
export const releaseStoreSignal = defineSignal<[string]>('releaseStore');
/** `used` counts every open lease whole; `leased` says how many of those slots are in open leases. */
export const quotaUsageQuery = defineQuery<QuotaUsage>('quotaUsage');
/** Leases slots to an API process: answers how many it got (0: none, reserve one at a time). */
export const leaseSlotsUpdate = defineUpdate<{ slots: number }, [LeaseRequest]>('leaseSlots');
/** Ends a lease: its stores take a slot each, its other slots are free again. */
export const closeLeaseSignal = defineSignal<[LeaseClose]>('closeLease');

export const ownerQuotaFull = 'OwnerQuotaFull';

/** What Temporal knows of the store workflow behind a reserved store id. */
export interface ReservedStore {
  storeId: string;
  found: boolean;
  /** RUNNING, COMPLETED (Deleted), TERMINATED, FAILED... of its latest run. */
  status?: string;
  owner?: string;
  /** When its latest run closed (ISO time). */
  closedAt?: string;
}

/**
 * A reservation younger than this is kept even with no store of the owner behind it: its create may
 * be between the reservation and the start of its store workflow.
 */
export const reservationGraceMs = 60_000;

/**
 * The reserved store ids whose slot is free again: the store was deleted after the reservation, or
 * (past the grace time) no store of this owner ever started. A store counts while its workflow runs
 * and after it ended without a delete, because its namespace and volumes may remain.
 */
export function unusedSlots(state: OwnerQuotaState, stores: ReservedStore[], now: number): string[] {
  return stores
    .filter((store) => {
      const reservedAt = state.reserved[store.storeId];
      if (!reservedAt) return false;
      const ours = store.found && store.owner === state.owner;
      if (ours && store.status !== 'COMPLETED') return false;
      if (ours && store.closedAt && store.closedAt >= reservedAt) return true;
      return now - new Date(reservedAt).getTime() >= reservationGraceMs;
    })
    .map((store) => store.storeId);
}

/**
 * How long a lease is still counted whole after its holder stopped using it: for a start still in
 * flight, and for visibility to show the stores it started when the holder never closes it.
 */
export const leaseSettleMs = 30_000;

/**
 * How long a reservation that finds the quota full waits for open leases to be closed: their holders
 * close them within seconds of their use time; one whose holder died is settled only later, and a
 * create is refused rather than kept waiting for that.
 */
export const leaseCloseWaitMs = 10_000;

/** The slots of the open leases. */
export const leasedSlots = (state: OwnerQuotaState): number =>
  Object.values(state.leases ?? {}).reduce((sum, lease) => sum + lease.slots, 0);

/** Slots counted against the limit: every reserved id and every open lease's slots. */
export const slotsInUse = (state: OwnerQuotaState): number => Object.keys(state.reserved).length + leasedSlots(state);

/** Reserves when there is room: true when the store id holds a slot afterwards. Synchronous, so atomic. */
export function tryReserve(state: OwnerQuotaState, request: ReserveRequest, now: string): boolean {
  if (state.reserved[request.storeId]) return true;
  if (slotsInUse(state) >= request.limit) return false;
  state.reserved[request.storeId] = now;
  return true;
}

/**
 * Leases at most half of the free slots, so that other API processes still find some; none when
 * only one is free. Returns how many were leased (recorded in the state).
 */
export function grantLease(state: OwnerQuotaState, request: LeaseRequest, now: number): number {
  const slots = Math.min(request.slots, Math.floor((request.limit - slotsInUse(state)) / 2));
  if (slots < 1) return 0;
  const expiresAt = new Date(now + request.useMs + leaseSettleMs).toISOString();
  state.leases = { ...state.leases, [request.leaseId]: { slots, storeTaskQueue: request.storeTaskQueue, expiresAt } };
  return slots;
}

/** Its stores take a slot each (reserved now); the lease's own slots are free again. */
export function closeLease(state: OwnerQuotaState, close: LeaseClose, now: string): void {
  for (const storeId of close.storeIds) state.reserved[storeId] ??= now;
  delete state.leases?.[close.leaseId];
}

/** The open leases past their expiry, oldest first. */
export function expiredLeases(state: OwnerQuotaState, now: number): string[] {
  return Object.entries(state.leases ?? {})
    .filter(([, lease]) => Date.parse(lease.expiresAt) <= now)
    .sort(([, a], [, b]) => a.expiresAt.localeCompare(b.expiresAt))
    .map(([leaseId]) => leaseId);
}

/** When the next open lease expires (epoch ms), if any is open. */
export function nextLeaseExpiry(state: OwnerQuotaState): number | undefined {
  const times = Object.values(state.leases ?? {}).map((lease) => Date.parse(lease.expiresAt));
  return times.length ? Math.min(...times) : undefined;
}

/** Why a create is refused: the owner's stores, and the slots still leased to API processes when any are. */
export const quotaFullMessage = (owner: string, stores: number, limit: number, leased = 0) =>
  leased > 0
    ? `owner ${owner} already has ${stores} stores and ${leased} slots leased to API processes creating stores (limit ${limit}); leased slots not used come back within seconds`
    : `owner ${owner} already has ${stores} stores (limit ${limit})`;
