// The store workflow's own rules on the time-skipping test server with stub activities: what it does
// in each phase when asked to retry, delete, hibernate, wake or change, when its drift timer fires,
// which deadline it gives provisioning, and when it continues as new. No cluster, no helm: the
// tests through real parts (test/lifecycle) prove the steps work; these prove the decisions, in seconds.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  changeUpdate,
  deleteSignal,
  hibernateUpdate,
  retrySignal,
  statusQuery,
  wakeUpdate,
} from '../../core/messages.js';
import { checkIntervalMs } from '../../core/check-spread.js';
import { namespaceName, storeWorkflowId } from '../../core/names.js';
import type { Phase, StoreStatus } from '../../core/status.js';
import type { storeWorkflow } from '../../workflows/store.js';
import { eventually, uniqueName } from '../harness/clients.js';
import { hangUntilCancelled, stubSettings } from '../harness/stub-activities.js';
import { startRulesEnvironment, type RulesEnvironment } from '../harness/time-skipping.js';

// A history limit that a day of drift checks passes.
const settings = { historyEventLimit: 150 };
let rules: RulesEnvironment;
beforeAll(async () => {
  rules = await startRulesEnvironment(settings);
}, 60_000);
afterAll(() => rules?.stop());

async function startStore(prefix: string, script: Parameters<RulesEnvironment['stubs']['script']>[1] = {}) {
  const storeId = uniqueName(prefix);
  rules.stubs.script(storeId, script);
  const handle = await rules.client.workflow.start<typeof storeWorkflow>('storeWorkflow', {
    taskQueue: rules.taskQueue,
    workflowId: storeWorkflowId(storeId),
    args: [{ storeId, engine: 'woocommerce' }],
  });
  return { storeId, handle };
}

const inPhase = (handle: WorkflowHandle, phase: Phase) =>
  rules.untilStatus(handle, `phase ${phase}`, (s) => s.phase === phase);
const reasonsOf = (status: StoreStatus) => status.events.map((e) => e.reason);
const refusal = async (send: Promise<unknown>) => {
  const error = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  return ((error as WorkflowUpdateFailedError).cause as ApplicationFailure).message;
};
const change = { plan: 'medium' as const, by: 'rules test' };

describe('the store workflow on a skipped clock', () => {
  it('when a Ready store waits out its own drift interval, then the guardrails are applied again and a restored one is told as GuardrailsRestored', async () => {
    const { storeId, handle } = await startStore('drift', {
      applyGuardrails: (call) => Promise.resolve({ restored: call === 2 ? ['ResourceQuota/store-quota'] : [] }),
    });
    await inPhase(handle, 'Ready');
    // Its own share of the interval (75-125 %, by its id), so stores made together check apart.
    await rules.env.sleep(checkIntervalMs(storeId, stubSettings.driftCheckSeconds) + 1000);
    const status = await rules.untilStatus(handle, 'a GuardrailsRestored event', (s) =>
      reasonsOf(s).includes('GuardrailsRestored'),
    );
    expect(status.events.find((e) => e.reason === 'GuardrailsRestored')?.message).toBe(
      'recreated removed guardrails: ResourceQuota/store-quota',
    );
    expect(rules.stubs.callsOf(storeId).filter((c) => c === 'applyGuardrails')).toHaveLength(2);
    expect(status.phase).toBe('Ready');
  });

  it('when readiness is not reached by the deadline the workflow gave it (maxProvisionSeconds after the attempt began), then the store is Failed with ProvisionTimeout', async () => {
    const deadlines: string[] = [];
    const { handle } = await startStore('deadline', {
      waitForReady: (_call, _spec, { deadline }) => {
        deadlines.push(deadline);
        return Promise.reject(
          ApplicationFailure.nonRetryable(
            'not ready by the provisioning deadline (2/3 workloads ready): waiting for statefulset db',
            'ProvisionTimeout',
          ),
        );
      },
    });
    const failed = await inPhase(handle, 'Failed');
    expect(failed.conditions.find((c) => c.type === 'StoreReady')).toMatchObject({
      status: 'False',
      reason: 'ProvisionTimeout',
    });
    expect(failed.lastError).toBe(
      'not ready by the provisioning deadline (2/3 workloads ready): waiting for statefulset db',
    );
    const began = Date.parse(failed.events.find((e) => e.reason === 'Progressing')?.time ?? '');
    expect((Date.parse(deadlines[0] ?? '') - began) / 1000).toBeCloseTo(stubSettings.maxProvisionSeconds, 0);
  });

  it('when its namespace takes 35 s to terminate, then the delete ends Deleted at most a tenth later, having said what held it', async () => {
    let firstLook: number | undefined;
    const { storeId, handle } = await startStore('slow-ns', {
      // Gone 35 s (of the test server's clock) after the cleanup's first look, as when pods use up their grace period.
      namespaceDeletionStatus: () => {
        const scheduled = Context.current().info.scheduledTimestampMs;
        firstLook ??= scheduled;
        return Promise.resolve(
          scheduled - firstLook >= 35_000 ? { gone: true } : { gone: false, blockers: 'pods: 2 terminating' },
        );
      },
    });
    await inPhase(handle, 'Ready');
    await handle.signal(deleteSignal);
    // Waiting for the result lets the test server skip the cleanup's timers.
    const deleted = await handle.result();
    const timeOf = (reason: string) => Date.parse(deleted.events.find((e) => e.reason === reason)?.time ?? '');
    const waitedS = (timeOf('Deleted') - timeOf('NamespaceDeleting')) / 1000;
    expect(waitedS).toBeGreaterThanOrEqual(35);
    expect(waitedS).toBeLessThanOrEqual(35 * 1.1 + 1);
    expect(deleted.events.find((e) => e.reason === 'NamespaceStuck')?.message).toBe(
      `namespace ${namespaceName(storeId)} is still terminating: pods: 2 terminating`,
    );
  });
});

