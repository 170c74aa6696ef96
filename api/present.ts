// Turns what the workflows and visibility know into the API's response bodies (schemas.ts).
import { adminSecretName, namespaceName, storeWorkflowId } from '../core/names.js';
import type { StoreUsage } from '../core/reads.js';
import type { StoreResponse, StoreSummary, StoreUsageResponse } from './schemas.js';
import type { StoreReadView, StoreRecord } from './store-records.js';

export interface LinkSettings {
  temporalUiUrl: string;
  namespace: string;
}

export function storeLinks(storeId: string, settings: LinkSettings): StoreSummary['links'] {
  const self = `/api/v1/stores/${storeId}`;
  return {
    self,
    events: `${self}/events`,
    history: `${self}/history`,
    usage: `${self}/usage`,
    stream: `${self}/stream`,
    temporalUi: `${settings.temporalUiUrl}/namespaces/${settings.namespace}/workflows/${storeWorkflowId(storeId)}`,
  };
}

export function storeSummary(record: StoreRecord, settings: LinkSettings): StoreSummary {
  return {
    storeId: record.storeId,
    engine: record.engine,
    plan: record.plan,
    owner: record.owner,
    phase: record.phase,
    ...(record.createdAt ? { createdAt: record.createdAt } : {}),
    ...(record.url ? { url: record.url } : {}),
    links: storeLinks(record.storeId, settings),
  };
}

export function storeUsageResponse(record: StoreRecord, usage: StoreUsage, now = Date.now()): StoreUsageResponse {
  return {
    storeId: record.storeId,
    plan: record.plan,
    phase: record.phase,
    ...(record.createdAt
      ? {
          createdAt: record.createdAt,
          ageSeconds: Math.max(0, Math.round((now - Date.parse(record.createdAt)) / 1000)),
        }
      : {}),
    ...usage,
  };
}

export function storeResponse(view: StoreReadView, settings: LinkSettings): StoreResponse {
  const base = {
    ...storeSummary(view.record, settings),
    adminSecret: { name: adminSecretName, namespace: namespaceName(view.record.storeId) },
  };
  if (!view.live) return { ...base, live: false, detail: view.detail, conditions: [] };
  const s = view.status;
  return {
    ...base,
    phase: s.phase,
    plan: s.plan,
    live: true,
    conditions: s.conditions,
    ...(s.url ? { url: s.url } : {}),
    ...(s.adminUrl ? { adminUrl: s.adminUrl } : {}),
    ...(s.lastError ? { lastError: s.lastError } : {}),
    ...(s.chartVersion ? { chartVersion: s.chartVersion } : {}),
    ...(s.revision !== undefined ? { revision: s.revision } : {}),
    ...(s.lastChange ? { lastChange: s.lastChange } : {}),
    ...(s.lastOrderCheck ? { lastOrderCheck: s.lastOrderCheck } : {}),
    attempts: s.attempts,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
    ...(s.readyAt ? { readyAt: s.readyAt } : {}),
    ...(s.deletedAt ? { deletedAt: s.deletedAt } : {}),
  };
}
