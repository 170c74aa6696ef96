// The per-owner store quota as one workflow per owner keeps it: a create reserves a slot for its
// store id through an update, which the workflow answers one at a time, so concurrent creates (from
// any number of API replicas) can never all see room for one more. Messages and the pure decisions.
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
}

/** Reserves a slot for a store id (again: a no-op); fails with OwnerQuotaFull when none is free. */
export const reserveStoreUpdate = defineUpdate<{ used: number }, [ReserveRequest]>('reserveStore');
/** Frees a store id's slot: its create did not start a store of this owner. */
export const releaseStoreSignal = defineSignal<[string]>('releaseStore');
export const quotaUsageQuery = defineQuery<{ used: number; storeIds: string[] }>('quotaUsage');

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

/** Reserves when there is room: true when the store id holds a slot afterwards. Synchronous, so atomic. */
export function tryReserve(state: OwnerQuotaState, request: ReserveRequest, now: string): boolean {
  if (state.reserved[request.storeId]) return true;
  if (Object.keys(state.reserved).length >= request.limit) return false;
  state.reserved[request.storeId] = now;
  return true;
}

export const quotaFullMessage = (owner: string, used: number, limit: number) =>
  `owner ${owner} already has ${used} stores (limit ${limit})`;
