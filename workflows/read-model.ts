// Publishes the store's read model (core/store-read-model.ts) in the workflow's memo: at once, then in the
// same workflow task as every change of the status, so a GET right after an update sees the update.
import { condition, upsertMemo } from '@temporalio/workflow';
import type { StoreStatus } from '../core/status.js';
import { readModelMemoKey, readModelOf } from '../core/store-read-model.js';

export function publishReadModel(status: StoreStatus): { flush(): void } {
  let published = '';
  const current = () => JSON.stringify(readModelOf(status));
  const flush = () => {
    const text = current();
    if (text === published) return;
    upsertMemo({ [readModelMemoKey]: readModelOf(status) });
    published = text;
  };
  flush();
  void (async () => {
    for (;;) {
      await condition(() => current() !== published);
      flush();
    }
  })();
  return { flush };
}
