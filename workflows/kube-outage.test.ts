import { describe, expect, it } from 'vitest';
import { reasons, type StoreEvent } from '../core/status.js';
import { recordReportedEvent, type KubeOutage } from './kube-outage.js';
import { initialStatus } from './store-status.js';

const spec = { storeId: 'demo', engine: 'woocommerce', plan: 'small', owner: 'team-a' } as const;
const unreachable = (time: string, attempt: number): StoreEvent => ({
  time,
  type: 'Warning',
  reason: reasons.KubernetesUnreachable,
  message: `applyGuardrails (attempt ${attempt}) could not reach the Kubernetes API: connect ECONNREFUSED`,
});
const reachable = (time: string): StoreEvent => ({
  time,
  type: 'Normal',
  reason: reasons.KubernetesReachable,
  message: 'applyGuardrails succeeded on attempt 3',
});

describe('recordReportedEvent', () => {
  it('when steps fail and then one gets through, then every failure and one recovery with the outage length are recorded', () => {
    const status = initialStatus(spec, 't0');
    const outage: KubeOutage = {};
    recordReportedEvent(status, outage, unreachable('2025-01-01T00:00:00.000Z', 1));
    recordReportedEvent(status, outage, unreachable('2025-01-01T00:00:01.000Z', 2));
    recordReportedEvent(status, outage, reachable('2025-01-01T00:00:21.400Z'));
    expect(status.events.map((e) => e.reason)).toEqual([
      'KubernetesUnreachable',
      'KubernetesUnreachable',
      'KubernetesReachable',
    ]);
    expect(status.events[2]).toMatchObject({
      time: '2025-01-01T00:00:21.400Z',
      message:
        "the Kubernetes API serves again: applyGuardrails succeeded on attempt 3; this store's steps were held up for 21s (from the first failed call, 2025-01-01T00:00:00.000Z, to this success)",
    });
    expect(outage.unreachableSince).toBeUndefined();
  });

  it('when a step succeeds on a retry without an outage, then nothing is recorded', () => {
    const status = initialStatus(spec, 't0');
    recordReportedEvent(status, {}, reachable('2025-01-01T00:00:05.000Z'));
    expect(status.events).toEqual([]);
  });

  it('when the cleanup reports its progress, then the event is recorded as sent', () => {
    const status = initialStatus(spec, 't0');
    const event: StoreEvent = {
      time: 't5',
      type: 'Normal',
      reason: reasons.VolumesDeleted,
      message: 'no PVCs to delete',
    };
    recordReportedEvent(status, {}, event);
    expect(status.events).toEqual([event]);
  });
});
