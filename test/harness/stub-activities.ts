// Activities that touch no cluster, for testing the workflows' own rules: every step a store and its
// cleanup take succeeds at once, unless a test gives one store a behaviour of its own (a step that
// fails, or hangs until it is cancelled). Every call is recorded per store, in order. A fleet upgrade's
// activities are the real ones: they only talk to the store workflows.
import { setTimeout as sleep } from 'node:timers/promises';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { pino } from 'pino';
import { createFleetActivities } from '../../activities/fleet.js';
import type { StoreActivities } from '../../activities/index.js';
import { reasons } from '../../core/status.js';
import type { StoreSettings } from '../../core/settings.js';

type Steps = Pick<
  StoreActivities,
  | 'ensureNamespace'
  | 'applyGuardrails'
  | 'ensureAdminSecret'
  | 'helmUpgradeInstall'
  | 'rollbackRelease'
  | 'waitForReady'
  | 'uninstallRelease'
  | 'foreignNamespace'
  | 'deletePersistentVolumeClaims'
  | 'deleteNamespace'
  | 'namespaceDeletionStatus'
  | 'scaleStore'
  | 'checkStorefront'
  | 'checkChange'
  | 'restoreReleaseObjects'
  | 'checkWorkloads'
>;

/** A store's own behaviour for some steps: `(call) => ...` gets the how-manieth call of that step it is (1, 2, ...). */
export type StepScript = {
  [Name in keyof Steps]?: (call: number, ...args: Parameters<Steps[Name]>) => ReturnType<Steps[Name]>;
};

export const stubSettings: StoreSettings = {
  maxProvisionSeconds: 600,
  driftCheckSeconds: 3600,
  baseDomain: 'stores.test',
  historyEventLimit: 10_000,
  readModel: true,
  storefrontCheck: false,
};

/**
 * A step that runs until it is cancelled (a delete), heartbeating so that the cancellation reaches it.
 * The test server's clock stands still while an activity runs, so no timer ends it.
 */
export async function hangUntilCancelled(): Promise<never> {
  const context = Context.current();
  for (;;) {
    context.heartbeat();
    await Promise.race([sleep(200), context.cancelled]);
  }
}

export function stubActivities(settings: Partial<StoreSettings> = {}) {
  const scripts = new Map<string, StepScript>();
  const calls = new Map<string, string[]>();
  let revision = 0;

  const defaults: Steps = {
    ensureNamespace: () => Promise.resolve(),
    applyGuardrails: () => Promise.resolve({ restored: [] }),
    ensureAdminSecret: () => Promise.resolve({ secretName: 'store-admin' }),
    helmUpgradeInstall: (spec) =>
      Promise.resolve({
        name: `${spec.engine}-${spec.storeId}`,
        revision: ++revision,
        chartVersion: spec.chartVersion ?? '1.0.0',
      }),
    rollbackRelease: () => Promise.resolve({ revision: ++revision, rolledBack: true }),
    waitForReady: () =>
      Promise.resolve({
        summary: '3/3 workloads ready',
        commerce: { status: 'True', reason: reasons.CommerceReady, message: 'stub commerce' },
      }),
    uninstallRelease: () => Promise.resolve({ uninstalled: true }),
    foreignNamespace: () => Promise.resolve({}),
    deletePersistentVolumeClaims: () => Promise.resolve({ deleted: [] }),
    deleteNamespace: () => Promise.resolve({ deleted: true }),
    namespaceDeletionStatus: () => Promise.resolve({ gone: true }),
    scaleStore: () => Promise.resolve({ changed: ['deployment/web'] }),
    checkStorefront: () => Promise.resolve({ ok: true, summary: 'HTTP 200' }),
    restoreReleaseObjects: () => Promise.resolve({ restored: [] }),
    checkWorkloads: () => Promise.resolve({ ready: true, summary: '3/3 workloads ready' }),
    checkChange: () => Promise.resolve({ problems: [], chartFound: true }),
  };

  const storeIdOf = (first: unknown) => (first as { storeId?: string } | undefined)?.storeId ?? '?';
  const steps = Object.fromEntries(
    (Object.keys(defaults) as Array<keyof Steps>).map((name) => [
      name,
      (...args: unknown[]) => {
        const storeId = storeIdOf(args[0]);
        const made = calls.get(storeId) ?? [];
        calls.set(storeId, [...made, name]);
        const script = scripts.get(storeId)?.[name] as ((call: number, ...args: unknown[]) => unknown) | undefined;
        const call = made.filter((n) => n === name).length + 1;
        return script ? script(call, ...args) : (defaults[name] as (...args: unknown[]) => unknown)(...args);
      },
    ]),
  ) as Steps;

  const fleet = createFleetActivities({ log: pino({ level: 'silent' }) });
  const notStubbed = (name: string) => () =>
    Promise.reject(
      ApplicationFailure.nonRetryable(
        `activity ${name} is not stubbed: the store workflow rules should not need it`,
        'NotStubbed',
      ),
    );

  const activities: StoreActivities = {
    ...steps,
    loadSettings: () => Promise.resolve({ ...stubSettings, ...settings }),
    checkOrder: notStubbed('checkOrder'),
    ownerStoresInUse: notStubbed('ownerStoresInUse'),
    describeReservedStores: notStubbed('describeReservedStores'),
    // A fleet upgrade talks to its stores through Temporal only: the real activities, but the stores are
    // the ones its selector names (the test server has no visibility queries).
    ...fleet,
    selectFleetStores: (_engine, selector) => Promise.resolve(selector?.storeIds ?? []),
    readStoreUsage: notStubbed('readStoreUsage'),
    readFleetUsage: notStubbed('readFleetUsage'),
    planStore: notStubbed('planStore'),
    // No Store objects without storeObjectNamespace in the settings.
    publishStoreObject: notStubbed('publishStoreObject'),
    releaseStoreObject: notStubbed('releaseStoreObject'),
  };

  return {
    activities,
    /** Gives one store its own behaviour for some steps. */
    script: (storeId: string, script: StepScript) => scripts.set(storeId, script),
    /** The steps called for a store, in order. */
    callsOf: (storeId: string) => calls.get(storeId) ?? [],
  };
}

export type StubActivities = ReturnType<typeof stubActivities>;
