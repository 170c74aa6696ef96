// A fleet upgrade: one workflow moves the stores a selector picks to a chart version, wave by wave,
// through each store's own `change` update, and stops when a wave has more failures than allowed.
// Its messages and status are defined once here for the workflow, the API and the dashboard.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FleetUpgradeRequest } from './schemas.js';
import type { StoreStatus } from './status.js';

export type FleetSelector = NonNullable<FleetUpgradeRequest['selector']>;
export type FleetUpgradeSpec = Required<Omit<FleetUpgradeRequest, 'selector'>> &
  Pick<FleetUpgradeRequest, 'selector'> & { requestedBy: string };

export function fleetUpgradeSpec(request: FleetUpgradeRequest, requestedBy: string): FleetUpgradeSpec {
  return { waveSize: 5, maxFailures: 0, pauseBetweenWavesSeconds: 0, ...request, requestedBy };
}

export const fleetUpgradeStates = ['Running', 'Paused', 'Completed', 'Stopped', 'Cancelled'] as const;
export type FleetUpgradeState = (typeof fleetUpgradeStates)[number];

/**
 * Upgraded, AlreadyCurrent: the store runs the version. RolledBack: its upgrade failed and it runs its
 * old version again, Ready. Failed: even its rollback failed. Refused: the store did not accept the
 * change (not Ready, or its usage). NotStarted: the fleet upgrade stopped or was cancelled first.
 */
export const fleetStoreResults = [
  'Pending',
  'Upgrading',
  'Upgraded',
  'AlreadyCurrent',
  'RolledBack',
  'Failed',
  'Refused',
  'NotStarted',
] as const;
export type FleetStoreResult = (typeof fleetStoreResults)[number];
/** What counts against maxFailures. */
export const failedResults: ReadonlySet<FleetStoreResult> = new Set(['RolledBack', 'Failed', 'Refused']);

export interface FleetStoreOutcome {
  storeId: string;
  result: FleetStoreResult;
  /** The chart version and release revision the store runs at the end. */
  chartVersion?: string;
  revision?: number;
  message?: string;
}

export interface FleetWave {
  number: number;
  state: 'Pending' | 'Running' | 'Done' | 'Skipped';
  failures: number;
  stores: FleetStoreOutcome[];
}

export interface FleetUpgradeStatus {
  id: string;
  spec: FleetUpgradeSpec;
  state: FleetUpgradeState;
  /** Why it stopped or was cancelled. */
  reason?: string;
  waves: FleetWave[];
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
}

export const fleetUpgradeQuery = defineQuery<FleetUpgradeStatus>('fleetUpgrade');
/** Pause and cancel take effect before the next wave: stores already upgrading finish their change. */
export const pauseFleetUpgradeSignal = defineSignal<[{ by: string }]>('pause');
export const resumeFleetUpgradeSignal = defineSignal<[{ by: string }]>('resume');
export const cancelFleetUpgradeSignal = defineSignal<[{ by: string }]>('cancel');
/** A store tells the fleet upgrade that asked for its change how the change ended. */
export const storeChangeDoneSignal = defineSignal<[FleetStoreOutcome]>('storeChangeDone');

/** What a store's status says of its last change, once it has left Upgrading. */
export function changeOutcome(status: StoreStatus): FleetStoreOutcome {
  const change = status.lastChange;
  const result: FleetStoreResult =
    status.phase === 'Ready' && change?.result === 'Upgraded'
      ? 'Upgraded'
      : status.phase === 'Ready' && change?.result === 'RolledBack'
        ? 'RolledBack'
        : 'Failed';
  const message =
    result === 'Failed' && status.phase !== 'Failed'
      ? `the store is ${status.phase}`
      : (change?.message ?? status.lastError ?? `the store is ${status.phase}`);
  return { storeId: status.storeId, result, chartVersion: status.chartVersion, revision: status.revision, message };
}
