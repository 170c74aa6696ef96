import { readFileSync } from 'node:fs';
import { defaultPayloadConverter } from '@temporalio/common';
import { historyFromJSON, payloadToJSON } from '@temporalio/common/lib/proto-utils.js';
import { describe, expect, it } from 'vitest';
import { timelineOf } from './history-timeline.js';

const fromJson = (history: unknown) => timelineOf(historyFromJSON(history).events ?? []);
const recorded = (name: string) =>
  fromJson(JSON.parse(readFileSync(new URL(`../test/histories/${name}.json`, import.meta.url), 'utf8')));

describe('timelineOf', () => {
  it('when a store failed, was retried from the CLI and deleted, then the timeline tells that story in order', () => {
    const timeline = recorded('store-failed-retried-deleted');
    expect(timeline.filter((e) => e.kind === 'phase').map((e) => e.title)).toEqual([
      'phase Provisioning',
      'phase Provisioning → Failed',
      'phase Failed → Provisioning',
      'phase Provisioning → Ready',
      'phase Ready → Deleting',
      'phase Deleting → Deleted',
    ]);
    const failed = timeline.find((e) => e.kind === 'step' && e.outcome === 'failed');
    expect(failed).toMatchObject({
      title: 'waitForReady',
      attempts: 1,
      error: expect.stringContaining('ImagePullBackOff') as string,
    });
    expect(timeline).toContainEqual(
      expect.objectContaining({ kind: 'signal', title: 'signal retry', by: 'temporal-cli:root@vm' }),
    );
    expect(timeline).toContainEqual(
      expect.objectContaining({ kind: 'step', title: 'cleanup (uninstall, volumes, namespace)', outcome: 'completed' }),
    );
    expect(timeline).toContainEqual(
      expect.objectContaining({
        kind: 'signal',
        title: expect.stringMatching(/^ReleaseUninstalled: /) as string,
        by: 'the cleanup workflow',
      }),
    );
    expect(timeline.at(-1)).toMatchObject({ kind: 'run', title: 'workflow completed' });
  });

  it('when a run continued an earlier one, then it starts with that, not with a request', () => {
    expect(recorded('store-continued-as-new')[0]).toMatchObject({
      kind: 'run',
      title: 'continued as new (history kept short)',
    });
  });

  it('when a step needed several attempts, then it shows the count and the cause of the last retry, and no input or result', () => {
    const secret = { payloads: [payloadToJSON(defaultPayloadConverter.toPayload({ password: 'hunter2-secret' }))] };
    const timeline = fromJson({
      events: [
        {
          eventId: '5',
          eventTime: '2027-01-15T08:00:00Z',
          eventType: 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED',
          activityTaskScheduledEventAttributes: { activityType: { name: 'applyGuardrails' }, input: secret },
        },
        {
          eventId: '6',
          eventTime: '2027-01-15T08:00:21Z',
          eventType: 'EVENT_TYPE_ACTIVITY_TASK_STARTED',
          activityTaskStartedEventAttributes: {
            scheduledEventId: '5',
            attempt: 3,
            lastFailure: { message: 'activity failed', cause: { message: 'connect ECONNREFUSED 127.0.0.1:6443' } },
          },
        },
        {
          eventId: '7',
          eventTime: '2027-01-15T08:00:22Z',
          eventType: 'EVENT_TYPE_ACTIVITY_TASK_COMPLETED',
          activityTaskCompletedEventAttributes: { scheduledEventId: '5', result: secret },
        },
      ],
    });
    expect(timeline).toEqual([
      {
        time: '2027-01-15T08:00:00.000Z',
        kind: 'step',
        title: 'applyGuardrails',
        outcome: 'completed',
        attempts: 3,
        retryCause: 'connect ECONNREFUSED 127.0.0.1:6443',
        endedAt: '2027-01-15T08:00:22.000Z',
      },
    ]);
    expect(JSON.stringify(timeline)).not.toContain('hunter2');
  });
});
