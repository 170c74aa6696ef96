// The fleet upgrade's rules on the time-skipping test server, over store workflows with stub
// activities: waves in order with the pause between them skipped in time, a stop once a wave has more
// failures than maxFailures, pause and resume, and cancel before the next wave.
import { ApplicationFailure } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cancelFleetUpgradeSignal,
  fleetUpgradeQuery,
  pauseFleetUpgradeSignal,
  resumeFleetUpgradeSignal,
  type FleetUpgradeSpec,
  type FleetUpgradeStatus,
} from '../../core/fleet.js';
import { statusQuery } from '../../core/messages.js';
import { storeWorkflowId } from '../../core/names.js';
import type { fleetUpgradeWorkflow } from '../../workflows/fleet-upgrade.js';
import type { storeWorkflow } from '../../workflows/store.js';
import { eventually, uniqueName } from '../harness/clients.js';
import type { StepScript } from '../harness/stub-activities.js';
import { startRulesEnvironment, type RulesEnvironment } from '../harness/time-skipping.js';

let rules: RulesEnvironment;
beforeAll(async () => {
  rules = await startRulesEnvironment();
}, 60_000);
afterAll(() => rules?.stop());

/** Ready stores on chart 1.0.0; `scripts` gives some of them their own steps. */
async function readyStores(count: number, scripts: Record<number, StepScript> = {}): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => uniqueName(`fleet${i}`));
  await Promise.all(
    ids.map(async (storeId, i) => {
      rules.stubs.script(storeId, scripts[i] ?? {});
      const handle = await rules.client.workflow.start<typeof storeWorkflow>('storeWorkflow', {
        taskQueue: rules.taskQueue,
        workflowId: storeWorkflowId(storeId),
        args: [{ storeId, engine: 'woocommerce' }],
      });
      await rules.untilStatus(handle, `store ${storeId} Ready`, (s) => s.phase === 'Ready');
    }),
  );
  return ids;
}

function startFleetUpgrade(storeIds: string[], spec: Partial<FleetUpgradeSpec>) {
  const full: FleetUpgradeSpec = {
    engine: 'woocommerce',
    chartVersion: '2.0.0',
    waveSize: 2,
    maxFailures: 0,
    pauseBetweenWavesSeconds: 0,
    requestedBy: 'rules test',
    selector: { storeIds },
    ...spec,
  };
  return rules.client.workflow.start<typeof fleetUpgradeWorkflow>('fleetUpgradeWorkflow', {
    taskQueue: rules.taskQueue,
    workflowId: `fleet-upgrade-${uniqueName('rules')}`,
    args: [full],
  });
}

const results = (status: FleetUpgradeStatus) =>
  status.waves.map((w) => `${w.state}: ${w.stores.map((s) => s.result).join(' ')}`);

describe('a fleet upgrade', () => {
  it('when it has three waves with an hour between them, then they run in order and every store ends on the new chart', async () => {
    const ids = await readyStores(5);
    const fleet = await startFleetUpgrade(ids, { pauseBetweenWavesSeconds: 3600 });
    const done = await fleet.result();
    expect(done.state).toBe('Completed');
    expect(results(done)).toEqual(['Done: Upgraded Upgraded', 'Done: Upgraded Upgraded', 'Done: Upgraded']);
    expect(done.waves.flatMap((w) => w.stores.map((s) => s.chartVersion))).toEqual(Array(5).fill('2.0.0'));
    // The hour between waves passed on the server's clock, not the test's.
    expect(Date.parse(done.finishedAt ?? '') - Date.parse(done.startedAt)).toBeGreaterThanOrEqual(2 * 3600 * 1000);
    for (const storeId of ids)
      expect((await rules.client.workflow.getHandle(storeWorkflowId(storeId)).query(statusQuery)).chartVersion).toBe(
        '2.0.0',
      );
  });

  it('when a wave has more failed stores than maxFailures, then it stops there and the later waves are not started', async () => {
    const failingUpgrade: StepScript = {
      helmUpgradeInstall: (call, spec) =>
        call === 2
          ? Promise.reject(ApplicationFailure.nonRetryable('the new chart is broken', 'InvalidChartValues'))
          : Promise.resolve({
              name: `woocommerce-${spec.storeId}`,
              revision: call,
              chartVersion: spec.chartVersion ?? '1.0.0',
            }),
    };
    const ids = await readyStores(4, { 1: failingUpgrade });
    const done = await (await startFleetUpgrade(ids, { maxFailures: 0 })).result();
    expect(done.state).toBe('Stopped');
    expect(done.reason).toBe('wave 1 had 1 failed stores, more than maxFailures 0');
    expect(results(done)).toEqual(['Done: Upgraded RolledBack', 'Skipped: NotStarted NotStarted']);
    expect(done.waves[0]?.stores[1]).toMatchObject({ chartVersion: '1.0.0' });
  });

  it('when paused after the first wave, then the next waits until resumed; cancelled while paused, then it ends Cancelled with the rest not started', async () => {
    const ids = await readyStores(4);
    const fleet = await startFleetUpgrade(ids, { pauseBetweenWavesSeconds: 600 });
    await eventually(
      'wave 1 done',
      async () => ((await fleet.query(fleetUpgradeQuery)).waves[0]?.state === 'Done' ? true : undefined),
      20_000,
    );
    await fleet.signal(pauseFleetUpgradeSignal, { by: 'rules test' });
    await rules.env.sleep(2 * 3600 * 1000);
    const paused = await fleet.query(fleetUpgradeQuery);
    expect(paused.state).toBe('Paused');
    expect(paused.waves[1]?.state).toBe('Pending');
    await fleet.signal(resumeFleetUpgradeSignal, { by: 'rules test' });
    expect((await fleet.result()).state).toBe('Completed');

    const more = await readyStores(4);
    const second = await startFleetUpgrade(more, { pauseBetweenWavesSeconds: 600 });
    await eventually(
      'wave 1 done',
      async () => ((await second.query(fleetUpgradeQuery)).waves[0]?.state === 'Done' ? true : undefined),
      20_000,
    );
    await second.signal(pauseFleetUpgradeSignal, { by: 'rules test' });
    await second.signal(cancelFleetUpgradeSignal, { by: 'rules test' });
    const cancelled = await second.result();
    expect(cancelled).toMatchObject({ state: 'Cancelled', reason: 'cancelled by rules test' });
    expect(results(cancelled)).toEqual(['Done: Upgraded Upgraded', 'Skipped: NotStarted NotStarted']);
  });
});
