// Hibernate scales a Ready store's workloads to zero and keeps everything else; wake scales them back
// and hands the store to provisioning again, which waits for readiness.
import { rootCause } from '@temporalio/common';
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import { reasons, type StoreStatus } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { recordEvent, resetConditions, setCondition, transition } from './store-status.js';

const now = () => new Date().toISOString();

export async function scaleStore(
  kube: ActivityInterfaceFor<StoreActivities>,
  spec: StoreSpec,
  status: StoreStatus,
  direction: 'hibernate' | 'wake',
): Promise<void> {
  try {
    const { changed } = await kube.scaleStore(spec, direction);
    if (direction === 'hibernate') {
      setCondition(
        status,
        'StoreReady',
        'False',
        reasons.Hibernated,
        `scaled to zero: ${changed.join(', ') || 'nothing was running'}; data kept`,
        now(),
      );
      transition(
        status,
        'Hibernated',
        {
          type: 'Normal',
          reason: reasons.Hibernated,
          message: `scaled to zero (${changed.length} workloads); volumes, secrets and the release are kept`,
        },
        now(),
      );
      return;
    }
  } catch (error) {
    // Hibernation that could not scale leaves the store as it was; a wake goes on, since the release
    // upgrade in provisioning restores the chart's replicas anyway.
    recordEvent(
      status,
      {
        type: 'Warning',
        reason: `${direction === 'hibernate' ? 'Hibernate' : 'Wake'}Failed`,
        message: rootCause(error) ?? String(error),
      },
      now(),
    );
    if (direction === 'hibernate') return;
  }
  resetConditions(status, now());
  transition(status, 'Provisioning', undefined, now());
}
