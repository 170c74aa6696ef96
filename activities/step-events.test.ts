import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { describeAttemptEnding } from './step-events.js';

const { TimeoutType } = proto.temporal.api.enums.v1;

describe('how an attempt ended, for the timeline', () => {
  it.each([
    {
      when: 'it sent no heartbeat in time',
      failure: {
        message: 'activity Heartbeat timeout',
        timeoutFailureInfo: { timeoutType: TimeoutType.TIMEOUT_TYPE_HEARTBEAT },
      },
      then: 'sent no heartbeat for 30s (its last heartbeat said: helm upgrade --install): its worker stopped or lost its connection to Temporal',
    },
    {
      when: 'it ran past its start-to-close timeout',
      failure: {
        message: 'activity StartToClose timeout',
        timeoutFailureInfo: { timeoutType: TimeoutType.TIMEOUT_TYPE_START_TO_CLOSE },
      },
      then: 'ran out of time (its last heartbeat said: helm upgrade --install)',
    },
    {
      when: 'it threw',
      failure: {
        message: 'helm upgrade --install woocommerce-a: timed out\n  waiting for the condition',
        applicationFailureInfo: { type: 'Error' },
      },
      then: 'failed (its last heartbeat said: helm upgrade --install): helm upgrade --install woocommerce-a: timed out waiting for the condition',
    },
  ])('when $when, then the event says so', ({ failure, then }) => {
    expect(describeAttemptEnding(failure, { heartbeatTimeoutMs: 30_000, lastStep: 'helm upgrade --install' })).toBe(
      then,
    );
  });

  it('when the attempt heartbeated nothing, then no step is named', () => {
    expect(describeAttemptEnding({ message: 'boom' }, {})).toBe('failed: boom');
  });
});
