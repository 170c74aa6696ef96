// What a delete in progress does to the store's status, so that GET tells the truth while it lasts: a
// store being deleted is not ready and no longer serves, an uninstalled release is not deployed, a
// terminating namespace is not ready and takes the guardrails with it, and a namespace stuck on
// finalizers is the store's lastError.
import { conditionTypes, reasons, type ConditionType, type StoreEvent, type StoreStatus } from '../core/status.js';
import { setCondition } from './store-status.js';

/** What stops being true the moment a delete begins. */
const servingConditions: ConditionType[] = [
  conditionTypes.StoreReady,
  conditionTypes.CommerceReady,
  conditionTypes.StorefrontReachable,
  conditionTypes.OrderFlow,
];

export function recordDeleteStarted(status: StoreStatus, now: string): void {
  for (const condition of status.conditions.filter((c) => servingConditions.includes(c.type) && c.status === 'True')) {
    setCondition(status, condition.type, 'False', reasons.DeleteRequested, 'the store is being deleted', now);
  }
}

/** The cleanup's progress events, as conditions and lastError. */
export function recordDeletionProgress(status: StoreStatus, event: StoreEvent): void {
  switch (event.reason) {
    case reasons.ReleaseUninstalled:
      setCondition(
        status,
        conditionTypes.ReleaseDeployed,
        'False',
        reasons.ReleaseUninstalled,
        event.message,
        event.time,
      );
      break;
    case reasons.NamespaceDeleting:
      // The quota and policies go with the namespace.
      for (const type of [conditionTypes.NamespaceReady, conditionTypes.GuardrailsApplied])
        setCondition(status, type, 'False', reasons.NamespaceDeleting, event.message, event.time);
      break;
    case reasons.NamespaceStuck:
      status.lastError = event.message;
      break;
  }
}
