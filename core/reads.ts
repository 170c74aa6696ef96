// What the worker's read-only answers look like (a store's usage, the fleet's, the dry run of a create
// or a change): activities produce them, reader workflows pass them on, the API presents them.
import type { Plan } from './plans.js';

export interface QuotaLine {
  resource: string;
  used: string;
  hard: string;
  /** used / hard, when both are quantities and hard is not zero. */
  usedFraction?: number;
}

export interface VolumeUsage {
  name: string;
  requested: string;
  capacity?: string;
  phase: string;
}

export interface StoreUsage {
  /** False when the store's namespace (or its quota) does not exist (yet, or any more). */
  found: boolean;
  quota: QuotaLine[];
  volumes: VolumeUsage[];
}

export interface FleetUsage {
  stores: Array<{ storeId: string; plan: string; owner: string; quota: QuotaLine[] }>;
  /** Per resource, summed over the stores; `used` and `hard` in cores (cpu) or bytes (memory, storage), or counts. */
  totals: Array<{ resource: string; used: number; hard: number; usedFraction?: number }>;
}

export interface PlannedObject {
  kind: string;
  name: string;
  /** storefleet's own objects (namespace, guardrails, secret) or the chart's. */
  source: 'storefleet' | 'chart';
  action: 'create' | 'update';
}

export interface ResourceFit {
  resource: string;
  /** Cores for cpu, bytes for memory and storage, else a count. */
  requested: number;
  quota: number;
  fits: boolean;
}

export interface StorePlan {
  namespace: string;
  objects: PlannedObject[];
  resources: ResourceFit[];
  /** Every resource fits the plan's quota and the chart rendered. */
  fits: boolean;
  problems: string[];
}

/** A plan change or chart upgrade asked of a store. */
export interface ChangeTarget {
  plan?: Plan;
  chartVersion?: string;
}
