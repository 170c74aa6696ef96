// The fleet upgrade's steps: pick the stores (visibility), ask one store for the chart version through
// its `change` update, and read what every store runs at the end. They talk to Temporal through the
// worker's client, never to Kubernetes: each store workflow does its own upgrade and reports back.
import { Context } from '@temporalio/activity';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { rootCause } from '@temporalio/common';
import type { FleetSelector, FleetStoreOutcome } from '../core/fleet.js';
import { changeUpdate, statusQuery } from '../core/messages.js';
import { storeIdOfWorkflow, storeWorkflowId } from '../core/names.js';
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

export function createFleetActivities(deps: Pick<ActivityDeps, 'log'>) {
  // A store whose worker is gone must not hold a fleet step for the RPC's default minute.
  const withDeadline = <T>(call: () => Promise<T>) =>
    Context.current().client.connection.withDeadline(Date.now() + 15_000, call);
  return {
    async selectFleetStores(engine: Engine, selector?: FleetSelector): Promise<string[]> {
      const ids: string[] = [];
      for await (const execution of Context.current().client.workflow.list({ query: fleetQuery(engine, selector) })) {
        const storeId = storeIdOfWorkflow(execution.workflowId);
        if (storeId) ids.push(storeId);
      }
      return ids.sort();
    },

    /**
     * Asks one store for the chart version. Answers at once: AlreadyCurrent, Refused, or Upgrading, in
     * which case the store signals `notify` with the outcome when its change ends (no activity waits).
     */
    async requestStoreUpgrade(request: {
      storeId: string;
      chartVersion: string;
      by: string;
      notify: string;
    }): Promise<FleetStoreOutcome> {
      const handle = Context.current().client.workflow.getHandle(storeWorkflowId(request.storeId));
      const before = await withDeadline(() => handle.query(statusQuery));
      const current = { storeId: request.storeId, chartVersion: before.chartVersion, revision: before.revision };
      if (before.phase === 'Upgrading') {
        const under = before.lastChange;
        // A retried attempt finds its own change under way, and the signal still to come; someone
        // else's change would never signal this fleet upgrade.
        if (under?.requestedBy === request.by) return { ...current, result: 'Upgrading' };
        return {
          ...current,
          result: 'Refused',
          message: `another change is under way: ${under?.message ?? 'unknown'} requested by ${under?.requestedBy ?? 'unknown'}`,
        };
      }
      if (before.chartVersion === request.chartVersion)
        return { ...current, result: 'AlreadyCurrent', message: `already runs chart ${request.chartVersion}` };
      try {
        await withDeadline(() =>
          handle.executeUpdate(changeUpdate, {
            args: [{ chartVersion: request.chartVersion, by: request.by, notify: request.notify }],
          }),
        );
      } catch (error) {
        if (!(error instanceof WorkflowUpdateFailedError)) throw error;
        return { ...current, result: 'Refused', message: rootCause(error.cause) ?? error.message };
      }
      deps.log.info(
        { storeId: request.storeId, workflowId: storeWorkflowId(request.storeId), fleetUpgrade: request.notify },
        'fleet upgrade: store change accepted',
      );
      return { ...current, result: 'Upgrading' };
    },

    /** What each store runs now, for the fleet upgrade's final report. */
    async readStoreReleases(
      storeIds: string[],
    ): Promise<Array<{ storeId: string; chartVersion?: string; revision?: number }>> {
      const client = Context.current().client;
      return Promise.all(
        storeIds.map(async (storeId) => {
          const status = await withDeadline(() =>
            client.workflow.getHandle(storeWorkflowId(storeId)).query(statusQuery),
          ).catch(() => undefined);
          return { storeId, chartVersion: status?.chartVersion, revision: status?.revision };
        }),
      );
    },
  };
}
