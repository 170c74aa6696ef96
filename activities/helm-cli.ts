// Running helm against the store cluster, and the values every store release gets: shared by the
// release steps (helm.ts) and the dry-run plan (plan.ts), so both render exactly the same chart.
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { CancelledFailure } from '@temporalio/common';
import { execa } from 'execa';
import { adminSecretName, releaseName, storeUrl } from '../core/names.js';
import type { StoreSpec } from '../core/store-spec.js';
import type { ActivityDeps } from './deps.js';

export interface HelmResult {
  ok: boolean;
  output: string;
  stdout: string;
}

export function helmRunner(deps: ActivityDeps) {
  return async (args: string[], input?: string): Promise<HelmResult> => {
    const result = await execa(deps.helmBinary, args, {
      env: { KUBECONFIG: deps.kubeconfigPath },
      input,
      reject: false,
      all: true,
      cancelSignal: Context.current().cancellationSignal,
      // On SIGTERM the worker drains: a running helm must finish, not be killed with it.
      cleanup: false,
    });
    if (result.isCanceled) throw new CancelledFailure(`helm ${args[0]} cancelled`);
    // Not helm failing but helm not running at all (e.g. STOREFLEET_HELM_BIN points nowhere).
    if (result.exitCode === undefined) throw new Error(`could not run ${deps.helmBinary}: ${result.shortMessage}`);
    return { ok: result.exitCode === 0, output: result.all ?? '', stdout: result.stdout };
  };
}

/**
 * The release, its chart and its values (JSON for `-f -`: no file ever holds them). `host` is the
 * store's as the workflow recorded it; by default the one the settings give.
 */
export function storeRelease(deps: ActivityDeps, spec: StoreSpec, host = new URL(storeUrl(spec.storeId, deps.settings.baseDomain)).host) {
  return {
    name: releaseName(spec.engine, spec.storeId),
    chart: join(deps.chartsDir, spec.engine),
    values: JSON.stringify({ storeId: spec.storeId, host, plan: spec.plan, existingSecret: adminSecretName }),
  };
}
