// Plan changes, chart upgrades and fleet upgrades over HTTP, through the real worker, Temporal, helm
// and the simulated cluster: 20 stores of one owner, one of which cannot upgrade (its Job pods fail).
import { keyIdOf } from '../../api/auth.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetUpgradeStatus } from '../../core/fleet.js';
import { fleetUpgradeWorkflowId, namespaceName } from '../../core/names.js';
import { keyAuth, startApi, type TestApi } from '../harness/api.js';
import { chartCatalog, migrationPods, type ChartCatalog } from '../harness/chart-catalog.js';
import { eventually, uniqueName } from '../harness/clients.js';
import { injectJobFailure, injectPodFault, type Injected } from '../harness/faults.js';
import { recordHistory, recordHistoryOfType } from '../harness/histories.js';
import { startStoreWorker, storeId, type TestStoreWorker } from '../harness/store-worker.js';

const owner = uniqueName('fleet');
const ownerKey = `key-${owner}`;
const adminKey = `admin-${owner}`;
/** A second real owner with a store of its own, for isolation. */
const peer = { owner: `${owner}-peer`, key: `key-${owner}-peer`, store: storeId('flpeer') };
let catalog: ChartCatalog;
let worker: TestStoreWorker;
let api: TestApi;
let ids: string[];
let failing: string;
let fault: Injected;

async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  key = ownerKey,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${api.url}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/** Waits for the store to be `done`; a timeout says what the store last showed. */
async function untilStore(
  id: string,
  done: (store: Record<string, unknown>) => boolean,
  timeoutMs = 120_000,
  key = ownerKey,
): Promise<Record<string, unknown>> {
  let last: Record<string, unknown> = {};
  return eventually(
    `store ${id}`,
    async () => {
      last = (await call('GET', `/stores/${id}`, undefined, key)).body;
      return done(last) ? last : undefined;
    },
    timeoutMs,
    () =>
      `it last showed ${JSON.stringify({ phase: last.phase, lastError: last.lastError, conditions: last.conditions })}`,
  );
}

async function runUpgrade(
  request: Record<string, unknown>,
  timeoutMs = 240_000,
  key = ownerKey,
): Promise<FleetUpgradeStatus> {
  const started = await call<{ id: string; links: { self: string } }>(
    'POST',
    '/fleet/upgrades',
    { engine: 'woocommerce', chartVersion: catalog.next, waveSize: 5, ...request },
    key,
  );
  expect(started.status).toBe(202);
  return eventually(
    `fleet upgrade ${started.body.id}`,
    async () => {
      const { body } = await call<FleetUpgradeStatus>('GET', `/fleet/upgrades/${started.body.id}`, undefined, key);
      return body.finishedAt ? body : undefined;
    },
    timeoutMs,
  );
}

const results = (upgrade: FleetUpgradeStatus) =>
  upgrade.waves.map((wave) => [wave.state, wave.stores.map((store) => store.result)]);
const finalReleases = (upgrade: FleetUpgradeStatus) =>
  Object.fromEntries(
    upgrade.waves.flatMap((wave) =>
      wave.stores.map((store) => [store.storeId, `${store.chartVersion}#${store.revision}`]),
    ),
  );

beforeAll(async () => {
  catalog = await chartCatalog();
  worker = await startStoreWorker({ chartsDir: catalog.dir, maxProvisionSeconds: 90 });
  api = await startApi({
    taskQueue: worker.taskQueue,
    auth: keyAuth({ [ownerKey]: owner, [peer.key]: peer.owner }, [adminKey]),
  });
  expect((await call('POST', '/stores', { storeId: peer.store, engine: 'woocommerce' }, peer.key)).status).toBe(201);
  ids = Array.from({ length: 20 }, (_, i) => storeId(`fl${String(i).padStart(2, '0')}`)).sort();
  for (const id of ids)
    expect((await call('POST', '/stores', { storeId: id, engine: 'woocommerce' })).status).toBe(201);
  await Promise.all([
    ...ids.map((id) => untilStore(id, (store) => store.phase === 'Ready', 240_000)),
    untilStore(peer.store, (store) => store.phase === 'Ready', 240_000, peer.key),
  ]);
  // The 7th store by id is in the second wave of five; its migration Job will fail.
  failing = ids[6]!;
  fault = await injectJobFailure(namespaceName(failing), migrationPods);
}, 360_000);

