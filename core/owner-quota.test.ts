import { describe, expect, it } from 'vitest';
import {
  closeLease,
  expiredLeases,
  grantLease,
  leaseSettleMs,
  nextLeaseExpiry,
  reservationGraceMs,
  slotsInUse,
  tryReserve,
  unusedSlots,
  type OwnerQuotaState,
  type QuotaLease,
  type ReservedStore,
} from './owner-quota.js';

const now = Date.parse('2026-12-02T10:00:00.000Z');
const ago = (ms: number) => new Date(now - ms).toISOString();
const state = (reserved: Record<string, string>, leases?: Record<string, QuotaLease>): OwnerQuotaState => ({
  owner: 'team-a',
  reserved,
  seeded: true,
  ...(leases ? { leases } : {}),
});
const reservedIds = (count: number) =>
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`s${i}`, ago(0)] as const));
const lease = (slots: number, expiresAt = ago(-60_000)): QuotaLease => ({ slots, storeTaskQueue: 'stores', expiresAt });
const leaseRequest = { leaseId: 'new', slots: 200, limit: 50, storeTaskQueue: 'stores', useMs: 5000 };

describe('tryReserve', () => {
  it('when there is room, then the id takes a slot', () => {
    const s = state({ a: ago(0) });
    expect(tryReserve(s, { storeId: 'b', limit: 2 }, ago(0))).toBe(true);
    expect(Object.keys(s.reserved)).toEqual(['a', 'b']);
  });
  it('when the quota is full, then a new id is refused and nothing changes', () => {
    const s = state({ a: ago(0), b: ago(0) });
    expect(tryReserve(s, { storeId: 'c', limit: 2 }, ago(0))).toBe(false);
    expect(Object.keys(s.reserved)).toEqual(['a', 'b']);
  });
  it('when the id already holds a slot, then it is accepted again even at the limit', () => {
    expect(tryReserve(state({ a: ago(0), b: ago(0) }), { storeId: 'a', limit: 2 }, ago(0))).toBe(true);
  });
  it("when the free slots are leased, then a new id is refused: a lease's slots count whole until it is closed", () => {
    expect(tryReserve(state({ a: ago(0) }, { l: lease(1) }), { storeId: 'b', limit: 2 }, ago(0))).toBe(false);
  });
});

describe('grantLease', () => {
  it.each<[string, number, Record<string, QuotaLease> | undefined, number]>([
    ['when no slot is used, then half of the limit', 0, undefined, 25],
    ['when 40 of 50 are reserved, then half of the 10 free', 40, undefined, 5],
    ['when other leases hold slots too, then half of what they leave', 10, { other: lease(20) }, 10],
    ['when 48 are used, then one', 48, undefined, 1],
    ['when one slot is free, then none: it is left for a create that reserves it', 49, undefined, 0],
    ['when the quota is full, then none', 50, undefined, 0],
  ])('%s', (_name, reserved, leases, granted) => {
    const s = state(reservedIds(reserved), leases);
    expect(grantLease(s, leaseRequest, now)).toBe(granted);
    expect(s.leases?.new?.slots).toBe(granted || undefined);
    expect(slotsInUse(s)).toBe(reserved + granted + (leases?.other?.slots ?? 0));
  });

  it('when fewer are asked for than half the free slots, then as many as asked', () => {
    expect(grantLease(state({}), { ...leaseRequest, slots: 3 }, now)).toBe(3);
  });

  it('when granted, then it expires its use time and the settle time after the grant', () => {
    const s = state({});
    grantLease(s, leaseRequest, now);
    expect(s.leases?.new).toEqual({
      slots: 25,
      storeTaskQueue: 'stores',
      expiresAt: new Date(now + 5000 + leaseSettleMs).toISOString(),
    });
  });
});

describe('closeLease', () => {
  it('when closed with the stores it started, then each takes a slot and its other slots are free', () => {
    const s = state({ a: ago(1000) }, { l: lease(10) });
    closeLease(s, { leaseId: 'l', storeIds: ['b', 'c', 'a'] }, ago(0));
    expect(s.reserved).toEqual({ a: ago(1000), b: ago(0), c: ago(0) });
    expect(slotsInUse(s)).toBe(3);
  });

  it('when it was settled already (it expired), then its stores still take their slots', () => {
    const s = state({});
    closeLease(s, { leaseId: 'gone', storeIds: ['b'] }, ago(0));
    expect(Object.keys(s.reserved)).toEqual(['b']);
  });
});

describe('expiredLeases and nextLeaseExpiry', () => {
  it('when leases are open, then those past their expiry are expired, oldest first, and the next expiry is the earliest', () => {
    const s = state({}, { late: lease(1, ago(-10)), first: lease(1, ago(20)), second: lease(1, ago(10)) });
    expect(expiredLeases(s, now)).toEqual(['first', 'second']);
    expect(nextLeaseExpiry(s)).toBe(now - 20);
  });
  it('when none is open (or the state is from before leases), then nothing expires', () => {
    expect(expiredLeases(state({}), now)).toEqual([]);
    expect(nextLeaseExpiry(state({}))).toBeUndefined();
  });
});

describe('unusedSlots', () => {
  const old = ago(reservationGraceMs + 1);
  const fresh = ago(1000);
  it.each<[string, string, ReservedStore, boolean]>([
    [
      'when the store runs, then its slot is used',
      old,
      { storeId: 'x', found: true, status: 'RUNNING', owner: 'team-a' },
      false,
    ],
    [
      'when its workflow was terminated (remains may exist), then its slot is used',
      old,
      { storeId: 'x', found: true, status: 'TERMINATED', owner: 'team-a', closedAt: ago(10) },
      false,
    ],
    [
      'when the store was deleted after the reservation, then its slot is free at once',
      fresh,
      { storeId: 'x', found: true, status: 'COMPLETED', owner: 'team-a', closedAt: ago(10) },
      true,
    ],
    [
      'when an earlier store of the id was deleted before a fresh reservation, then the slot is kept (its create is starting)',
      fresh,
      { storeId: 'x', found: true, status: 'COMPLETED', owner: 'team-a', closedAt: ago(5000) },
      false,
    ],
    ['when no store started within the grace time, then the slot is free', old, { storeId: 'x', found: false }, true],
    [
      'when no store started yet but the reservation is fresh, then the slot is kept',
      fresh,
      { storeId: 'x', found: false },
      false,
    ],
    [
      'when another owner holds the id past the grace time, then the slot is free',
      old,
      { storeId: 'x', found: true, status: 'RUNNING', owner: 'team-b' },
      true,
    ],
    [
      'when another owner holds the id and the reservation is fresh, then the slot is kept',
      fresh,
      { storeId: 'x', found: true, status: 'RUNNING', owner: 'team-b' },
      false,
    ],
  ])('%s', (_name, reservedAt, store, free) => {
    expect(unusedSlots(state({ x: reservedAt }), [store], now)).toEqual(free ? ['x'] : []);
  });

  it('when an id is no longer reserved (released meanwhile), then it is not reported', () => {
    expect(unusedSlots(state({}), [{ storeId: 'x', found: false }], now)).toEqual([]);
  });
});
