// A Ready (or Hibernated) store's periodic check, when no request came in its interval: the guardrails
// applied again (any that someone removed are recreated and named in a Warning). A Ready store is also
// watched: its release's objects put back if deleted or changed, its workloads looked at (condition
// StoreReady), and its storefront requested again when the worker checks storefronts. A check that
// fails is told too, and the store stays as it is.
import { rootCause } from '@temporalio/common';
import { patched, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import { reasons, type StoreStatus } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { storeMetrics } from './options.js';
import { checkStorefront } from './storefront-check.js';
import { recordEvent, setCondition } from './store-status.js';

const now = () => new Date().toISOString();

/** Histories from before Ready stores were watched replay with the guardrails alone. */
export const watchReadyStoresPatch = 'watch-ready-stores';

const failedCheck = (reason: string) => storeMetrics.checksFailed().add(1, { reason });

export async function checkDrift(
  kube: ActivityInterfaceFor<StoreActivities>,
  spec: StoreSpec,
  status: StoreStatus,
  storefrontCheck: boolean,
): Promise<void> {
  try {
    const { restored } = await kube.applyGuardrails(spec);
    if (restored.length > 0) {
      failedCheck(reasons.GuardrailsRestored);
      recordEvent(
        status,
        {
          type: 'Warning',
          reason: reasons.GuardrailsRestored,
          message: `recreated removed guardrails: ${restored.join(', ')}`,
        },
        now(),
      );
    }
    if (status.phase === 'Ready' && patched(watchReadyStoresPatch)) await watchReadyStore(kube, spec, status);
  } catch (error) {
    failedCheck(reasons.DriftCheckFailed);
    recordEvent(
      status,
      { type: 'Warning', reason: reasons.DriftCheckFailed, message: rootCause(error) ?? String(error) },
      now(),
    );
  }
  if (status.phase === 'Ready' && patched(watchReadyStoresPatch)) {
    await checkStorefront(kube, spec, status, storefrontCheck);
    if (status.conditions.find((c) => c.type === 'StorefrontReachable')?.status === 'False')
      failedCheck(reasons.StorefrontUnreachable);
  }
}

/** The release's objects as the chart made them, and its workloads ready; StoreReady says which. */
async function watchReadyStore(
  kube: ActivityInterfaceFor<StoreActivities>,
  spec: StoreSpec,
  status: StoreStatus,
): Promise<void> {
  const { restored } = await kube.restoreReleaseObjects(spec);
  if (restored.length > 0) {
    failedCheck(reasons.ObjectsRestored);
    recordEvent(
      status,
      { type: 'Warning', reason: reasons.ObjectsRestored, message: `put back release objects: ${restored.join(', ')}` },
      now(),
    );
  }
  const workloads = await kube.checkWorkloads(spec);
  const wasReady = status.conditions.find((c) => c.type === 'StoreReady')?.status === 'True';
  if (workloads.ready) {
    setCondition(status, 'StoreReady', 'True', reasons.StoreReady, workloads.summary, now());
    if (!wasReady)
      recordEvent(status, { type: 'Normal', reason: reasons.WorkloadsAvailable, message: workloads.summary }, now());
    return;
  }
  failedCheck(reasons.WorkloadsUnavailable);
  setCondition(status, 'StoreReady', 'False', reasons.WorkloadsUnavailable, workloads.summary, now());
  if (wasReady)
    recordEvent(status, { type: 'Warning', reason: reasons.WorkloadsUnavailable, message: workloads.summary }, now());
}
