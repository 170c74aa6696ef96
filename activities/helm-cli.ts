// Running helm against the store cluster, and the values every store release gets: shared by the
// release steps (helm.ts) and the dry-run plan (plan.ts), so both render exactly the same chart.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { loadYaml } from '@kubernetes/client-node';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { failureTypes } from '../core/failures.js';
import { execa } from 'execa';
import { adminSecretName, releaseAddress, releaseName, storeUrl, type ReleaseAddress } from '../core/names.js';
import type { Engine, StoreSpec } from '../core/store-spec.js';
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

export interface ChartRef {
  /** What helm installs: a chart directory or a packaged chart. */
  path: string;
  version: string;
}

/** The chart versions of an engine in the charts directory, the unpacked chart first. */
export function chartVersions(chartsDir: string, engine: Engine): ChartRef[] {
  const unpacked = join(chartsDir, engine);
  const chartYaml = loadYaml<{ version?: string }>(readFileSync(join(unpacked, 'Chart.yaml'), 'utf8'));
  const packaged = readdirSync(chartsDir)
    .map((file) => new RegExp(`^${engine}-(\\d+\\.\\d+\\.\\d+.*)\\.tgz$`).exec(file))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ path: join(chartsDir, match[0]), version: match[1]! }));
  return [
    { path: unpacked, version: String(chartYaml.version) },
    ...packaged.filter((chart) => chart.version !== String(chartYaml.version)),
  ];
}

/**
 * The engine's chart at `version`: the unpacked `<engine>/` chart when it is that version (or none is
 * asked for), else the `<engine>-<version>.tgz` that `helm package` wrote into the charts directory.
 */
export function chartOf(chartsDir: string, engine: Engine, version?: string): ChartRef {
  const available = chartVersions(chartsDir, engine);
  const chart = version === undefined ? available[0] : available.find((candidate) => candidate.version === version);
  if (!chart) {
    throw ApplicationFailure.create({
      type: failureTypes.ChartVersionNotFound,
      message: `no ${engine} chart ${version} in the charts directory; available: ${available.map((c) => c.version).join(', ')}`,
      nonRetryable: true,
    });
  }
  return chart;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `over` merged into `base`, mappings key by key (as helm merges values files); anything else replaced. */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const merged = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const current = merged[key];
    merged[key] = isObject(current) && isObject(value) ? mergeValues(current, value) : value;
  }
  return merged;
}

/**
 * The release, its chart and its values (JSON for `-f -`: no file ever holds them). `address` (host,
 * and whether the Ingress has TLS) comes from the store's URL as the workflow recorded it; by default
 * the one the settings give. The installation's values for the engine (STOREFLEET_CHART_VALUES_FILE
 * and the cluster's knobs) go beneath the store's own.
 */
export function storeRelease(
  deps: Pick<ActivityDeps, 'chartsDir' | 'chartValues' | 'settings'>,
  spec: StoreSpec,
  address: ReleaseAddress = releaseAddress(storeUrl(spec.storeId, deps.settings.baseDomain, deps.settings.storeHttps)),
) {
  const chart = chartOf(deps.chartsDir, spec.engine, spec.chartVersion);
  const own = {
    storeId: spec.storeId,
    host: address.host,
    plan: spec.plan,
    existingSecret: adminSecretName,
    ingress: { tls: { enabled: address.https === true } },
  };
  return {
    name: releaseName(spec.engine, spec.storeId),
    chart: chart.path,
    chartVersion: chart.version,
    values: JSON.stringify(mergeValues(deps.chartValues?.[spec.engine] ?? {}, own)),
  };
}
