// Search attributes every store workflow carries, so the API, the Temporal UI and `temporal workflow
// list --query` can find stores by id, engine, plan, phase and owner. Declared once here: the workflows
// upsert these keys, the API reads them, and the dev server and the chart register exactly these.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const StoreId = defineSearchAttributeKey('StoreId', SearchAttributeType.KEYWORD);
export const StoreEngine = defineSearchAttributeKey('StoreEngine', SearchAttributeType.KEYWORD);
export const StorePlan = defineSearchAttributeKey('StorePlan', SearchAttributeType.KEYWORD);
export const StorePhase = defineSearchAttributeKey('StorePhase', SearchAttributeType.KEYWORD);
export const StoreOwner = defineSearchAttributeKey('StoreOwner', SearchAttributeType.KEYWORD);

export const storeSearchAttributeKeys = [StoreId, StoreEngine, StorePlan, StorePhase, StoreOwner];

/** Name → type as `temporal operator search-attribute create` and the dev server's `--search-attribute` spell them. */
export const storeSearchAttributes: Record<string, 'Keyword'> = Object.fromEntries(
  storeSearchAttributeKeys.map((key) => [key.name, 'Keyword']),
);