afterAll(async () => {
  await fault?.remove();
  await api?.close();
  await worker?.stop();
  catalog?.remove();
});

describe('changing one store over HTTP', () => {
  it('when a change is dry-run, then it lists what the new chart adds and the problems the store would refuse, and changes nothing', async () => {
    const id = ids[0]!;
    const plan = await call<Record<string, unknown>>('PATCH', `/stores/${id}?dryRun=true`, {
      chartVersion: catalog.next,
    });
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({
      dryRun: true,
      storeId: id,
      phase: 'Ready',
      from: { plan: 'small', chartVersion: catalog.shipped },
      to: { plan: 'small', chartVersion: catalog.next },
      fits: true,
      problems: [],
    });
    expect(plan.body.objects).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'Job',
          source: 'chart',
          action: 'create',
          name: expect.stringMatching(/-migrate-0-2-0$/) as unknown,
        }),
      ]),
    );

    // The chart keeps a volume's size on a plan change; the dry run sees the two 5Gi volumes, not medium's presets.
    const medium = await call<{ resources: Array<{ resource: string; requested: number }> }>(
      'PATCH',
      `/stores/${id}?dryRun=true`,
      { plan: 'medium' },
    );
    expect(medium.body.resources.find((r) => r.resource === 'requests.storage')?.requested).toBe(10 * 2 ** 30);

    const unknown = await call<{ fits: boolean; problems: string[] }>('PATCH', `/stores/${id}?dryRun=true`, {
      chartVersion: '7.0.0',
      plan: 'large',
    });
    expect(unknown.body).toMatchObject({
      fits: false,
      problems: [expect.stringMatching(/no woocommerce chart 7\.0\.0/) as unknown],
    });
    expect((await call('GET', `/stores/${id}`)).body).toMatchObject({
      phase: 'Ready',
      chartVersion: catalog.shipped,
      revision: 1,
    });
    await recordHistoryOfType('plan-change', worker.taskQueue, 'planChangeWorkflow');
  });

  it("when a change is bad or refused, then the answer says why: 400 for the body, 409 with the store's reason", async () => {
    const id = ids[1]!;
    expect(await call('PATCH', `/stores/${id}`, {})).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'validation_failed',
          message: expect.stringMatching(/give plan, chartVersion or both/) as unknown,
        },
      },
    });
    expect(await call('PATCH', `/stores/${id}`, { chartVersion: 'latest' })).toMatchObject({ status: 400 });
    expect(await call('PATCH', `/stores/${id}`, { chartVersion: '7.0.0' })).toMatchObject({
      status: 409,
      body: {
        error: {
          code: 'change_refused',
          message: expect.stringMatching(/no woocommerce chart 7\.0\.0 .* available: 0\.1\.0, 0\.2\.0/) as unknown,
        },
      },
    });
    expect(await call('PATCH', `/stores/${id}`, { plan: 'small' })).toMatchObject({
      status: 409,
      body: { error: { message: expect.stringMatching(/nothing to change/) as unknown } },
    });
  });
});

