// Readiness against kubelet's own statuses, faked by kwok stages: an image the node may never pull fails
// the store at once, a crash loop is told in the timeline and lastError (kwok's pods have no logs, so
// without a log tail and without an error), and a setup Job that skipped WooCommerce leaves a Ready store
// that says it is no shop, and a database pod the apiserver refuses is named with the StatefulSet's
// FailedCreate event. No value of the store's Secret ends up in its history or the worker's log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namespaceName } from '../../core/names.js';
import { expectNoSecretShown, storeSecretValues } from '../harness/end-checks.js';
import { injectJobOutcome, injectPodFault, refuseStatefulSetPods } from '../harness/faults.js';
import { startStoreWorker, storeId, waitForPhase, type TestStoreWorker } from '../harness/store-worker.js';

let worker: TestStoreWorker;
// Long enough that failing fast is visibly not the deadline; the crash-loop case gets its own worker.
const maxProvisionSeconds = 90;
// ErrImageNeverPull must last this long (30 s by default; activities/readiness.test.ts covers the grace).
const fatalWaitGraceMs = 5_000;

beforeAll(async () => {
  worker = await startStoreWorker({ maxProvisionSeconds, fatalWaitGraceMs });
});
afterAll(() => worker.stop());

const secondsBetween = (events: Array<{ reason: string; time: string }>, from: string, to: string) =>
  (Date.parse(events.findLast((e) => e.reason === to)?.time ?? '') -
    Date.parse(events.findLast((e) => e.reason === from)?.time ?? '')) /
  1000;

