import { describe, expect, it } from 'vitest';
import { conditionTypes, reasons, type ConditionType } from '../core/status.js';
import { recordDeleteStarted, recordDeletionProgress } from './deletion-status.js';
import { initialStatus, setCondition } from './store-status.js';

const spec = { storeId: 'demo', engine: 'woocommerce', plan: 'small', owner: 'team-a' } as const;

function readyStore() {
  const status = initialStatus(spec, 't0');
  for (const type of status.conditions.map((c) => c.type)) setCondition(status, type, 'True', 'Ok', 'fine', 't1');
  status.phase = 'Ready';
  return status;
}

const statusOf = (status: ReturnType<typeof readyStore>, type: ConditionType) =>
  status.conditions.find((c) => c.type === type);

describe('a store being deleted', () => {
  it('when the delete begins, then the store is no longer ready or reachable, while its namespace and release still are', () => {
    const status = readyStore();
    recordDeleteStarted(status, 't2');
    expect(status.conditions.filter((c) => c.status === 'True').map((c) => c.type)).toEqual([
      conditionTypes.NamespaceReady,
      conditionTypes.GuardrailsApplied,
      conditionTypes.ReleaseDeployed,
    ]);
    expect(statusOf(status, 'StoreReady')).toMatchObject({
      status: 'False',
      reason: reasons.DeleteRequested,
      lastTransitionTime: 't2',
    });
  });

  it.each([
    { reason: reasons.ReleaseUninstalled, condition: conditionTypes.ReleaseDeployed },
    { reason: reasons.NamespaceDeleting, condition: conditionTypes.NamespaceReady },
    { reason: reasons.NamespaceDeleting, condition: conditionTypes.GuardrailsApplied },
  ])('when the cleanup reports $reason, then $condition turns False with its message', ({ reason, condition }) => {
    const status = readyStore();
    recordDeletionProgress(status, { time: 't3', type: 'Normal', reason, message: 'what the cleanup said' });
    expect(statusOf(status, condition)).toMatchObject({
      status: 'False',
      reason,
      message: 'what the cleanup said',
      lastTransitionTime: 't3',
    });
  });

  it('when the namespace is stuck on a finalizer, then lastError says so', () => {
    const status = readyStore();
    const message = 'namespace store-demo is still terminating: namespace finalizers: example.com/hold';
    recordDeletionProgress(status, { time: 't4', type: 'Warning', reason: reasons.NamespaceStuck, message });
    expect(status.lastError).toBe(message);
  });

  it('when another event arrives, then the conditions stay as they were', () => {
    const status = readyStore();
    recordDeletionProgress(status, {
      time: 't5',
      type: 'Warning',
      reason: reasons.KubernetesUnreachable,
      message: 'x',
    });
    expect(status.conditions.every((c) => c.status === 'True')).toBe(true);
    expect(status.lastError).toBeUndefined();
  });
});
