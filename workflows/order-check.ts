// The order check, on request while the store is Ready: the activity places, verifies and cancels an
// order; this records what it found as the condition OrderFlow, an event and status.lastOrderCheck.
// A finding, not a gate: the store stays Ready whatever the check saw.
import { rootCause } from '@temporalio/common';
import type { StoreActivities } from '../activities/index.js';
import { reasons, type OrderCheck, type StoreStatus } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { recordEvent, setCondition } from './store-status.js';

const now = () => new Date().toISOString();

export async function runOrderCheck(
  activities: Pick<StoreActivities, 'checkOrder'>,
  spec: StoreSpec,
  status: StoreStatus,
  by: string,
): Promise<OrderCheck> {
  const startedAt = now();
  recordEvent(
    status,
    { type: 'Normal', reason: reasons.OrderCheckRequested, message: `order check requested by ${by}` },
    startedAt,
  );
  const result = await activities.checkOrder(spec, status.url ?? '').catch((error: unknown) => ({
    ok: false,
    steps: [
      { name: 'order check', ok: false, message: `the check could not run: ${rootCause(error) ?? String(error)}` },
    ],
  }));
  const check: OrderCheck = { ...result, requestedBy: by, startedAt, finishedAt: now() };
  status.lastOrderCheck = check;
  if (check.ok) {
    const message = `order ${check.orderId ?? ''} placed through ${status.url ?? 'the store URL'}, seen in the admin and cancelled`;
    setCondition(status, 'OrderFlow', 'True', reasons.OrderPlaced, message, check.finishedAt);
    recordEvent(status, { type: 'Normal', reason: reasons.OrderPlaced, message }, check.finishedAt);
  } else {
    const failed = check.steps.find((step) => !step.ok);
    const cancelled = check.steps.some((step) => step.name === 'cancel' && step.ok);
    const leftOpen = check.orderId && !cancelled ? `; order ${check.orderId} may still be open` : '';
    const message = `${failed ? `${failed.name} failed: ${failed.message}` : 'no step ran'}${leftOpen}`;
    setCondition(status, 'OrderFlow', 'False', reasons.OrderFlowBroken, message, check.finishedAt);
    recordEvent(status, { type: 'Warning', reason: reasons.OrderFlowBroken, message }, check.finishedAt);
  }
  return check;
}
