// One workflow per fleet upgrade: picks the stores, then upgrades them wave by wave through each
// store's `change` update (which rolls a failed store back on its own), pausing between waves, and
// stops once a wave has more failures than maxFailures. Pause and cancel act before the next wave.
import { condition, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import {
  cancelFleetUpgradeSignal,
  failedResults,
  fleetUpgradeQuery,
  pauseFleetUpgradeSignal,
  resumeFleetUpgradeSignal,
  storeChangeDoneSignal,
  type FleetStoreOutcome,
  type FleetUpgradeSpec,
  type FleetUpgradeStatus,
} from '../core/fleet.js';
import { activityRetry } from './options.js';

const { selectFleetStores, readStoreReleases } = proxyActivities<StoreActivities>({
  startToCloseTimeout: '1 minute',
  retry: activityRetry,
});
const { requestStoreUpgrade } = proxyActivities<StoreActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});
// A store's change takes up to its provisioning deadline twice (upgrade, then rollback); a store that
// never reports (its workflow terminated by hand) counts as failed after this.
const outcomeTimeout = '2 hours';

const now = () => new Date().toISOString();

export async function fleetUpgradeWorkflow(spec: FleetUpgradeSpec): Promise<FleetUpgradeStatus> {
  const status: FleetUpgradeStatus = {
    id: workflowInfo().workflowId.replace(/^fleet-upgrade-/, ''),
    spec,
    state: 'Running',
    waves: [],
    startedAt: now(),
    updatedAt: now(),
  };
  let paused = false;
  let cancelled: string | undefined;
  const touch = () => (status.updatedAt = now());
  setHandler(fleetUpgradeQuery, () => status);
  setHandler(pauseFleetUpgradeSignal, () => {
    paused = true;
    if (status.state === 'Running') status.state = 'Paused';
    touch();
  });
  setHandler(resumeFleetUpgradeSignal, () => {
    paused = false;
    if (status.state === 'Paused') status.state = 'Running';
    touch();
  });
  const reported = new Map<string, FleetStoreOutcome>();
  setHandler(storeChangeDoneSignal, (outcome) => void reported.set(outcome.storeId, outcome));
  setHandler(cancelFleetUpgradeSignal, ({ by }) => {
    cancelled ??= `cancelled by ${by}`;
    touch();
  });

  const storeIds = await selectFleetStores(spec.engine, spec.selector);
  for (let start = 0; start < storeIds.length; start += spec.waveSize) {
    const stores = storeIds
      .slice(start, start + spec.waveSize)
      .map((storeId): FleetStoreOutcome => ({ storeId, result: 'Pending' }));
    status.waves.push({ number: status.waves.length + 1, state: 'Pending', failures: 0, stores });
  }
  touch();

  for (const wave of status.waves) {
    if (wave.number > 1 && spec.pauseBetweenWavesSeconds > 0)
      await condition(() => cancelled !== undefined, spec.pauseBetweenWavesSeconds * 1000);
    await condition(() => !paused || cancelled !== undefined);
    if (cancelled !== undefined) return await finish('Cancelled', cancelled);
    status.state = 'Running';
    wave.state = 'Running';
    touch();
    await Promise.all(
      wave.stores.map(async (store) => {
        store.result = 'Upgrading';
        try {
          const by = `fleet upgrade ${status.id} (${spec.requestedBy})`;
          Object.assign(
            store,
            await requestStoreUpgrade({
              storeId: store.storeId,
              chartVersion: spec.chartVersion,
              by,
              notify: workflowInfo().workflowId,
            }),
          );
          touch();
          if (store.result === 'Upgrading') {
            const arrived = await condition(() => reported.has(store.storeId), outcomeTimeout);
            Object.assign(
              store,
              arrived
                ? reported.get(store.storeId)
                : {
                    result: 'Failed',
                    message: `the store did not report how its change ended within ${outcomeTimeout}`,
                  },
            );
          }
        } catch (error) {
          Object.assign(store, { result: 'Failed', message: error instanceof Error ? error.message : String(error) });
        }
        touch();
      }),
    );
    wave.failures = wave.stores.filter((store) => failedResults.has(store.result)).length;
    wave.state = 'Done';
    touch();
    if (wave.failures > spec.maxFailures)
      return await finish(
        'Stopped',
        `wave ${wave.number} had ${wave.failures} failed stores, more than maxFailures ${spec.maxFailures}`,
      );
  }
  return await finish('Completed');

  /** Every store's final chart version and revision go into the report, also of stores not reached. */
  async function finish(state: FleetUpgradeStatus['state'], reason?: string): Promise<FleetUpgradeStatus> {
    for (const wave of status.waves.filter((w) => w.state === 'Pending')) {
      wave.state = 'Skipped';
      for (const store of wave.stores) store.result = 'NotStarted';
    }
    const releases = new Map((await readStoreReleases(storeIds)).map((release) => [release.storeId, release]));
    for (const store of status.waves.flatMap((w) => w.stores))
      Object.assign(store, {
        chartVersion: releases.get(store.storeId)?.chartVersion,
        revision: releases.get(store.storeId)?.revision,
      });
    Object.assign(status, { state, finishedAt: now(), ...(reason ? { reason } : {}) });
    touch();
    return status;
  }
}
