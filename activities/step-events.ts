// What Temporal's retries hide from the store's timeline, told by the steps themselves. A step that fails
// because the Kubernetes API is unreachable signals its own workflow a Warning before Temporal retries it,
// and a step that succeeds on a retry signals that it got through; the workflow keeps when the outage
// began and drops the "got through" of retries that had other causes (workflows/kube-outage.ts). A retry
// for any other cause (a lost worker, a failed command) says so when it begins, with how the attempt
// before ended, as Temporal recorded it. Reporting is best effort: a signal that cannot be sent is logged
// and never fails or delays the step for long.
import { Context } from '@temporalio/activity';
import proto from '@temporalio/proto';
import type { Logger } from 'pino';
import { storeEventSignal } from '../core/messages.js';
import { reasons, type StoreEvent } from '../core/status.js';
import { describeOutage, describeUnreachable, isKubernetesUnreachable } from './kube-unreachable.js';

const signalTimeoutMs = 5_000;

type Activity = (...args: never) => Promise<unknown>;
type AnyActivity = (...args: unknown[]) => Promise<unknown>;

/**
 * Adds an event to the store's timeline: signals the activity's own workflow (the cleanup workflow
 * passes it on to its store). Best effort: a signal that cannot be sent is logged, never thrown.
 */
export async function reportEvent(log: Logger, event: Omit<StoreEvent, 'time'>): Promise<void> {
  try {
    const { client, info } = Context.current();
    const workflowId = info.workflowExecution?.workflowId;
    if (!workflowId) return;
    const handle = client.workflow.getHandle(workflowId);
    await client.withDeadline(Date.now() + signalTimeoutMs, () =>
      handle.signal(storeEventSignal, { time: new Date().toISOString(), ...event }),
    );
  } catch (error) {
    log.warn(
      { reason: event.reason, error: error instanceof Error ? error.message : String(error) },
      'could not add the event to the store timeline',
    );
  }
}

function reportUnreachable(log: Logger, step: string, error: unknown): Promise<void> {
  const { attempt } = Context.current().info;
  const message = `${step} (attempt ${attempt}) ${describeOutage(error)}`;
  return reportEvent(log, { type: 'Warning', reason: reasons.KubernetesUnreachable, message });
}

function reportReachable(log: Logger, message: string): Promise<void> {
  return reportEvent(log, { type: 'Normal', reason: reasons.KubernetesReachable, message });
}

type Failure = proto.temporal.api.failure.v1.IFailure;
const { TimeoutType } = proto.temporal.api.enums.v1;

/**
 * How an attempt ended, in words for the timeline, from the failure Temporal kept for it: a heartbeat
 * timeout is a lost worker (its process died, or it lost Temporal); `lastStep` is what the attempt's
 * last heartbeat said it was doing.
 */
export function describeAttemptEnding(
  failure: Failure,
  options: { heartbeatTimeoutMs?: number; lastStep?: string },
): string {
  // What the last heartbeat that reached Temporal said, not necessarily the last thing the attempt did.
  const at = options.lastStep ? ` (its last heartbeat said: ${options.lastStep})` : '';
  switch (failure.timeoutFailureInfo?.timeoutType) {
    case TimeoutType.TIMEOUT_TYPE_HEARTBEAT:
      return `sent no heartbeat for ${Math.round((options.heartbeatTimeoutMs ?? 0) / 1000)}s${at}: its worker stopped or lost its connection to Temporal`;
    case TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE:
      return `ran out of time${at}`;
    default:
      return `failed${at}: ${describeUnreachable(new Error(failure.message ?? 'no message'))}`;
  }
}

/** Tells the timeline why this attempt runs, unless an unreachable API, which its own events tell. */
async function reportRetry(log: Logger, step: string): Promise<void> {
  const { client, info } = Context.current();
  if (!info.workflowExecution) return;
  try {
    const { workflowId, runId } = info.workflowExecution;
    const { raw } = await client.withDeadline(Date.now() + signalTimeoutMs, () =>
      client.workflow.getHandle(workflowId, runId).describe(),
    );
    const failure = raw.pendingActivities?.find((activity) => activity.activityId === info.activityId)?.lastFailure;
    if (!failure || isKubernetesUnreachable(failure)) return;
    const lastStep = (info.heartbeatDetails as { step?: unknown } | undefined)?.step;
    const ending = describeAttemptEnding(failure, {
      heartbeatTimeoutMs: info.heartbeatTimeoutMs,
      ...(typeof lastStep === 'string' ? { lastStep } : {}),
    });
    await reportEvent(log, {
      type: 'Warning',
      reason: reasons.StepRetried,
      message: `${step} attempt ${info.attempt} began after attempt ${info.attempt - 1} ${ending}`,
    });
  } catch (error) {
    log.warn(
      { step, error: error instanceof Error ? error.message : String(error) },
      'could not tell the store timeline why the step is retried',
    );
  }
}

function reportingOutages(step: string, run: AnyActivity, log: Logger): AnyActivity {
  return async (...args) => {
    if (Context.current().info.attempt > 1) await reportRetry(log, step);
    try {
      const result = await run(...args);
      const { attempt } = Context.current().info;
      if (attempt > 1) await reportReachable(log, `${step} succeeded on attempt ${attempt}`);
      return result;
    } catch (error) {
      if (isKubernetesUnreachable(error)) await reportUnreachable(log, step, error);
      throw error;
    }
  };
}

/** The same activities, each reporting the outages it meets: one wrapper for all, not one per step. */
export function withOutageEvents<T extends Record<string, Activity>>(activities: T, log: Logger): T {
  const wrapped = Object.entries(activities).map(
    ([step, run]) => [step, reportingOutages(step, run as AnyActivity, log)] as const,
  );
  // Same names, parameters and results: the wrapper only watches.
  return Object.fromEntries(wrapped) as unknown as T;
}

/**
 * For a step that polls the cluster and rides out failed reads itself (waitForReady): one Warning when
 * the reads start failing because the API is unreachable, one recovery when a read succeeds again.
 */
export function pollingOutage(log: Logger, step: string) {
  let failedReads = 0;
  return {
    async failed(error: unknown): Promise<void> {
      if (!isKubernetesUnreachable(error)) return;
      failedReads += 1;
      if (failedReads === 1) await reportUnreachable(log, step, error);
    },
    async succeeded(): Promise<void> {
      if (failedReads === 0) return;
      const message = `${step} reads the cluster again after ${failedReads} failed read${failedReads === 1 ? '' : 's'}`;
      failedReads = 0;
      await reportReachable(log, message);
    },
  };
}
