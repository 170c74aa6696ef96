// Pure helpers that change a store's status: one place decides how phases, conditions and the bounded
// event timeline evolve, for the store workflow and its unit tests alike.
import type { CommerceFinding } from '../activities/readiness-report.js';
import { adminSecretName } from '../core/names.js';
import {
  conditionTypes,
  reasons,
  maxEvents,
  type Condition,
  type ConditionStatus,
  type ConditionType,
  type Phase,
  type StoreEvent,
  type StoreStatus,
} from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { upsertStoreSearchAttributes } from './search-attributes.js';

/** Conditions of checks run on request: absent until the first one, and untouched by provisioning's failures and retries. */
const onRequestConditions: ConditionType[] = ['OrderFlow'];
const provisioningCondition = (type: ConditionType) => !onRequestConditions.includes(type);

export function initialStatus(spec: StoreSpec, now: string): StoreStatus {
  return {
    storeId: spec.storeId,
    engine: spec.engine,
    plan: spec.plan,
    owner: spec.owner,
    phase: 'Provisioning',
    conditions: (Object.keys(conditionTypes) as ConditionType[]).filter(provisioningCondition).map((type) => ({
      type,
      status: 'Unknown',
      reason: reasons.Pending,
      message: '',
      lastTransitionTime: now,
    })),
    adminSecretName,
    attempts: 1,
    createdAt: now,
    updatedAt: now,
    events: [],
  };
}

export function recordEvent(status: StoreStatus, event: Omit<StoreEvent, 'time'>, now: string): void {
  status.events.push({ time: now, ...event });
  if (status.events.length > maxEvents) status.events.splice(0, status.events.length - maxEvents);
  status.updatedAt = now;
}

/** Sets a condition; its transition time moves only when its status does, as in Kubernetes. */
export function setCondition(
  status: StoreStatus,
  type: ConditionType,
  value: ConditionStatus,
  reason: string,
  message: string,
  now: string,
): void {
  const current = status.conditions.find((c) => c.type === type);
  const next: Condition = {
    type,
    status: value,
    reason,
    message,
    lastTransitionTime: current && current.status === value ? current.lastTransitionTime : now,
  };
  status.conditions = [...status.conditions.filter((c) => c.type !== type), next].sort(
    (a, b) => Object.keys(conditionTypes).indexOf(a.type) - Object.keys(conditionTypes).indexOf(b.type),
  );
  status.updatedAt = now;
}

/**
 * The one way a store's phase changes: sets it, records the event saying why (if any) and upserts the
 * search attributes in the same step, so the phase the API lists and decides on never goes stale.
 */
export function transition(
  status: StoreStatus,
  phase: Phase,
  event: Omit<StoreEvent, 'time'> | undefined,
  now: string,
): void {
  status.phase = phase;
  status.updatedAt = now;
  if (event) recordEvent(status, event, now);
  upsertStoreSearchAttributes(status);
}

/** Marks the conditions not yet True as False with the failure, so the status says where it stopped. */
export function failOpenConditions(status: StoreStatus, reason: string, message: string, now: string): void {
  for (const condition of status.conditions) {
    if (condition.status !== 'True' && provisioningCondition(condition.type))
      setCondition(status, condition.type, 'False', reason, message, now);
  }
}

/** A retry starts from scratch: conditions go back to Unknown until each step proves itself again. */
export function resetConditions(status: StoreStatus, now: string): void {
  for (const condition of status.conditions)
    if (provisioningCondition(condition.type)) setCondition(status, condition.type, 'Unknown', 'Retrying', '', now);
}

/**
 * Records how the store's commerce came out (what waitForReady read from the setup Job) as condition
 * CommerceReady, with a Warning event when it turns False: a store without its shop is never described
 * as one. A readiness result without it (a worker from before the report) leaves it Unknown.
 */
export function recordCommerce(status: StoreStatus, commerce: CommerceFinding | undefined, now: string): void {
  const finding = commerce ?? {
    status: 'Unknown',
    reason: reasons.SetupOutcomeUnknown,
    message: 'the readiness check did not report how the commerce setup went',
  };
  const before = status.conditions.find((c) => c.type === 'CommerceReady');
  setCondition(status, 'CommerceReady', finding.status, finding.reason, finding.message, now);
  if (
    finding.status === 'False' &&
    !(before?.status === 'False' && before.reason === finding.reason && before.message === finding.message)
  ) {
    recordEvent(status, { type: 'Warning', reason: finding.reason, message: finding.message }, now);
  }
}

/** The StoreReady event's message: where the store is, and that it is no shop when its commerce is missing. */
export function readyMessage(status: StoreStatus): string {
  const commerce = status.conditions.find((c) => c.type === 'CommerceReady');
  if (commerce?.status === 'False')
    return `the site is ready at ${status.url}, but it is not a shop (${commerce.reason}): ${commerce.message}`;
  return `store is ready at ${status.url}`;
}
