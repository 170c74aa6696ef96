// The fleet upgrade's steps: pick the stores (visibility), upgrade one store through its `change`
// update and wait for the outcome, and read what every store runs at the end. They talk to Temporal
// through the worker's client, never to Kubernetes: each store workflow does its own upgrade.
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { rootCause } from '@temporalio/common';
import type { FleetSelector, FleetStoreOutcome } from '../core/fleet.js';
import { changeUpdate, statusQuery } from '../core/messages.js';
import { storeIdOfWorkflow, storeWorkflowId } from '../core/names.js';
import type { StoreStatus } from '../core/status.js';
import type { Engine } from '../core/store-spec.js';
import type { ActivityDeps } from './deps.js';

const quote = (value: string) => `'${value.replace(/'/g, "\\'")}'`;

/** The visibility query of the running stores of `engine` that `selector` picks. */
export function fleetQuery(engine: Engine, selector: FleetSelector = {}): string {
  const clauses = ["WorkflowType = 'storeWorkflow'", "ExecutionStatus = 'Running'", `StoreEngine = ${quote(engine)}`];
  if (selector.owner) clauses.push(`StoreOwner = ${quote(selector.owner)}`);
  if (selector.plan) clauses.push(`StorePlan = ${quote(selector.plan)}`);
  if (selector.storeIds) clauses.push(`StoreId IN (${selector.storeIds.map(quote).join(', ')})`);
  return clauses.join(' AND ');
}

/** What a store's status says of the change the fleet asked for. */
export function outcomeOf(storeId: string, status: StoreStatus): FleetStoreOutcome {
  const change = status.lastChange;
  const result = status.phase === 'Failed' ? 'Failed' : change?.result === 'RolledBack' ? 'RolledBack' : change?.result === 'Upgraded' ? 'Upgraded' : 'Failed';
  return { storeId, result, chartVersion: status.chartVersion, revision: status.revision, message: change?.message ?? status.lastError ?? `the store is ${status.phase}` };
}

export function createFleetActivities(deps: ActivityDeps) {
  const pollMs = deps.readinessPollMs ?? 1000;
  return {
    async selectFleetStores(engine: Engine, selector?: FleetSelector): Promise<string[]> {
      const ids: string[] = [];
      for await (const execution of Context.current().client.workflow.list({ query: fleetQuery(engine, selector) })) {
        const storeId = storeIdOfWorkflow(execution.workflowId);
        if (storeId) ids.push(storeId);
      }
      return ids.sort();
    },

    /** Asks one store for the chart version and waits, heartbeating, until it is Ready or Failed again. */
    async upgradeFleetStore(request: { storeId: string; chartVersion: string; by: string }): Promise<FleetStoreOutcome> {
      const context = Context.current();
      const handle = context.client.workflow.getHandle(storeWorkflowId(request.storeId));
      const before = await handle.query(statusQuery);
      if (before.chartVersion === request.chartVersion && before.phase !== 'Upgrading') {
        return { storeId: request.storeId, result: 'AlreadyCurrent', chartVersion: before.chartVersion, revision: before.revision, message: `already runs chart ${request.chartVersion}` };
      }
      // A retried attempt finds its change already under way (Upgrading) and only waits for it.
      if (before.phase !== 'Upgrading') {
        try {
          await handle.executeUpdate(changeUpdate, { args: [{ chartVersion: request.chartVersion, by: request.by }] });
        } catch (error) {
          if (!(error instanceof WorkflowUpdateFailedError)) throw error;
          return { storeId: request.storeId, result: 'Refused', chartVersion: before.chartVersion, revision: before.revision, message: rootCause(error.cause) ?? error.message };
        }
      }
      // The update puts the store in Upgrading at once; it leaves it Ready (upgraded or rolled back) or Failed.
      for (;;) {
        const status = await handle.query(statusQuery);
        context.heartbeat({ phase: status.phase });
        if (status.phase !== 'Upgrading') {
          deps.log.info({ storeId: request.storeId, workflowId: storeWorkflowId(request.storeId), phase: status.phase, change: status.lastChange?.result }, 'fleet upgrade: store done');
          return outcomeOf(request.storeId, status);
        }
        await context.sleep(pollMs);
      }
    },

    /** What each store runs now, for the fleet upgrade's final report. */
    async readStoreReleases(storeIds: string[]): Promise<Array<{ storeId: string; chartVersion?: string; revision?: number }>> {
      const client = Context.current().client;
      return Promise.all(
        storeIds.map(async (storeId) => {
          const status = await client.workflow.getHandle(storeWorkflowId(storeId)).query(statusQuery).catch(() => undefined);
          return { storeId, chartVersion: status?.chartVersion, revision: status?.revision };
        }),
      );
    },
  };
}
