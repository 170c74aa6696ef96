// One entity workflow per store: provisions it, keeps it (drift checks), retries it on request and
// deletes it through the cleanup child. Its status query is the store's source of truth.
import {
  ActivityCancellationType,
  ApplicationFailure,
  rootCause,
  type ActivityOptions,
  type Priority,
} from '@temporalio/common';
import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
  type CancellationScope,
} from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import { failureTypes } from '../core/failures.js';
import { changeOutcome, storeChangeDoneSignal } from '../core/fleet.js';
import {
  changeUpdate,
  checkOrderUpdate,
  deleteSignal,
  deleteUpdate,
  hibernateUpdate,
  ORDER_CHECK_TIMEOUT_SECONDS,
  retrySignal,
  statusQuery,
  storeEventSignal,
  wakeUpdate,
  type ChangeRequest,
  type StoreChange,
} from '../core/messages.js';
import { helmTaskQueue, releaseAddress, storeUrl } from '../core/names.js';
import type { StoreSettings } from '../core/settings.js';
import { reasons, type ChangeOutcome, type StoreStatus } from '../core/status.js';
import { decideRequest, type StoreRequest } from '../core/store-requests.js';
import { parseStoreSpec, type StoreSpec, type StoreSpecInput } from '../core/store-spec.js';
import { nextStoreAction } from '../core/store-actions.js';
import { deleteStore } from './delete-store.js';
import { recordDeletionProgress } from './deletion-status.js';
import { checkDrift } from './drift-check.js';
import { checkIntervalMs } from '../core/check-spread.js';
import { recordReportedEvent, type KubeOutage } from './kube-outage.js';
import { activityRetry, provisioningPriority, storeMetrics } from './options.js';
import { upsertStoreSearchAttributes } from './search-attributes.js';
import { failStore, provisionStore } from './provision.js';
import { initialStatus, recordEvent, resetConditions, transition } from './store-status.js';
import { scaleStore } from './hibernation.js';
import { runOrderCheck } from './order-check.js';
import { keepStoreObject } from './store-object.js';
import { publishReadModel } from './read-model.js';
import { abandonChange, acceptChange, upgradeStore } from './upgrade.js';

const { loadSettings } = proxyLocalActivities<StoreActivities>({ startToCloseTimeout: '10 seconds' });

// Provisioning steps wait for cancellation to complete, so a delete never races a half-done step.
const kubeOptions: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: activityRetry,
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
};
const kube = proxyActivities<StoreActivities>(kubeOptions);

// A change request waits on this check: a few quick attempts, not the provisioning budget.
const { checkChange } = proxyActivities<StoreActivities>({
  startToCloseTimeout: '20 seconds',
  retry: { maximumAttempts: 3, initialInterval: '500 milliseconds' },
});

// An order check places a real order: one attempt only, never a second order by retry.
const orderCheck = proxyActivities<StoreActivities>({
  startToCloseTimeout: ORDER_CHECK_TIMEOUT_SECONDS * 1000,
  retry: { maximumAttempts: 1 },
});

const now = () => new Date().toISOString();

/** What the store was asked to do next, besides provisioning and deleting. */
type PendingChange =
  { kind: 'hibernate' | 'wake' } | { kind: 'upgrade'; target: StoreSpec; change: ChangeOutcome; notify?: string };

