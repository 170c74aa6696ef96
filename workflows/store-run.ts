// What a store workflow hands the action that runs a release (provision, upgrade): the store, its
// activities, and the two things a delete needs from it while it runs.
import type { ActivityInterfaceFor, CancellationScope } from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import type { StoreStatus } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';

export interface StoreRun {
  /** What the store runs now. */
  spec: StoreSpec;
  status: StoreStatus;
  kube: ActivityInterfaceFor<StoreActivities>;
  helm: Pick<ActivityInterfaceFor<StoreActivities>, 'helmUpgradeInstall' | 'waitForReady' | 'rollbackRelease'>;
  /** Hands over the scope a delete must cancel while it runs. */
  track: (scope: CancellationScope | undefined) => void;
  deleteRequested: () => boolean;
}
