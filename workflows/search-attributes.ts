// A store workflow keeps its search attributes (core/search-attributes.ts) in step with its status.
import { upsertSearchAttributes } from '@temporalio/workflow';
import { StoreEngine, StoreId, StoreOwner, StorePhase, StorePlan } from '../core/search-attributes.js';
import type { StoreStatus } from '../core/status.js';

export function upsertStoreSearchAttributes(status: StoreStatus): void {
  upsertSearchAttributes([
    { key: StoreId, value: status.storeId },
    { key: StoreEngine, value: status.engine },
    { key: StorePlan, value: status.plan },
    { key: StoreOwner, value: status.owner },
    { key: StorePhase, value: status.phase },
  ]);
}
