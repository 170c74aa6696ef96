// A Ready (or Hibernated) store's drift check, when no request came in its interval: the guardrails
// applied again; any that someone removed are recreated and named in a Warning. A check that fails is
// told too, and the store stays as it is.
import { rootCause } from '@temporalio/common';
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import { reasons, type StoreStatus } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { recordEvent } from './store-status.js';

const now = () => new Date().toISOString();

export async function checkDrift(
  kube: ActivityInterfaceFor<StoreActivities>,
  spec: StoreSpec,
  status: StoreStatus,
): Promise<void> {
  try {
    const { restored } = await kube.applyGuardrails(spec);
    if (restored.length > 0) {
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
  } catch (error) {
    recordEvent(
      status,
      { type: 'Warning', reason: reasons.DriftCheckFailed, message: rootCause(error) ?? String(error) },
      now(),
    );
  }
}
