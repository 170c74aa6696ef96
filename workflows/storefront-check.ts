// After Ready, the storefront check: a finding, not a gate; the store stays Ready whatever the
// storefront answers, and the condition StorefrontReachable says what it saw.
import { rootCause } from '@temporalio/common';
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import { reasons, type StoreStatus } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { recordEvent, setCondition } from './store-status.js';

const now = () => new Date().toISOString();

export async function checkStorefront(
  kube: ActivityInterfaceFor<StoreActivities>,
  spec: StoreSpec,
  status: StoreStatus,
  enabled: boolean,
): Promise<void> {
  if (!enabled || !status.url) {
    setCondition(
      status,
      'StorefrontReachable',
      'Unknown',
      reasons.StorefrontCheckSkipped,
      'not checked: this worker runs with STOREFLEET_STOREFRONT_CHECK=off (npm start sets it for the simulated cluster, whose pods run no containers)',
      now(),
    );
    return;
  }
  try {
    // Without WooCommerce there is no Store API to ask: CommerceReady says so, not this check.
    const commerce = status.conditions.find((c) => c.type === 'CommerceReady')?.status !== 'False';
    const { ok, summary } = await kube.checkStorefront(spec, status.url, { commerce });
    const wasUnreachable = status.conditions.find((c) => c.type === 'StorefrontReachable')?.status === 'False';
    setCondition(
      status,
      'StorefrontReachable',
      ok ? 'True' : 'False',
      ok ? reasons.StorefrontReachable : reasons.StorefrontUnreachable,
      summary,
      now(),
    );
    // Once when it stops answering, not at every periodic check while it stays down.
    if (!ok && !wasUnreachable)
      recordEvent(status, { type: 'Warning', reason: reasons.StorefrontUnreachable, message: summary }, now());
  } catch (error) {
    setCondition(
      status,
      'StorefrontReachable',
      'Unknown',
      reasons.StorefrontUnreachable,
      `the check itself failed: ${rootCause(error) ?? String(error)}`,
      now(),
    );
  }
}
