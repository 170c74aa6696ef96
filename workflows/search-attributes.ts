// Typed keys of the store search attributes (core/search-attributes.ts lists them for the dev server).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { StoreStatus } from '../core/status.js';

export const StoreId = defineSearchAttributeKey('StoreId', SearchAttributeType.KEYWORD);
export const StoreEngine = defineSearchAttributeKey('StoreEngine', SearchAttributeType.KEYWORD);
export const StorePlan = defineSearchAttributeKey('StorePlan', SearchAttributeType.KEYWORD);
export const StorePhase = defineSearchAttributeKey('StorePhase', SearchAttributeType.KEYWORD);
export const StoreOwner = defineSearchAttributeKey('StoreOwner', SearchAttributeType.KEYWORD);

export function upsertStoreSearchAttributes(status: StoreStatus): void {
  upsertSearchAttributes([
    { key: StoreId, value: status.storeId },
    { key: StoreEngine, value: status.engine },
    { key: StorePlan, value: status.plan },
    { key: StoreOwner, value: status.owner },
    { key: StorePhase, value: status.phase },
  ]);
}