describe('retry', () => {
  it('when a store is Failed and retried, then it provisions again (attempt 2) and gets Ready; a retry of a Ready store is ignored with the reason', async () => {
    const { handle } = await startStore('retry', {
      helmUpgradeInstall: (call, spec) =>
        call === 1
          ? Promise.reject(ApplicationFailure.nonRetryable('the chart was rejected', 'InvalidChartValues'))
          : Promise.resolve({ name: `woocommerce-${spec.storeId}`, revision: 1, chartVersion: '1.0.0' }),
    });
    const failed = await inPhase(handle, 'Failed');
    expect(failed.lastError).toBe('the chart was rejected');
    await handle.signal(retrySignal);
    const ready = await inPhase(handle, 'Ready');
    expect(ready.attempts).toBe(2);
    await handle.signal(retrySignal);
    const ignored = await rules.untilStatus(handle, 'a RetryIgnored event', (s) =>
      reasonsOf(s).includes('RetryIgnored'),
    );
    expect(ignored.events.at(-1)?.message).toBe(
      'retry ignored: the store is Ready; only a Failed store can be retried',
    );
    expect(ignored.phase).toBe('Ready');
  });
});

describe('changes', () => {
  it('when a store is Provisioning, then hibernate, wake and change are refused, each with its reason', async () => {
    const { handle } = await startStore('busy', { ensureNamespace: () => hangUntilCancelled() });
    await inPhase(handle, 'Provisioning');
    expect(await refusal(handle.executeUpdate(hibernateUpdate, { args: [{ by: 'rules test' }] }))).toBe(
      'the store is Provisioning; only a Ready store can hibernate',
    );
    expect(await refusal(handle.executeUpdate(wakeUpdate, { args: [{ by: 'rules test' }] }))).toBe(
      'the store is Provisioning; only a Hibernated store can wake',
    );
    expect(await refusal(handle.executeUpdate(changeUpdate, { args: [change] }))).toBe(
      'the store is Provisioning; only a Ready store can change its plan or chart',
    );
    await handle.signal(deleteSignal);
  });

  it('when a Ready store hibernates, then a change is refused until it wakes, and then accepted', async () => {
    const { storeId, handle } = await startStore('sleepy');
    await inPhase(handle, 'Ready');
    await handle.executeUpdate(hibernateUpdate, { args: [{ by: 'rules test' }] });
    await inPhase(handle, 'Hibernated');
    expect(await refusal(handle.executeUpdate(changeUpdate, { args: [change] }))).toBe(
      'the store is Hibernated; only a Ready store can change its plan or chart',
    );
    await handle.executeUpdate(wakeUpdate, { args: [{ by: 'rules test' }] });
    await inPhase(handle, 'Ready');
    await handle.executeUpdate(changeUpdate, { args: [change] });
    const changed = await rules.untilStatus(
      handle,
      'plan medium, Ready',
      (s) => s.phase === 'Ready' && s.plan === 'medium',
    );
    expect(changed.plan).toBe('medium');
    expect(rules.stubs.callsOf(storeId).filter((c) => c === 'scaleStore')).toHaveLength(2);
  });
});

