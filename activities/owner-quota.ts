// What the owner quota workflow asks Temporal: which stores an owner had before its quota workflow
// existed (visibility), and what became of the store behind each reserved id (describe, which is
// strongly consistent); core/owner-quota.ts decides which slots are free again.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ReservedStore } from '../core/owner-quota.js';
import { storeIdOfWorkflow, storeWorkflowId } from '../core/names.js';
import { StoreOwner } from '../core/search-attributes.js';

const quote = (value: string) => `'${value.replace(/'/g, "\\'")}'`;

export function createOwnerQuotaActivities() {
  return {
    /** The owner's running stores on the quota's task queue. */
    async ownerStoresInUse(owner: string, taskQueue: string): Promise<string[]> {
      const ids: string[] = [];
      const query = `WorkflowType = 'storeWorkflow' AND ExecutionStatus = 'Running' AND StoreOwner = ${quote(owner)} AND TaskQueue = ${quote(taskQueue)}`;
      for await (const execution of Context.current().client.workflow.list({ query })) {
        const storeId = storeIdOfWorkflow(execution.workflowId);
        if (storeId) ids.push(storeId);
      }
      return ids;
    },

    async describeReservedStores(storeIds: string[]): Promise<ReservedStore[]> {
      const { client } = Context.current();
      return Promise.all(
        storeIds.map(async (storeId) => {
          try {
            const d = await client.workflow.getHandle(storeWorkflowId(storeId)).describe();
            return {
              storeId,
              found: true,
              status: d.status.name,
              owner: d.typedSearchAttributes.get(StoreOwner),
              ...(d.closeTime ? { closedAt: d.closeTime.toISOString() } : {}),
            };
          } catch (error) {
            if (error instanceof WorkflowNotFoundError) return { storeId, found: false };
            throw error;
          }
        }),
      );
    },
  };
}