describe('a store on kubelet statuses', () => {
  it("when an image is not on the node and may never be pulled (ErrImageNeverPull), then the store fails after a short grace, not at the deadline, naming pod, container and kubelet's message", async () => {
    const id = storeId('never');
    const message =
      'Container image "localhost/storefleet/wordpress:6.1.9-abc" is not present with pull policy of Never';
    const fault = await injectPodFault(namespaceName(id), 'ErrImageNeverPull', message);
    try {
      const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
      const failed = await waitForPhase(handle, 'Failed', 60_000);
      expect(failed.lastError).toMatch(
        new RegExp(
          `pod [a-z0-9-]+: container [a-z-]+: ErrImageNeverPull: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
        ),
      );
      expect(failed.conditions.find((c) => c.type === 'StoreReady')).toMatchObject({
        status: 'False',
        reason: 'ImageUnavailable',
      });
      expect(failed.events.at(-1)).toMatchObject({ type: 'Warning', reason: 'ImageUnavailable' });
      const waited = secondsBetween(failed.events, 'Progressing', 'ImageUnavailable');
      expect(waited).toBeGreaterThanOrEqual(fatalWaitGraceMs / 1000);
      expect(waited).toBeLessThan(maxProvisionSeconds / 2);
    } finally {
      await fault.remove();
    }
  });

  it('when the setup Job skipped WooCommerce, then the store is Ready as a site, CommerceReady False with the reason, and never called a shop', async () => {
    const id = storeId('skip');
    const reason =
      "wp plugin install: 'woocommerce' cannot be installed here: storefleet's wp stand-in never contacts wordpress.org";
    const outcome = await injectJobOutcome(namespaceName(id), `wordpress: done\nwoocommerce: skipped: ${reason}\n`);
    try {
      const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
      const ready = await waitForPhase(handle, 'Ready', 120_000);
      const commerce = ready.conditions.find((c) => c.type === 'CommerceReady');
      expect(commerce).toMatchObject({ status: 'False', reason: 'PluginUnavailable' });
      expect(commerce?.message).toMatch(
        /^setup Job [a-z0-9-]+ skipped WooCommerce, so the store is a WordPress site without a shop: /,
      );
      expect(commerce?.message).toContain(reason);
      expect(ready.conditions.find((c) => c.type === 'StoreReady')?.status).toBe('True');
      expect(ready.events.find((e) => e.reason === 'PluginUnavailable')).toMatchObject({ type: 'Warning' });
      const readyEvent = ready.events.findLast((e) => e.reason === 'StoreReady');
      expect(readyEvent?.message).toMatch(/but it is not a shop \(PluginUnavailable\)/);
      expect(readyEvent?.message).not.toMatch(/store is ready/);

      await expectNoSecretShown(worker.client, [id], await storeSecretValues(id), worker.logs);
    } finally {
      await outcome.remove();
    }
  });

  it('when the setup Job reported nothing (kwok runs no script), then CommerceReady is Unknown, not True', async () => {
    const id = storeId('plain');
    const handle = await worker.createStore({ storeId: id, engine: 'woocommerce' });
    const ready = await waitForPhase(handle, 'Ready', 120_000);
    expect(ready.conditions.find((c) => c.type === 'CommerceReady')).toMatchObject({
      status: 'Unknown',
      reason: 'SetupOutcomeUnknown',
    });
  });
});

describe('a store whose containers crash or whose pods are refused', () => {
  let crashWorker: TestStoreWorker;
  beforeAll(async () => {
    crashWorker = await startStoreWorker({ maxProvisionSeconds: 20 });
  });
  afterAll(() => crashWorker.stop());

  it('when a container crash-loops, then a ContainerCrashing Warning and lastError name it with its last exit; with no log to read (kwok), without a tail and without an error', async () => {
    const id = storeId('crash');
    const fault = await injectPodFault(namespaceName(id), 'CrashLoopBackOff');
    try {
      const handle = await crashWorker.createStore({ storeId: id, engine: 'woocommerce' });
      const failed = await waitForPhase(handle, 'Failed', 90_000);
      const crash =
        /pod [a-z0-9-]+: container [a-z-]+: CrashLoopBackOff: back-off 5m0s restarting failed container=[a-z-]+ \(restarted 5 times, last exit code 1: Error\)/;
      expect(failed.lastError).toMatch(crash);
      expect(failed.conditions.find((c) => c.type === 'StoreReady')).toMatchObject({
        status: 'False',
        reason: 'ProvisionTimeout',
      });
      const crashing = failed.events.filter((e) => e.reason === 'ContainerCrashing');
      expect(crashing.length).toBeGreaterThan(0);
      for (const event of crashing) {
        expect(event).toMatchObject({ type: 'Warning', message: expect.stringMatching(crash) as string });
        expect(event.message).not.toContain('last log lines');
      }
      // One event per crashing container, not one per look.
      expect(new Set(crashing.map((e) => e.message.split(': CrashLoopBackOff')[0])).size).toBe(crashing.length);
      expect(failed.lastError).not.toContain('last log lines');
      // The log was asked for, through the API, and not having one cost a bounded wait.
      const unread = crashWorker.logs
        .map((line) => JSON.parse(line) as { msg: string; ms?: number; error?: string })
        .filter((line) => line.msg.startsWith('no log tail'));
      expect(unread.length).toBeGreaterThan(0);
      for (const line of unread) expect(line.ms).toBeLessThan(6_000);
    } finally {
      await fault.remove();
    }
  });

  it('when the apiserver refuses the database pod, then lastError names the StatefulSet, that no pod was created, and the refusal from its FailedCreate event', async () => {
    const id = storeId('refused');
    const refusal = await refuseStatefulSetPods(namespaceName(id), 'storefleet test: database pods are refused here');
    try {
      const handle = await crashWorker.createStore({ storeId: id, engine: 'woocommerce' });
      const failed = await waitForPhase(handle, 'Failed', 90_000);
      expect(failed.conditions.find((c) => c.type === 'StoreReady')).toMatchObject({
        status: 'False',
        reason: 'ProvisionTimeout',
      });
      expect(failed.lastError).toMatch(
        /\(\d\/\d workloads ready\): statefulset [a-z0-9-]+-mariadb: FailedCreate: create Pod [a-z0-9-]+-mariadb-0 in StatefulSet [a-z0-9-]+-mariadb failed error: .*storefleet test: database pods are refused here/,
      );
    } finally {
      await refusal.remove();
    }
  });
});
