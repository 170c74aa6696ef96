import { describe, expect, it } from 'vitest';
import {
  reservationGraceMs,
  tryReserve,
  unusedSlots,
  type OwnerQuotaState,
  type ReservedStore,
} from './owner-quota.js';

const now = Date.parse('2026-12-02T10:00:00.000Z');
const ago = (ms: number) => new Date(now - ms).toISOString();
const state = (reserved: Record<string, string>): OwnerQuotaState => ({ owner: 'team-a', reserved, seeded: true });

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
