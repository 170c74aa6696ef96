// The fleet upgrade use cases: start one (a workflow), read it, list them, pause, resume or cancel it.
// An owner's key upgrades and sees only that owner's stores and upgrades; an admin's, any.
import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  cancelFleetUpgradeSignal,
  fleetUpgradeQuery,
  fleetUpgradeSpec,
  pauseFleetUpgradeSignal,
  resumeFleetUpgradeSignal,
  type FleetUpgradeStatus,
} from '../core/fleet.js';
import type { FleetUpgradeRequest } from '../core/schemas.js';
import { fleetUpgradeWorkflowId } from '../core/names.js';
import type { fleetUpgradeWorkflow } from '../workflows/fleet-upgrade.js';
import { ApiError, workerUnavailable } from './errors.js';
import { describeRequester } from './history-timeline.js';
import type { Caller } from './store-records.js';
import { isTemporalUnavailable, temporalCall } from './temporal-errors.js';

export interface FleetUpgradeOptions {
  client: Client;
  taskQueue: string;
  /** How long reading a running upgrade waits for a worker. */
  queryTimeoutMs: number;
}

export type FleetAction = 'pause' | 'resume' | 'cancel';

const signals = { pause: pauseFleetUpgradeSignal, resume: resumeFleetUpgradeSignal, cancel: cancelFleetUpgradeSignal };
const upgradeNotFound = (id: string) => new ApiError(404, 'fleet_upgrade_not_found', `fleet upgrade ${id} not found`);

export function createFleetUpgrades(options: FleetUpgradeOptions) {
  const { client } = options;
  const handleOf = (id: string) => client.workflow.getHandle<typeof fleetUpgradeWorkflow>(fleetUpgradeWorkflowId(id));

  /** The upgrade's workflow, if the caller may see it: its own, or any for an admin. */
  async function find(id: string, caller: Caller) {
    const description = await temporalCall(
      () => handleOf(id).describe(),
      () => upgradeNotFound(id),
    );
    if (description.type !== 'fleetUpgradeWorkflow') throw upgradeNotFound(id);
    if (!caller.admin && description.memo?.owner !== caller.owner) throw upgradeNotFound(id);
    return description;
  }

  return {
    async start(request: FleetUpgradeRequest, caller: Caller): Promise<{ id: string }> {
      const requested = request.selector?.owner;
      if (!caller.admin && requested && requested !== caller.owner)
        throw new ApiError(403, 'forbidden', 'only an admin key may upgrade the stores of another owner');
      const selector = caller.admin ? request.selector : { ...request.selector, owner: caller.owner };
      const id = randomUUID().slice(0, 8);
      const spec = fleetUpgradeSpec({ ...request, ...(selector ? { selector } : {}) }, describeRequester(caller));
      await temporalCall(() =>
        client.workflow.start<typeof fleetUpgradeWorkflow>('fleetUpgradeWorkflow', {
          taskQueue: options.taskQueue,
          workflowId: fleetUpgradeWorkflowId(id),
          args: [spec],
          memo: { owner: caller.owner },
        }),
      );
      return { id };
    },

    /** A finished upgrade's report comes from its result; a running one's from its query (a worker answers). */
    async get(id: string, caller: Caller): Promise<FleetUpgradeStatus> {
      const description = await find(id, caller);
      const handle = handleOf(id);
      if (description.status.name === 'COMPLETED') return temporalCall(() => handle.result());
      if (description.status.name !== 'RUNNING')
        throw new ApiError(
          409,
          'fleet_upgrade_ended',
          `fleet upgrade ${id} was ${description.status.name.toLowerCase()} by hand; its stores keep what they reached`,
        );
      try {
        return await client.connection.withDeadline(Date.now() + options.queryTimeoutMs, () =>
          handle.query(fleetUpgradeQuery),
        );
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw upgradeNotFound(id);
        if (isTemporalUnavailable(error)) {
          throw workerUnavailable(`no worker answered within ${options.queryTimeoutMs / 1000} s`);
        }
        throw error;
      }
    },

    /** The newest upgrades first, with their workflow status; GET one for its waves. */
    async list(caller: Caller, limit = 20) {
      const query = `WorkflowType = 'fleetUpgradeWorkflow'`;
      const upgrades: Array<{ id: string; running: boolean; startedAt: string }> = [];
      await temporalCall(async () => {
        for await (const execution of client.workflow.list({ query })) {
          if (!caller.admin && execution.memo?.owner !== caller.owner) continue;
          upgrades.push({
            id: execution.workflowId.replace(/^fleet-upgrade-/, ''),
            running: execution.status.name === 'RUNNING',
            startedAt: execution.startTime.toISOString(),
          });
          if (upgrades.length >= limit) break;
        }
      });
      return upgrades;
    },

    async act(id: string, caller: Caller, action: FleetAction): Promise<void> {
      const description = await find(id, caller);
      const ended = () =>
        new ApiError(409, 'fleet_upgrade_ended', `fleet upgrade ${id} has ended; there is nothing to ${action}`);
      if (description.status.name !== 'RUNNING') throw ended();
      // It may end between the lookup and the signal: that is the same answer.
      await temporalCall(() => handleOf(id).signal(signals[action], { by: describeRequester(caller) }), ended);
    },
  };
}

export type FleetUpgrades = ReturnType<typeof createFleetUpgrades>;
