import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import type { smokeWorkflow } from '../fixtures/workflows/smoke.js';
import { createTestWorker, eventually, temporalClient, uniqueName } from '../harness/clients.js';

const StoreId = defineSearchAttributeKey('StoreId', SearchAttributeType.KEYWORD);

describe('Temporal dev server', () => {
  it('when a workflow runs, then it completes and a search attribute query finds it', async () => {
    const client = await temporalClient();
    const worker = await createTestWorker();
    const storeId = uniqueName('smoke');

    const result = await worker.runUntil(
      client.workflow.execute<typeof smokeWorkflow>('smokeWorkflow', {
        taskQueue: worker.options.taskQueue,
        workflowId: `smoke-${storeId}`,
        args: [storeId],
        typedSearchAttributes: [{ key: StoreId, value: storeId }],
      }),
    );
    expect(result).toBe(`hello ${storeId}`);

    // Visibility is eventually consistent: the upserted phase shows up shortly after completion.
    const found = await eventually('the workflow to be visible by search attributes', async () => {
      const ids: string[] = [];
      for await (const execution of client.workflow.list({
        query: `StoreId = '${storeId}' AND StorePhase = 'Ready'`,
      })) {
        ids.push(execution.workflowId);
      }
      return ids.length > 0 ? ids : undefined;
    });
    expect(found).toEqual([`smoke-${storeId}`]);
  });
});