/** `carried` is the status handed over by continueAsNew; a new store starts without it. */
export async function storeWorkflow(input: StoreSpecInput, carried?: StoreStatus): Promise<StoreStatus> {
  const parsed = parseStoreSpec(input);
  if (parsed.problems)
    throw ApplicationFailure.create({
      type: failureTypes.InvalidStoreSpec,
      message: parsed.problems.join('; '),
      nonRetryable: true,
    });
  let spec = parsed.spec;
  // Labels the namespace and Secret this store makes, so no later store of the same id adopts them.
  const { firstExecutionRunId: incarnation } = workflowInfo();
  const status = carried ?? initialStatus(spec, now());
  let deleteRequested = false;
  let retryRequested = false;
  let provisioning: CancellationScope | undefined;
  let requestedChange: PendingChange | undefined;
  // Who asked for the change whose handler is reading the cluster (checkChange): until it is accepted or
  // refused, the store is taken, so that no other update is accepted in that window only to be refused
  // after its await.
  let changeBeingChecked: string | undefined;
  let orderCheckRunning = false;
  const kubeOutage: KubeOutage = {};

  const requestDelete = () => {
    if (deleteRequested) return;
    deleteRequested = true;
    recordEvent(
      status,
      {
        type: 'Normal',
        reason: reasons.DeleteRequested,
        message: `deleting store ${spec.storeId} from phase ${status.phase}`,
      },
      now(),
    );
    provisioning?.cancel();
  };
  setHandler(statusQuery, () => status);
  setHandler(deleteSignal, requestDelete);
  setHandler(deleteUpdate, () => {
    requestDelete();
    return status;
  });
  const decide = (request: StoreRequest) =>
    decideRequest(
      status.phase,
      {
        deleting: deleteRequested,
        pendingChange: requestedChange?.kind,
        changeCheckedFor: changeBeingChecked,
        orderCheckRunning,
      },
      request,
    );
  setHandler(retrySignal, () => {
    const decision = decide('retry');
    if (decision.accepted) retryRequested = true;
    else
      recordEvent(
        status,
        { type: 'Normal', reason: reasons.RetryIgnored, message: `retry ignored: ${decision.message}` },
        now(),
      );
  });
  // Changes are updates: the caller learns at once, from the validator, why one is refused. An
  // ApplicationFailure, not a plain Error: thrown from a handler (after an await), a plain Error fails
  // the workflow task instead of the update, on every retry, and no update or query reaches the store.
  const refuseUnlessTaken = (request: StoreRequest) => {
    const decision = decide(request);
    if (!decision.accepted)
      throw ApplicationFailure.create({
        type: failureTypes.UpdateRefused,
        message: decision.message,
        nonRetryable: true,
      });
  };
  const change = (direction: 'hibernate' | 'wake', reason: string) => ({
    validator: (_request: ChangeRequest) => refuseUnlessTaken(direction),
    handler: ({ by }: ChangeRequest) => {
      requestedChange = { kind: direction };
      recordEvent(status, { type: 'Normal', reason, message: `${direction} requested by ${by}` }, now());
      return status;
    },
  });
  const hibernate = change('hibernate', reasons.HibernateRequested);
  setHandler(hibernateUpdate, hibernate.handler, { validator: hibernate.validator });
  const wake = change('wake', reasons.WakeRequested);
  setHandler(wakeUpdate, wake.handler, { validator: wake.validator });
  setHandler(
    changeUpdate,
    // The validator cannot read the cluster; the handler checks the chart version and the usage
    // against the new plan first, and refuses (the update fails) with what does not fit.
    async (request: StoreChange) => {
      const target: StoreSpec = {
        ...spec,
        plan: request.plan ?? spec.plan,
        chartVersion: request.chartVersion ?? spec.chartVersion,
      };
      changeBeingChecked = request.by;
      let problems: string[];
      try {
        ({ problems } = await checkChange(spec, { plan: request.plan, chartVersion: request.chartVersion }));
      } finally {
        changeBeingChecked = undefined;
      }
      if (problems.length > 0)
        throw ApplicationFailure.create({
          type: failureTypes.ChangeRefused,
          message: problems.join('; '),
          nonRetryable: true,
        });
      // Only a delete can have come in meanwhile: the check kept every other update out.
      refuseUnlessTaken('change');
      // Upgrading from the moment it is accepted: whoever waits for the outcome waits for the phase to leave it.
      const change = acceptChange(status, spec, target, request.by);
      requestedChange = { kind: 'upgrade', target, change, ...(request.notify ? { notify: request.notify } : {}) };
      return status;
    },
    {
      validator: (request: StoreChange) => {
        refuseUnlessTaken('change');
        const samePlan = request.plan === undefined || request.plan === spec.plan;
        const sameChart = request.chartVersion === undefined || request.chartVersion === status.chartVersion;
        if (samePlan && sameChart)
          throw new Error(
            `nothing to change: the store runs plan ${spec.plan} and chart ${status.chartVersion ?? 'as shipped'}`,
          );
      },
    },
  );
  setHandler(
    checkOrderUpdate,
    async ({ by }: ChangeRequest) => {
      orderCheckRunning = true;
      try {
        return await runOrderCheck(orderCheck, spec, status, by);
      } finally {
        orderCheckRunning = false;
      }
    },
    { validator: (_request: ChangeRequest) => refuseUnlessTaken('orderCheck') },
  );
  setHandler(storeEventSignal, (event) => {
    recordReportedEvent(status, kubeOutage, event);
    recordDeletionProgress(status, event);
  });

  const settings = await loadSettings();
  const helmOptions: ActivityOptions = {
    taskQueue: helmTaskQueue(workflowInfo().taskQueue),
    // waitForReady gives up on its own at the provisioning deadline; this only bounds a lost worker.
    startToCloseTimeout: `${settings.maxProvisionSeconds + 60} seconds`,
    heartbeatTimeout: '30 seconds',
    // The budget of the other steps: helm fails at once while the API is down and must outlast a short
    // outage; the provisioning deadline bounds the attempt anyway.
    retry: activityRetry,
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  };
  // Each provisioning step at its priority on the helm queue (options.ts: a burst goes through in order).
  const { rollbackRelease } = proxyActivities<StoreActivities>(helmOptions);
  const onHelmQueue = (options: ActivityOptions, priority: Priority) =>
    proxyActivities<StoreActivities>({ ...options, taskQueue: helmOptions.taskQueue, priority });
  const helm = {
    helmUpgradeInstall: onHelmQueue(helmOptions, provisioningPriority.helmUpgradeInstall).helmUpgradeInstall,
    rollbackRelease,
    waitForReady: onHelmQueue(helmOptions, provisioningPriority.waitForReady).waitForReady,
  };
  const steps = {
    ensureNamespace: onHelmQueue(kubeOptions, provisioningPriority.ensureNamespace).ensureNamespace,
    applyGuardrails: onHelmQueue(kubeOptions, provisioningPriority.applyGuardrails).applyGuardrails,
    ensureAdminSecret: onHelmQueue(kubeOptions, provisioningPriority.ensureAdminSecret).ensureAdminSecret,
  };

  if (!carried) {
    recordEvent(
      status,
      {
        type: 'Normal',
        reason: reasons.Created,
        message: `store ${spec.storeId} (${spec.engine}, plan ${spec.plan}) created`,
      },
      now(),
    );
    storeMetrics.created().add(1);
  }
  upsertStoreSearchAttributes(status);
  // Both are gated by the settings recorded in this run's history, so runs from before them replay without them.
  const readModel = settings.readModel ? publishReadModel(status) : undefined;
  // A store declared by a Store object writes back to it; one made through the API gets one in the platform's namespace.
  const objectNamespace = spec.resourceNamespace ?? settings.storeObjectNamespace;
  const storeObject =
    objectNamespace !== undefined
      ? keepStoreObject(() => spec, status, objectNamespace, carried !== undefined)
      : undefined;

  const fail = (reason: string, message: string) => failStore(status, reason, message);
  const track = (scope: CancellationScope | undefined) => (provisioning = scope);

  async function applyChange(pending: PendingChange): Promise<void> {
    if (pending.kind !== 'upgrade') return scaleStore(kube, spec, status, pending.kind);
    spec = await upgradeStore({
      spec,
      target: pending.target,
      change: pending.change,
      status,
      address: releaseAddress(status.url ?? storeUrl(spec.storeId, settings.baseDomain, settings.storeHttps)),
      maxSeconds: settings.maxProvisionSeconds,
      kube,
      helm,
      track,
      deleteRequested: () => deleteRequested,
      fail,
    });
  }

  /** Tells the fleet upgrade that asked for the change how it ended; one that has ended itself no longer listens. */
  async function notifyChangeDone(workflowId: string): Promise<void> {
    const outcome = deleteRequested
      ? { storeId: spec.storeId, result: 'Failed' as const, message: 'the store is being deleted' }
      : changeOutcome(status);
    try {
      await getExternalWorkflowHandle(workflowId).signal(storeChangeDoneSignal, outcome);
    } catch (error) {
      recordEvent(
        status,
        {
          type: 'Normal',
          reason: reasons.Progressing,
          message: `could not tell ${workflowId} how the change ended: ${rootCause(error) ?? String(error)}`,
        },
        now(),
      );
    }
  }

  /** A change or a delete, or the drift check when neither comes within the interval. */
  async function awaitChange(): Promise<void> {
    const woken = await condition(
      () => deleteRequested || requestedChange !== undefined,
      checkIntervalMs(spec.storeId, settings.driftCheckSeconds),
    );
    if (!woken) await checkDrift(kube, spec, status, settings.storefrontCheck ?? false);
    else if (requestedChange && !deleteRequested) await applyChange(requestedChange);
    if (requestedChange?.kind === 'upgrade') {
      if (deleteRequested) abandonChange(requestedChange.change, 'the store is being deleted');
      if (requestedChange.notify) await notifyChangeDone(requestedChange.notify);
    }
    requestedChange = undefined;
  }

  async function awaitRetry(): Promise<void> {
    await condition(() => retryRequested || deleteRequested);
    if (!retryRequested || deleteRequested) return;
    retryRequested = false;
    status.attempts += 1;
    status.lastError = undefined;
    resetConditions(status, now());
    transition(
      status,
      'Provisioning',
      {
        type: 'Normal',
        reason: reasons.RetryRequested,
        message: `retry requested after: ${status.events.at(-1)?.message ?? 'failure'}`,
      },
      now(),
    );
  }

  for (
    let action = nextStoreAction(status.phase, deleteRequested);
    action !== 'delete';
    action = nextStoreAction(status.phase, deleteRequested)
  ) {
    if (action === 'provision')
      spec = await provisionStore({
        spec,
        status,
        settings,
        incarnation,
        kube,
        steps,
        helm,
        track,
        deleteRequested: () => deleteRequested,
      });
    else if (action === 'awaitRetry') await awaitRetry();
    else await awaitChange();
    // Steps run only within one pass; an outage still open after it (the attempt failed) gets no recovery.
    kubeOutage.unreachableSince = undefined;
    if (!deleteRequested && historyIsLarge(settings)) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof storeWorkflow>(spec, status);
    }
  }

  await deleteStore(spec, status);
  await storeObject?.release();
  await condition(allHandlersFinished);
  // The Deleted status is in the memo before the workflow completes.
  readModel?.flush();
  return status;
}

function historyIsLarge(settings: StoreSettings): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= settings.historyEventLimit;
}