describe('delete', () => {
  const reach: Record<
    string,
    {
      script: Parameters<RulesEnvironment['stubs']['script']>[1];
      phase: Phase;
      then?: (handle: WorkflowHandle) => Promise<unknown>;
    }
  > = {
    Provisioning: { script: { ensureNamespace: () => hangUntilCancelled() }, phase: 'Provisioning' },
    Failed: {
      script: {
        helmUpgradeInstall: async () =>
          Promise.reject(ApplicationFailure.nonRetryable('rejected', 'InvalidChartValues')),
      },
      phase: 'Failed',
    },
    Ready: { script: {}, phase: 'Ready' },
    Hibernated: {
      script: {},
      phase: 'Ready',
      then: (handle) => handle.executeUpdate(hibernateUpdate, { args: [{ by: 'rules test' }] }),
    },
    Upgrading: {
      script: {
        helmUpgradeInstall: async (call, spec) =>
          call === 1
            ? { name: `woocommerce-${spec.storeId}`, revision: 1, chartVersion: '1.0.0' }
            : hangUntilCancelled(),
      },
      phase: 'Ready',
      then: (handle) => handle.executeUpdate(changeUpdate, { args: [change] }),
    },
  };

  it.each(Object.entries(reach))(
    'when the store is %s and deleted, then the cleanup child runs and it ends Deleted',
    async (phase, { script, phase: first, then }) => {
      const { storeId, handle } = await startStore(`del-${phase.toLowerCase()}`, script);
      await inPhase(handle, first);
      await then?.(handle);
      await inPhase(handle, phase as Phase);
      await handle.signal(deleteSignal);
      // Watched by query, with the clock held: while the running step is being cancelled the test server
      // would otherwise fire the attempt's timer too, which a real server never does after its cancel.
      await inPhase(handle, 'Deleted');
      const deleted = await handle.result();
      expect(reasonsOf(deleted)).toContain('DeleteRequested');
      expect(rules.stubs.callsOf(storeId).slice(-4)).toEqual([
        'uninstallRelease',
        'deletePersistentVolumeClaims',
        'deleteNamespace',
        'namespaceDeletionStatus',
      ]);
    },
  );
});

describe('continue-as-new', () => {
  // A test server of its own: the deletes above end workflows while an activity may still be outstanding,
  // and the test server can then keep that activity's time-skipping lock for good (temporalio/sdk-java
  // issue 1138), after which the day of skipped time below would pass in real time (seen in full runs).
  beforeAll(async () => {
    await rules.stop();
    rules = await startRulesEnvironment(settings);
  }, 60_000);

  it('when the history reaches its limit, then the store continues as new with its status intact and still answers', async () => {
    const { handle } = await startStore('long');
    const ready = await inPhase(handle, 'Ready');
    const firstRun = (await handle.describe()).runId;
    // Each drift check adds about ten events; a day of them passes the limit.
    await rules.env.sleep(24 * stubSettings.driftCheckSeconds * 1000);
    await eventually(
      'a new run of the store workflow',
      async () => ((await handle.describe()).runId !== firstRun ? true : undefined),
      20_000,
    );
    const status = await handle.query(statusQuery);
    expect(status).toMatchObject({ phase: 'Ready', readyAt: ready.readyAt, attempts: 1 });
  });
});
