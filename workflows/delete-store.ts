// The end of every store: Deleting, the cleanup child (helm uninstall, volumes, namespace, until it is
// gone), then Deleted with every condition False. The child is abandoned on purpose: garbage must go
// even if someone terminates the store workflow mid-delete.
import { executeChild, ParentClosePolicy, workflowInfo } from '@temporalio/workflow';
import { cleanupWorkflowId, namespaceName } from '../core/names.js';
import { reasons, type StoreStatus } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { cleanupStoreWorkflow } from './cleanup.js';
import { recordDeleteStarted } from './deletion-status.js';
import { storeMetrics } from './options.js';
import { setCondition, transition } from './store-status.js';

const now = () => new Date().toISOString();

export async function deleteStore(spec: StoreSpec, status: StoreStatus): Promise<void> {
  recordDeleteStarted(status, now());
  transition(status, 'Deleting', undefined, now());
  await executeChild(cleanupStoreWorkflow, {
    workflowId: cleanupWorkflowId(spec.storeId),
    args: [
      { storeId: spec.storeId, engine: spec.engine, owner: spec.owner, parentWorkflowId: workflowInfo().workflowId },
    ],
    parentClosePolicy: ParentClosePolicy.ABANDON,
  });
  status.deletedAt = now();
  // A stuck namespace that finally went is no error any more (its event stays in the timeline).
  status.lastError = undefined;
  status.url = undefined;
  status.adminUrl = undefined;
  for (const c of status.conditions)
    setCondition(status, c.type, 'False', reasons.Deleted, 'the store was deleted', now());
  transition(
    status,
    'Deleted',
    {
      type: 'Normal',
      reason: reasons.Deleted,
      message: `namespace ${namespaceName(spec.storeId)} and release are gone`,
    },
    now(),
  );
  storeMetrics.deletions().add(1);
}
