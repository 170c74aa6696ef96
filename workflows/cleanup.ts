// The compensation for a store: uninstall the release, delete its volumes, delete its namespace and
// wait until it is gone. Every step is idempotent (absent is success) and runs non-cancellably, so a
// delete always finishes and leaves nothing behind.
import {
  allHandlersFinished,
  CancellationScope,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import { storeEventSignal } from '../core/messages.js';
import { helmTaskQueue, namespaceName, releaseName } from '../core/names.js';
import { reasons, type StoreEvent } from '../core/status.js';
import type { Engine } from '../core/store-spec.js';
import { activityRetry } from './options.js';

export interface CleanupInput {
  storeId: string;
  engine: Engine;
  /** Whose store this is: a namespace of another owner's store with the same id is left alone. */
  owner?: string;
  /** The store workflow to report progress to, so its timeline shows why a delete is slow. */
  parentWorkflowId?: string;
  /** Set when continuing as new while the namespace is still terminating. */
  waitingSince?: string;
}

// Compensation never gives up: it retries with backoff until the cluster lets it finish.
const cleanupRetry = { ...activityRetry, maximumAttempts: Number.POSITIVE_INFINITY, maximumInterval: '1 minute' };
// The steps heartbeat (every 2 s, reaching Temporal at least every 5 s): a lost worker costs ~10 s.
const cleanupHeartbeatTimeout = '10 seconds';
const kube = proxyActivities<StoreActivities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: cleanupHeartbeatTimeout,
  retry: cleanupRetry,
});

/** A namespace terminating longer than this gets its blockers reported; shorter is normal. */
const stuckAfterMs = 15_000;
/**
 * The wait between looks at a terminating namespace: a tenth of the time waited so far (1 s to 60 s),
 * so the delete ends at most a tenth later than the namespace did, and a stuck one costs a look a minute.
 * Doubling from 1 s instead noticed a namespace gone after 35 s (pods ending their grace period) at 63 s.
 */
const pollIntervalMs = (waitedMs: number) => Math.min(Math.max(waitedMs / 10, 1_000), 60_000);
const historyEventLimit = 2000;

export async function cleanupStoreWorkflow(input: CleanupInput): Promise<void> {
  const target = { storeId: input.storeId, engine: input.engine };
  const helm = proxyActivities<StoreActivities>({
    taskQueue: helmTaskQueue(workflowInfo().taskQueue),
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: cleanupHeartbeatTimeout,
    retry: cleanupRetry,
  });

  const tellStore = async (event: StoreEvent) => {
    if (!input.parentWorkflowId) return;
    try {
      await getExternalWorkflowHandle(input.parentWorkflowId).signal(storeEventSignal, event);
    } catch {
      // The store workflow may have been terminated; the cleanup carries on without an audience.
    }
  };
  const report = (event: Omit<StoreEvent, 'time'>) => tellStore({ time: new Date().toISOString(), ...event });
  // The activities report Kubernetes API outages to this workflow; the store's timeline is where they belong.
  setHandler(storeEventSignal, tellStore);

  await CancellationScope.nonCancellable(async () => {
    if (!input.waitingSince && input.owner && patched('cleanup-spares-foreign-namespace')) {
      const { problem } = await kube.foreignNamespace({ storeId: input.storeId, owner: input.owner });
      if (problem) {
        await report({
          type: 'Warning',
          reason: reasons.ForeignRemainsKept,
          message: `${problem}; nothing of it was deleted`,
        });
        return;
      }
    }
    if (!input.waitingSince) {
      const { uninstalled } = await helm.uninstallRelease(target);
      await report({
        type: 'Normal',
        reason: reasons.ReleaseUninstalled,
        message: uninstalled
          ? `release ${releaseName(input.engine, input.storeId)} uninstalled`
          : 'no release to uninstall',
      });
      const { deleted } = await kube.deletePersistentVolumeClaims(target);
      await report({
        type: 'Normal',
        reason: reasons.VolumesDeleted,
        message: deleted.length ? `deleted PVCs ${deleted.join(', ')}` : 'no PVCs to delete',
      });
      await kube.deleteNamespace(target);
      await report({
        type: 'Normal',
        reason: reasons.NamespaceDeleting,
        message: `deleting namespace ${namespaceName(input.storeId)}`,
      });
    }
    const waitingSince = new Date(input.waitingSince ?? new Date().toISOString()).getTime();
    let reportedBlockers: string | undefined;
    for (;;) {
      const deletion = await kube.namespaceDeletionStatus(target);
      if (deletion.gone) return;
      const waitedMs = new Date().getTime() - waitingSince;
      const stuck = waitedMs >= stuckAfterMs;
      if (stuck && deletion.blockers && deletion.blockers !== reportedBlockers) {
        reportedBlockers = deletion.blockers;
        await report({
          type: 'Warning',
          reason: reasons.NamespaceStuck,
          message: `namespace ${namespaceName(input.storeId)} is still terminating: ${deletion.blockers}`,
        });
      }
      if (workflowInfo().historyLength >= historyEventLimit) {
        await condition(allHandlersFinished);
        await continueAsNew<typeof cleanupStoreWorkflow>({
          ...input,
          waitingSince: new Date(waitingSince).toISOString(),
        });
      }
      await sleep(pollIntervalMs(waitedMs));
    }
  });
  // An event still being passed on to the store would be lost with the workflow.
  await condition(allHandlersFinished);
}
