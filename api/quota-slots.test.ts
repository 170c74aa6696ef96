import { describe, expect, it } from 'vitest';
import type { LeaseClose } from '../core/owner-quota.js';
import { ApiError } from './errors.js';
import { createQuotaSlots } from './quota-slots.js';

/** A quota that leases what `grants` says, in order (then 0), and records every call. */
function fakeQuota(grants: number[], options: { full?: boolean } = {}) {
  const calls = { leases: 0, reserved: [] as string[], released: [] as string[], closed: [] as LeaseClose[] };
  return {
    calls,
    quota: {
      lease: () => {
        calls.leases += 1;
        return Promise.resolve(grants.shift() ?? 0);
      },
      closeLease: (_owner: string, close: LeaseClose) => {
        calls.closed.push(close);
        return Promise.resolve();
      },
      reserve: (_owner: string, storeId: string) => {
        if (options.full) return Promise.reject(new ApiError(403, 'store_quota_exceeded', 'full'));
        calls.reserved.push(storeId);
        return Promise.resolve();
      },
      release: (_owner: string, storeId: string) => {
        calls.released.push(storeId);
        return Promise.resolve();
      },
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('quota slots', () => {
  it('when a lease is held, then creates take its slots at once and ask the quota nothing more until half is left', async () => {
    const { quota, calls } = fakeQuota([10, 10]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores' });
    (await slots.take('team-a', 's0')).keep();
    expect(calls.leases).toBe(1);
    for (let i = 1; i < 4; i++) slots.takeNow('team-a', `s${i}`)!.keep();
    expect(calls.leases).toBe(1);
    // The fifth slot leaves half of the ten: the next lease is asked for in the background.
    slots.takeNow('team-a', 's4')!.keep();
    await settle();
    expect(calls.leases).toBe(2);
    expect(calls.reserved).toEqual([]);
  });

  it('when half of its use time is over, then the next lease is asked for while it still serves', async () => {
    let now = 0;
    const { quota, calls } = fakeQuota([100, 100]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores', useMs: 5000, now: () => now });
    (await slots.take('team-a', 'a')).keep();
    now = 2400;
    slots.takeNow('team-a', 'b')!.keep();
    await settle();
    expect(calls.leases).toBe(1);
    now = 2500;
    slots.takeNow('team-a', 'c')!.keep();
    await settle();
    expect(calls.leases).toBe(2);
    // The first lease serves until its time is over; then the second, without a wait.
    now = 5000;
    slots.takeNow('team-a', 'd')!.keep();
    expect(calls.closed.map((close) => close.storeIds)).toEqual([['a', 'b', 'c']]);
  });

  it('when all its slots are used and no create is in flight, then the lease is closed naming its stores', async () => {
    const { quota, calls } = fakeQuota([2]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores' });
    const first = await slots.take('team-a', 'a');
    const second = slots.takeNow('team-a', 'b')!;
    first.keep();
    expect(calls.closed).toEqual([]);
    second.keep();
    expect(calls.closed).toEqual([{ leaseId: expect.any(String) as string, storeIds: ['a', 'b'] }]);
  });

  it('when a create started nothing, then its slot goes back to the lease for the next create', async () => {
    const { quota, calls } = fakeQuota([1]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores' });
    (await slots.take('team-a', 'taken-id')).giveBack(false);
    slots.takeNow('team-a', 'b')!.keep();
    expect(calls.closed.map((close) => close.storeIds)).toEqual([['b']]);
  });

  it('when a lease is held, then freeNow counts the slots a create here would take at once, and none once its time is over', async () => {
    let now = 0;
    const { quota } = fakeQuota([10]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores', useMs: 5000, now: () => now });
    expect(slots.freeNow('team-a')).toBe(0);
    (await slots.take('team-a', 'a')).keep();
    slots.takeNow('team-a', 'b')!.giveBack(false);
    expect(slots.freeNow('team-a')).toBe(9);
    expect(slots.freeNow('team-b')).toBe(0);
    now = 5000;
    expect(slots.freeNow('team-a')).toBe(0);
  });

  it('when its use time is over, then no slot is taken from it and it is closed once its creates are done', async () => {
    let now = 0;
    const { quota, calls } = fakeQuota([10]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores', useMs: 5000, now: () => now });
    const inFlight = await slots.take('team-a', 'a');
    now = 5000;
    expect(slots.takeNow('team-a', 'b')).toBeUndefined();
    expect(calls.closed).toEqual([]);
    inFlight.keep();
    expect(calls.closed.map((close) => close.storeIds)).toEqual([['a']]);
  });

  it("when its use timer fires while this process's clock still reads a moment before the end, then it is closed all the same", async () => {
    const { quota, calls } = fakeQuota([10]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores', useMs: 20, now: () => 0 });
    (await slots.take('team-a', 'a')).keep();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.closed.map((close) => close.storeIds)).toEqual([['a']]);
    expect(slots.takeNow('team-a', 'b')).toBeUndefined();
  });

  it('when the quota leases none, then each create reserves its own slot, and a lease is not asked for again within the use time', async () => {
    const { quota, calls } = fakeQuota([0]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores' });
    const a = await slots.take('team-a', 'a');
    const b = await slots.take('team-a', 'b');
    expect(calls.leases).toBe(1);
    expect(calls.reserved).toEqual(['a', 'b']);
    a.keep();
    // b's id turned out to be another owner's store: its reservation is freed; an id of this owner's keeps it.
    b.giveBack(false);
    (await slots.take('team-a', 'c')).giveBack(true);
    expect(calls.released).toEqual(['b']);
  });

  it('when creates arrive together with no lease held, then they wait for one lease request', async () => {
    const { quota, calls } = fakeQuota([50]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores' });
    const taken = await Promise.all(Array.from({ length: 20 }, (_, i) => slots.take('team-a', `s${i}`)));
    expect(taken).toHaveLength(20);
    expect(calls.leases).toBe(1);
  });

  it('when the quota is full and leases none, then the reservation refuses the create with 403', async () => {
    const { quota } = fakeQuota([], { full: true });
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores' });
    await expect(slots.take('team-a', 'a')).rejects.toMatchObject({ status: 403, code: 'store_quota_exceeded' });
  });

  it('when no lease is held, then taking one at once asks the quota nothing: a create that finds its store exists needs no slot', async () => {
    const { quota, calls } = fakeQuota([10]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores' });
    expect(slots.takeNow('team-a', 'a')).toBeUndefined();
    await settle();
    expect(calls.leases).toBe(0);
  });

  it('when owners differ, then each has its own leases', async () => {
    const { quota, calls } = fakeQuota([5, 5]);
    const slots = createQuotaSlots({ quota, storeTaskQueue: 'stores' });
    await slots.take('team-a', 'a');
    expect(slots.takeNow('team-b', 'b')).toBeUndefined();
    await slots.take('team-b', 'b');
    expect(calls.leases).toBe(2);
  });
});
