// A plan change or chart upgrade of a Ready store. While old and new pods overlap the namespace gets
// the quota of the larger plan; then `helm upgrade`, readiness, and the new plan's quota. On failure
// the release goes back to the revision it had (`helm rollback`) and the store stays Ready on its old
// plan and chart with the failure recorded; only a rollback that fails too leaves it Failed.
import { rootCause } from '@temporalio/common';
import { CancellationScope, isCancellation } from '@temporalio/workflow';
import type { ReleaseAddress } from '../core/names.js';
import { planNames } from '../core/plans.js';
import { reasons, type ChangeOutcome, type StoreStatus } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { upsertStoreSearchAttributes } from './search-attributes.js';
import type { StoreRun } from './store-run.js';
import { recordCommerce, recordEvent, setCondition, transition } from './store-status.js';

export interface UpgradeRun extends StoreRun {
  /** What the store should run. */
  target: StoreSpec;
  /** The store's lastChange, recorded when the change was accepted (acceptChange). */
  change: ChangeOutcome;
  /** Where the store is served (host and TLS), from its recorded URL. */
  address: ReleaseAddress;
  /** Bounds the upgrade and, again, the rollback (the provisioning deadline). */
  maxSeconds: number;
  fail: (reason: string, message: string) => void;
}

const now = () => new Date().toISOString();
const larger = (a: StoreSpec, b: StoreSpec) => (planNames.indexOf(b.plan) > planNames.indexOf(a.plan) ? b : a);

/** e.g. "plan small -> medium, chart 0.1.0 -> 0.2.0": only what changes. */
export function describeChange(
  from: { plan: string; chartVersion?: string },
  to: { plan: string; chartVersion?: string },
): string {
  const parts = [];
  if (from.plan !== to.plan) parts.push(`plan ${from.plan} -> ${to.plan}`);
  if (to.chartVersion !== undefined && from.chartVersion !== to.chartVersion)
    parts.push(`chart ${from.chartVersion ?? 'as shipped'} -> ${to.chartVersion}`);
  return parts.join(', ') || 'no change';
}

/**
 * Records an accepted change as the store's lastChange, Upgrading from this moment: whoever asks the
 * store sees at once that a change is under way and who asked for it.
 */
export function acceptChange(
  status: StoreStatus,
  spec: StoreSpec,
  target: StoreSpec,
  requestedBy: string,
): ChangeOutcome {
  const change: ChangeOutcome = {
    requestedBy,
    from: { plan: spec.plan, chartVersion: status.chartVersion, revision: status.revision },
    to: { plan: target.plan, chartVersion: target.chartVersion ?? status.chartVersion },
    result: 'Upgrading',
    message: describeChange({ plan: spec.plan, chartVersion: status.chartVersion }, target),
    startedAt: now(),
  };
  status.lastChange = change;
  transition(
    status,
    'Upgrading',
    { type: 'Normal', reason: reasons.ChangeRequested, message: `${change.message} requested by ${requestedBy}` },
    now(),
  );
  return change;
}

/** Ends a change that is still under way without having run it to the end (the store is being deleted). */
export function abandonChange(change: ChangeOutcome, why: string): void {
  if (change.result === 'Upgrading')
    Object.assign(change, { result: 'Failed', message: `${change.message}: not finished, ${why}`, finishedAt: now() });
}

/** Returns the spec the store runs afterwards: the target, or the old one after a rollback. */
export async function upgradeStore(run: UpgradeRun): Promise<StoreSpec> {
  const { spec, target, status, change, kube, helm } = run;
  const what = change.message;
  recordEvent(
    status,
    {
      type: 'Normal',
      reason: reasons.Progressing,
      message: `upgrading: ${what} (from revision ${change.from.revision ?? 'unknown'})`,
    },
    now(),
  );
  // A second upsert of what acceptChange's transition sent: every recorded upgrade has it, so it stays.
  upsertStoreSearchAttributes(status);

  const within = async <T>(work: (deadline: string) => Promise<T>): Promise<T> => {
    const deadline = new Date(new Date().getTime() + run.maxSeconds * 1000).toISOString();
    const scope = new CancellationScope({ cancellable: true, timeout: run.maxSeconds * 1000 + 2000 });
    run.track(scope);
    try {
      return await scope.run(() => work(deadline));
    } finally {
      run.track(undefined);
    }
  };
  const finish = (result: ChangeOutcome['result'], message: string) => {
    Object.assign(change, { result, message, revision: status.revision, finishedAt: now() });
  };
  const why = (error: unknown) =>
    isCancellation(error) ? `not ready within ${run.maxSeconds}s` : (rootCause(error) ?? String(error));

  try {
    const release = await within(async (deadline) => {
      await kube.applyGuardrails(larger(spec, target));
      const deployed = await helm.helmUpgradeInstall(target, run.address);
      const ready = await helm.waitForReady(target, { deadline });
      if (target.plan !== spec.plan) await kube.applyGuardrails(target);
      return { ...deployed, commerce: ready.commerce };
    });
    Object.assign(status, { plan: target.plan, chartVersion: release.chartVersion, revision: release.revision });
    setCondition(
      status,
      'ReleaseDeployed',
      'True',
      reasons.ReleaseDeployed,
      `release ${release.name} revision ${release.revision} (chart ${release.chartVersion}, plan ${target.plan})`,
      now(),
    );
    // A new setup Job may have run (changed values): what it said about the shop.
    recordCommerce(status, release.commerce, now());
    finish('Upgraded', `${what}: revision ${release.revision} is ready`);
    transition(
      status,
      'Ready',
      { type: 'Normal', reason: reasons.Upgraded, message: `${what}: release revision ${release.revision} is ready` },
      now(),
    );
    return { ...target, chartVersion: release.chartVersion };
  } catch (error) {
    if (run.deleteRequested()) return spec;
    const failure = why(error);
    recordEvent(
      status,
      {
        type: 'Warning',
        reason: reasons.UpgradeFailed,
        message: `${what} failed: ${failure}; rolling back to revision ${change.from.revision ?? 'before'}`,
      },
      now(),
    );
    try {
      const rollback = await within(async (deadline) => {
        const back = await helm.rollbackRelease(spec, { revision: change.from.revision });
        await kube.applyGuardrails(spec);
        const ready = await helm.waitForReady(spec, { deadline });
        return { ...back, commerce: ready.commerce };
      });
      status.revision = rollback.revision;
      recordCommerce(status, rollback.commerce, now());
      setCondition(
        status,
        'ReleaseDeployed',
        'True',
        reasons.RolledBack,
        `release rolled back to revision ${change.from.revision ?? 'before'} as revision ${rollback.revision} after: ${failure}`,
        now(),
      );
      finish(
        'RolledBack',
        `${what} failed (${failure}); rolled back, the store runs plan ${spec.plan}, chart ${status.chartVersion ?? 'as shipped'}`,
      );
      transition(status, 'Ready', { type: 'Warning', reason: reasons.RolledBack, message: change.message }, now());
    } catch (rollbackError) {
      if (run.deleteRequested()) return spec;
      const message = `${what} failed (${failure}) and the rollback failed too: ${why(rollbackError)}`;
      finish('Failed', message);
      run.fail(reasons.RollbackFailed, message);
    }
    return spec;
  }
}
