// A store workflow's history as a human timeline: who asked, each step with its attempts and the cause
// of its retries, phase changes, signals and updates. Payloads are decoded only where they are known
// to carry no secret (the store spec, the requester, cleanup events); activity inputs and results never
// appear.
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { storeEventSignal, type ChangeRequest } from '../core/messages.js';
import type { StoreEvent } from '../core/status.js';
import { StorePhase } from '../core/search-attributes.js';
import { storeAttributesOf } from './visibility-fields.js';

type HistoryEvent = proto.temporal.api.history.v1.IHistoryEvent;
type Failure = proto.temporal.api.failure.v1.IFailure | null | undefined;
const EventType = proto.temporal.api.enums.v1.EventType;

export interface Requester {
  owner: string;
  keyId: string;
}

export interface TimelineEntry {
  time: string;
  kind: 'requested' | 'phase' | 'step' | 'signal' | 'update' | 'run';
  title: string;
  /** Who asked: owner and key id through the API, else the Temporal client's identity. */
  by?: string;
  endedAt?: string;
  outcome?: 'running' | 'completed' | 'failed' | 'timed out' | 'canceled';
  attempts?: number;
  /** The failure that made the last attempt a retry. */
  retryCause?: string;
  error?: string;
  detail?: string;
}

export const describeRequester = (requester: Requester) => `owner ${requester.owner} (key ${requester.keyId})`;

/** Seconds come as a Long from the server and as a number from a history read from JSON. */
function timeOf({ eventTime }: HistoryEvent): string {
  if (!eventTime) return '';
  const seconds = Number(eventTime.seconds?.toString() ?? 0);
  return new Date(seconds * 1000 + Math.floor((eventTime.nanos ?? 0) / 1e6)).toISOString();
}
const decode = (payload: Payload | undefined | null): unknown =>
  payload ? defaultPayloadConverter.fromPayload(payload) : undefined;

/** The innermost message: "activity failed" wraps the one that says what went wrong. */
function failureMessage(failure: Failure): string | undefined {
  let current = failure;
  while (current?.cause) current = current.cause;
  return current?.message ?? undefined;
}

/** Builds the timeline of one run; `runs` of a continued-as-new store are concatenated by the caller. */
export function timelineOf(events: HistoryEvent[]): TimelineEntry[] {
  const timeline: TimelineEntry[] = [];
  const steps = new Map<string, TimelineEntry>();
  let phase: string | undefined;

  for (const event of events) {
    const time = timeOf(event);
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const started = event.workflowExecutionStartedEventAttributes;
        if (started?.continuedExecutionRunId) {
          timeline.push({ time, kind: 'run', title: 'continued as new (history kept short)' });
          break;
        }
        const spec = decode(started?.input?.payloads?.[0]) as
          { storeId?: string; engine?: string; plan?: string } | undefined;
        const requester = decode(started?.memo?.fields?.requestedBy) as Requester | undefined;
        timeline.push({
          time,
          kind: 'requested',
          title: `store ${spec?.storeId ?? '?'} requested (${spec?.engine ?? '?'}, plan ${spec?.plan ?? 'small'})`,
          by: requester ? describeRequester(requester) : (started?.identity ?? undefined),
        });
        break;
      }
      case EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES: {
        const next = storeAttributesOf(
          event.upsertWorkflowSearchAttributesEventAttributes?.searchAttributes?.indexedFields,
        ).get(StorePhase);
        if (next && next !== phase)
          timeline.push({ time, kind: 'phase', title: phase ? `phase ${phase} → ${next}` : `phase ${next}` });
        phase = next ?? phase;
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const step: TimelineEntry = {
          time,
          kind: 'step',
          title: event.activityTaskScheduledEventAttributes?.activityType?.name ?? 'step',
          outcome: 'running',
        };
        steps.set(String(event.eventId), step);
        timeline.push(step);
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const started = event.activityTaskStartedEventAttributes;
        const step = steps.get(String(started?.scheduledEventId));
        if (!step) break;
        step.attempts = started?.attempt ?? 1;
        const cause = failureMessage(started?.lastFailure);
        if (cause && step.attempts > 1) step.retryCause = cause;
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
        finish(steps.get(String(event.activityTaskCompletedEventAttributes?.scheduledEventId)), time, 'completed');
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED:
        finish(
          steps.get(String(event.activityTaskFailedEventAttributes?.scheduledEventId)),
          time,
          'failed',
          failureMessage(event.activityTaskFailedEventAttributes?.failure),
        );
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_TIMED_OUT:
        finish(
          steps.get(String(event.activityTaskTimedOutEventAttributes?.scheduledEventId)),
          time,
          'timed out',
          failureMessage(event.activityTaskTimedOutEventAttributes?.failure),
        );
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_CANCELED:
        finish(steps.get(String(event.activityTaskCanceledEventAttributes?.scheduledEventId)), time, 'canceled');
        break;
      case EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED: {
        const step: TimelineEntry = {
          time,
          kind: 'step',
          title: 'cleanup (uninstall, volumes, namespace)',
          outcome: 'running',
        };
        steps.set(`child-${String(event.eventId)}`, step);
        timeline.push(step);
        break;
      }
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_COMPLETED:
        finish(
          steps.get(`child-${String(event.childWorkflowExecutionCompletedEventAttributes?.initiatedEventId)}`),
          time,
          'completed',
        );
        break;
      case EventType.EVENT_TYPE_CHILD_WORKFLOW_EXECUTION_FAILED:
        finish(
          steps.get(`child-${String(event.childWorkflowExecutionFailedEventAttributes?.initiatedEventId)}`),
          time,
          'failed',
          failureMessage(event.childWorkflowExecutionFailedEventAttributes?.failure),
        );
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        const signal = event.workflowExecutionSignaledEventAttributes;
        const name = signal?.signalName ?? 'signal';
        const recorded =
          name === storeEventSignal.name ? (decode(signal?.input?.payloads?.[0]) as StoreEvent | undefined) : undefined;
        timeline.push({
          time,
          kind: 'signal',
          title: recorded ? `${recorded.reason}: ${recorded.message}` : `signal ${name}`,
          by: signal?.externalWorkflowExecution ? 'the cleanup workflow' : (signal?.identity ?? undefined),
        });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        const request = event.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
        // Changes carry who asked (core/messages.ts ChangeRequest); the delete update carries nothing.
        const change = decode(request?.input?.args?.payloads?.[0]) as ChangeRequest | undefined;
        timeline.push({
          time,
          kind: 'update',
          title: `update ${request?.input?.name ?? ''}`.trim(),
          by: change?.by ?? request?.meta?.identity ?? undefined,
        });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED: {
        const terminated = event.workflowExecutionTerminatedEventAttributes;
        timeline.push({
          time,
          kind: 'run',
          title: 'workflow terminated',
          by: terminated?.identity ?? undefined,
          ...(terminated?.reason ? { detail: terminated.reason } : {}),
        });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        timeline.push({ time, kind: 'run', title: 'workflow completed' });
        break;
      default:
        break;
    }
  }
  return timeline;
}

function finish(
  step: TimelineEntry | undefined,
  time: string,
  outcome: NonNullable<TimelineEntry['outcome']>,
  error?: string,
): void {
  if (!step) return;
  step.endedAt = time;
  step.outcome = outcome;
  if (error) step.error = error;
}
