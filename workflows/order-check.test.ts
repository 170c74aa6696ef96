import { describe, expect, it } from 'vitest';
import type { OrderCheckResult } from '../activities/order-check.js';
import { runOrderCheck } from './order-check.js';
import { failOpenConditions, initialStatus } from './store-status.js';

const spec = { storeId: 'shop1', engine: 'medusa', plan: 'small', owner: 'team-a' } as const;
const step = (name: string, ok = true, message = 'fine') => ({ name, ok, message });

function readyStore() {
  const status = initialStatus(spec, 't0');
  status.phase = 'Ready';
  status.url = 'http://shop1.localhost';
  return status;
}

describe('the order check, as the store workflow records it', () => {
  it.each<[string, OrderCheckResult | Error, string, string, RegExp]>([
    [
      'every step succeeds',
      { ok: true, orderId: 'order_1', steps: [step('checkout'), step('cancel')] },
      'True',
      'OrderPlaced',
      /^order order_1 placed through http:\/\/shop1\.localhost, seen in the admin and cancelled$/,
    ],
    [
      'a step fails before any order',
      { ok: false, steps: [step('admin sign-in', false, 'HTTP 401')] },
      'False',
      'OrderFlowBroken',
      /^admin sign-in failed: HTTP 401$/,
    ],
    [
      'the cancel fails',
      { ok: false, orderId: 'order_2', steps: [step('checkout'), step('cancel', false, 'HTTP 500')] },
      'False',
      'OrderFlowBroken',
      /^cancel failed: HTTP 500; order order_2 may still be open$/,
    ],
    [
      'the admin cannot see the order but it is cancelled',
      {
        ok: false,
        orderId: 'order_3',
        steps: [step('checkout'), step('admin sees the order', false, 'HTTP 404'), step('cancel')],
      },
      'False',
      'OrderFlowBroken',
      /^admin sees the order failed: HTTP 404$/,
    ],
    [
      'the activity itself fails',
      new Error('secret not found'),
      'False',
      'OrderFlowBroken',
      /^order check failed: the check could not run: secret not found$/,
    ],
  ])(
    'when %s, then OrderFlow is %s (%s) and an event says the same',
    async (_what, outcome, conditionStatus, reason, message) => {
      const status = readyStore();
      const checkOrder = () => (outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome));
      const check = await runOrderCheck({ checkOrder }, spec, status, 'API, owner team-a');
      const condition = status.conditions.find((c) => c.type === 'OrderFlow');
      expect(condition).toMatchObject({ status: conditionStatus, reason });
      expect(condition?.message).toMatch(message);
      expect(status.events.map((e) => e.reason)).toEqual(['OrderCheckRequested', reason]);
      expect(status.events[1]?.type).toBe(conditionStatus === 'True' ? 'Normal' : 'Warning');
      expect(status.lastOrderCheck).toEqual(check);
      expect(check.requestedBy).toBe('API, owner team-a');
    },
  );

  it('when a store starts or a later step fails, then OrderFlow is absent or left as the last check found it', async () => {
    const status = readyStore();
    expect(status.conditions.some((c) => c.type === 'OrderFlow')).toBe(false);
    await runOrderCheck(
      { checkOrder: () => Promise.resolve({ ok: false, steps: [step('cart', false, 'HTTP 500')] }) },
      spec,
      status,
      'me',
    );
    failOpenConditions(status, 'UpgradeFailed', 'helm failed', 't9');
    expect(status.conditions.find((c) => c.type === 'OrderFlow')).toMatchObject({
      status: 'False',
      reason: 'OrderFlowBroken',
    });
  });
});
