// Pure helpers that change a store's status: one place decides how phases, conditions and the bounded
// event timeline evolve, for the store workflow and its unit tests alike.
import { adminSecretName } from '../core/names.js';
import { conditionTypes, maxEvents, type Condition, type ConditionStatus, type ConditionType, type Phase, type StoreEvent, type StoreStatus } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';

export function initialStatus(spec: StoreSpec, now: string): StoreStatus {
  return {
    storeId: spec.storeId,
    engine: spec.engine,
    plan: spec.plan,
    owner: spec.owner,
    phase: 'Provisioning',
    conditions: (Object.keys(conditionTypes) as ConditionType[]).map((type) => ({
      type,
      status: 'Unknown',
      reason: 'Pending',
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
export function setCondition(status: StoreStatus, type: ConditionType, value: ConditionStatus, reason: string, message: string, now: string): void {
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

export function setPhase(status: StoreStatus, phase: Phase, now: string): void {
  status.phase = phase;
  status.updatedAt = now;
}

/** Marks the conditions not yet True as False with the failure, so the status says where it stopped. */
export function failOpenConditions(status: StoreStatus, reason: string, message: string, now: string): void {
  for (const condition of status.conditions) {
    if (condition.status !== 'True') setCondition(status, condition.type, 'False', reason, message, now);
  }
}

/** A retry starts from scratch: conditions go back to Unknown until each step proves itself again. */
export function resetConditions(status: StoreStatus, now: string): void {
  for (const condition of status.conditions) setCondition(status, condition.type, 'Unknown', 'Retrying', '', now);
}