describe('a fleet upgrade of 20 stores in waves of 5, one of which fails its upgrade', () => {
  it("when maxFailures is 0, then it stops after the failing store's wave, that store is rolled back, and every store's final release is reported", async () => {
    const upgrade = await runUpgrade({ maxFailures: 0 });
    expect(upgrade).toMatchObject({
      state: 'Stopped',
      reason: 'wave 2 had 1 failed stores, more than maxFailures 0',
      spec: { selector: { owner } },
    });
    expect(results(upgrade)).toEqual([
      ['Done', Array(5).fill('Upgraded')],
      ['Done', ['Upgraded', 'RolledBack', 'Upgraded', 'Upgraded', 'Upgraded']],
      ['Skipped', Array(5).fill('NotStarted')],
      ['Skipped', Array(5).fill('NotStarted')],
    ]);
    const releases = finalReleases(upgrade);
    expect(Object.keys(releases).sort()).toEqual(ids);
    for (const id of ids.slice(0, 10))
      expect(releases[id]).toBe(id === failing ? `${catalog.shipped}#3` : `${catalog.next}#2`);
    for (const id of ids.slice(10)) expect(releases[id]).toBe(`${catalog.shipped}#1`);
    expect(upgrade.waves[1]!.stores[1]!.message).toMatch(/migrate.*BackoffLimitExceeded.*rolled back/);
    expect((await call('GET', `/stores/${failing}`)).body).toMatchObject({
      phase: 'Ready',
      chartVersion: catalog.shipped,
      lastChange: { result: 'RolledBack' },
    });
    await recordHistory('fleet-upgrade-stopped-on-failure', fleetUpgradeWorkflowId(upgrade.id));
  });

  it('when run again with maxFailures 1, then it goes through every wave and only the failing store stays on the old chart', async () => {
    const upgrade = await runUpgrade({ maxFailures: 1 });
    expect(upgrade.state).toBe('Completed');
    expect(results(upgrade)).toEqual([
      ['Done', Array(5).fill('AlreadyCurrent')],
      ['Done', ['AlreadyCurrent', 'RolledBack', 'AlreadyCurrent', 'AlreadyCurrent', 'AlreadyCurrent']],
      ['Done', Array(5).fill('Upgraded')],
      ['Done', Array(5).fill('Upgraded')],
    ]);
    const releases = finalReleases(upgrade);
    for (const id of ids) expect(releases[id]).toBe(id === failing ? `${catalog.shipped}#5` : `${catalog.next}#2`);
  });

  it('when paused, resumed and cancelled, then its state follows and it ends Cancelled before its next wave', async () => {
    const started = await call<{ id: string }>('POST', '/fleet/upgrades', {
      engine: 'woocommerce',
      chartVersion: catalog.next,
      waveSize: 10,
      maxFailures: 5,
      pauseBetweenWavesSeconds: 600,
    });
    const path = `/fleet/upgrades/${started.body.id}`;
    expect((await call('POST', `${path}/pause`)).status).toBe(202);
    await eventually('paused', async () =>
      (await call<FleetUpgradeStatus>('GET', path)).body.state === 'Paused' ? true : undefined,
    );
    expect((await call('POST', `${path}/resume`)).status).toBe(202);
    // The first wave runs, then the pause between waves holds the second: cancel ends it there.
    await eventually(
      'wave 1 done',
      async () => ((await call<FleetUpgradeStatus>('GET', path)).body.waves[0]?.state === 'Done' ? true : undefined),
      120_000,
    );
    expect((await call('POST', `${path}/cancel`)).status).toBe(202);
    const ended = await eventually('cancelled', async () => {
      const { body } = await call<FleetUpgradeStatus>('GET', path);
      return body.finishedAt ? body : undefined;
    });
    expect(ended).toMatchObject({
      state: 'Cancelled',
      reason: expect.stringMatching(/^cancelled by owner .* \(key [0-9a-f]{12}\)$/) as unknown,
    });
    expect(results(ended)[1]).toEqual(['Skipped', Array(10).fill('NotStarted')]);
    expect(await call('POST', `${path}/resume`)).toMatchObject({
      status: 409,
      body: { error: { code: 'fleet_upgrade_ended' } },
    });

    const list = await call<{ upgrades: Array<{ id: string }> }>('GET', '/fleet/upgrades');
    expect(list.body.upgrades.map((u) => u.id)).toContain(started.body.id);
    await recordHistory('fleet-upgrade-paused-resumed-cancelled', fleetUpgradeWorkflowId(started.body.id));
  });

  it("when a store is already changing at its owner's request, then the fleet upgrade reports it Refused naming that change, without waiting for it", async () => {
    const id = ids[0]!;
    // The plan change's new pods cannot start until the fault goes, so the store stays Upgrading.
    const stuck = await injectPodFault(namespaceName(id), 'ImagePullBackOff');
    try {
      expect((await call('PATCH', `/stores/${id}`, { plan: 'medium' })).status).toBe(202);
      const upgrade = await runUpgrade(
        { chartVersion: catalog.shipped, maxFailures: 0, selector: { storeIds: [id] } },
        60_000,
      );
      expect(upgrade.state).toBe('Stopped');
      expect(upgrade.waves[0]!.stores[0]).toMatchObject({
        storeId: id,
        result: 'Refused',
        message: `another change is under way: plan small -> medium requested by API, owner ${owner} (key ${keyIdOf(ownerKey)})`,
      });
    } finally {
      await stuck.remove();
    }
    expect(await untilStore(id, (store) => store.phase === 'Ready')).toMatchObject({
      plan: 'medium',
      lastChange: { result: 'Upgraded' },
    });
  });

  it('when an owner key names another owner, or an unknown key asks for an upgrade, then 403 or 401; an admin sees it', async () => {
    expect(
      await call('POST', '/fleet/upgrades', {
        engine: 'woocommerce',
        chartVersion: catalog.next,
        selector: { owner: 'someone-else' },
      }),
    ).toMatchObject({ status: 403 });
    const { body } = await call<{ upgrades: Array<{ id: string }> }>('GET', '/fleet/upgrades');
    const other = await fetch(`${api.url}/api/v1/fleet/upgrades/${body.upgrades[0]!.id}`, {
      headers: { Authorization: 'Bearer nobody' },
    });
    expect(other.status).toBe(401);
    expect((await call('GET', `/fleet/upgrades/${body.upgrades[0]!.id}`, undefined, adminKey)).status).toBe(200);
  });

  it("when two real owners each run a fleet upgrade, then each touches only its own stores and cannot see or act on the other's", async () => {
    const ownUpgrades = (await call<{ upgrades: Array<{ id: string }> }>('GET', '/fleet/upgrades')).body.upgrades.map(
      (u) => u.id,
    );
    const revisionOf = async (id: string): Promise<[string, number | undefined]> => [
      id,
      (await call<{ revision?: number }>('GET', `/stores/${id}`)).body.revision,
    ];
    const revisionsOf = async () => Object.fromEntries(await Promise.all(ids.map(revisionOf)));
    const before = await revisionsOf();

    const peers = await runUpgrade({ waveSize: 1 }, 240_000, peer.key);
    expect(peers.waves.flatMap((wave) => wave.stores.map((store) => [store.storeId, store.result]))).toEqual([
      [peer.store, 'Upgraded'],
    ]);
    expect(await revisionsOf()).toEqual(before);
    // The first owner's upgrades never listed the peer's store.
    for (const id of ownUpgrades) {
      const { body } = await call<FleetUpgradeStatus>('GET', `/fleet/upgrades/${id}`);
      expect(body.waves.flatMap((wave) => wave.stores.map((store) => store.storeId))).not.toContain(peer.store);
    }

    const peerSees = (
      await call<{ upgrades: Array<{ id: string }> }>('GET', '/fleet/upgrades', undefined, peer.key)
    ).body.upgrades.map((u) => u.id);
    expect(peerSees).toEqual([peers.id]);
    expect((await call('GET', `/fleet/upgrades/${ownUpgrades[0]}`, undefined, peer.key)).status).toBe(404);
    expect((await call('POST', `/fleet/upgrades/${ownUpgrades[0]}/cancel`, undefined, peer.key)).status).toBe(404);
    expect((await call('GET', `/fleet/upgrades/${peers.id}`)).status).toBe(404);
    expect((await call('GET', `/stores/${peer.store}`)).status).toBe(404);
  });
});
