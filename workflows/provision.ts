// Provisioning, one attempt: namespace, guardrails, Secret, helm, readiness, within the store's
// deadline; Ready with its URL, or Failed with the reason the step gave (or ProvisionTimeout when the
// attempt's timer cancels a step that hangs). A delete cancels the attempt and decides nothing here.
import { ApplicationFailure, rootCause } from '@temporalio/common';
import { CancellationScope, isCancellation, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { provisioningSteps, StoreActivities } from '../activities/index.js';
import { failureTypes } from '../core/failures.js';
import { adminUrl, namespaceName, releaseAddress, storeUrl } from '../core/names.js';
import type { StoreSettings } from '../core/settings.js';
import { reasons, type StoreStatus } from '../core/status.js';
import type { StoreSpec } from '../core/store-spec.js';
import { storeMetrics } from './options.js';
import {
  failOpenConditions,
  readyMessage,
  recordCommerce,
  recordEvent,
  setCondition,
  transition,
} from './store-status.js';
import type { StoreRun } from './store-run.js';
import { checkStorefront } from './storefront-check.js';

export interface ProvisionRun extends StoreRun {
  /** The steps before helm, taking the helm queue's slots in turn (options.ts, provisioningPriority). */
  steps: Pick<ActivityInterfaceFor<StoreActivities>, (typeof provisioningSteps)[number]>;
  settings: StoreSettings;
  /** The store workflow's first run id: labels what this store makes (see ensureNamespace). */
  incarnation: string;
}

const now = () => new Date().toISOString();

/** Failed, with the reason on every condition still open and as a Warning event. */
export function failStore(status: StoreStatus, reason: string, message: string): void {
  status.lastError = message;
  failOpenConditions(status, reason, message, now());
  transition(status, 'Failed', { type: 'Warning', reason, message }, now());
  storeMetrics.failures().add(1, { reason });
}

/** One attempt; returns the spec, which keeps the chart version the release was first deployed with. */
export async function provisionStore(run: ProvisionRun): Promise<StoreSpec> {
  const { status, settings } = run;
  let spec = run.spec;
  const started = new Date();
  const deadline = new Date(started.getTime() + settings.maxProvisionSeconds * 1000);
  recordEvent(
    status,
    { type: 'Normal', reason: reasons.Progressing, message: `provisioning attempt ${status.attempts}` },
    now(),
  );
  // The scope's timer is the backstop for a step that hangs; waitForReady reports its own timeout
  // a little earlier with the finding that kept the store from being ready.
  const scope = new CancellationScope({ cancellable: true, timeout: settings.maxProvisionSeconds * 1000 + 2000 });
  run.track(scope);
  try {
    await scope.run(() => provisionSteps(run, deadline, (deployed) => (spec = deployed)));
    status.readyAt = now();
    status.lastError = undefined;
    transition(status, 'Ready', { type: 'Normal', reason: reasons.StoreReady, message: readyMessage(status) }, now());
    storeMetrics.provisioningSeconds().record((new Date().getTime() - started.getTime()) / 1000);
    await checkStorefront(run.kube, spec, status, settings.storefrontCheck ?? false);
  } catch (error) {
    if (run.deleteRequested()) return spec;
    if (isCancellation(error))
      failStore(
        status,
        reasons.ProvisionTimeout,
        `provisioning did not finish within ${settings.maxProvisionSeconds}s`,
      );
    else failStore(status, failureReason(error), rootCause(error) ?? String(error));
  } finally {
    run.track(undefined);
  }
  return spec;
}

/** `deployed` gets the spec with the chart version helm deployed, kept even if readiness then fails. */
async function provisionSteps(run: ProvisionRun, deadline: Date, deployed: (spec: StoreSpec) => void): Promise<void> {
  const { steps, helm, status, incarnation } = run;
  let spec = run.spec;
  await steps.ensureNamespace(spec, incarnation);
  setCondition(
    status,
    'NamespaceReady',
    'True',
    reasons.NamespaceCreated,
    `namespace ${namespaceName(spec.storeId)} exists`,
    now(),
  );
  await steps.applyGuardrails(spec);
  setCondition(
    status,
    'GuardrailsApplied',
    'True',
    reasons.GuardrailsApplied,
    `quota, limits and network policies of plan ${spec.plan} applied`,
    now(),
  );
  const { secretName } = await steps.ensureAdminSecret(spec, incarnation);
  recordEvent(
    status,
    { type: 'Normal', reason: reasons.SecretReady, message: `admin credentials in Secret ${secretName}` },
    now(),
  );
  const url = storeUrl(spec.storeId, run.settings.baseDomain, run.settings.storeHttps);
  const release = await helm.helmUpgradeInstall(spec, releaseAddress(url));
  // The store keeps the chart version it was first deployed with until a change asks for another.
  if (release.chartVersion) spec = { ...spec, chartVersion: release.chartVersion };
  deployed(spec);
  Object.assign(status, { chartVersion: release.chartVersion, revision: release.revision });
  setCondition(
    status,
    'ReleaseDeployed',
    'True',
    reasons.ReleaseDeployed,
    `release ${release.name} revision ${release.revision}${release.recovered ? ` (${release.recovered})` : ''}`,
    now(),
  );
  const readiness = await helm.waitForReady(spec, { deadline: deadline.toISOString() });
  setCondition(status, 'StoreReady', 'True', reasons.StoreReady, readiness.summary, now());
  // Status only, no command: replays of histories from before it stay deterministic.
  recordCommerce(status, readiness.commerce, now());
  status.url = url;
  status.adminUrl = adminUrl(spec.engine, url);
}

/** The failure type an activity raised on purpose (e.g. QuotaExceeded), else a generic reason. */
function failureReason(error: unknown): string {
  let cause: unknown = error;
  while (cause instanceof Error) {
    if (cause instanceof ApplicationFailure && cause.type && cause.type in failureTypes) return cause.type;
    cause = cause.cause;
  }
  return reasons.ProvisionFailed;
}
