// storefleet's own processes as children of `npm start`: the worker and the API a deployment runs,
// pointed at the local Temporal, cluster and helm; their TypeScript sources through tsx, or the
// compiled JavaScript of `npm run build` (dist/) as the image runs it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './config.js';
import { startProcess, type ManagedProcess, type ProcessRegistry } from './process.js';

export interface ServicesOptions {
  stateDir: string;
  registry: ProcessRegistry;
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  kubeconfigPath: string;
  helmBinary: string;
  ports: { workerMetrics: number; api: number };
  /** Request Ready stores' storefronts: only where pods run real containers (not the simulated cluster). */
  storefrontCheck: boolean;
  /** More worker settings (local mode: base domain, chart values); they win over the ones above. */
  workerEnv?: Record<string, string>;
  /** More API settings (README "Settings"); they win over the ones above. */
  apiEnv?: Record<string, string>;
  /** Run dist/'s compiled worker and API (built beforehand) instead of the sources: what the image runs. */
  compiled?: boolean;
}

/**
 * node's arguments for a process's entry (`worker/main.ts`): its TypeScript source through tsx, or its
 * compiled file under `compiledDir` (dist/, or a copy of it laid out as the image).
 */
export const entryArgs = (entry: string, compiledDir?: string) =>
  compiledDir ? [join(compiledDir, entry.replace(/\.ts$/, '.js'))] : ['--import', 'tsx', join(repoRoot, entry)];

function startService(
  options: ServicesOptions,
  name: string,
  entry: string,
  env: Record<string, string>,
  isReady: () => Promise<boolean>,
): Promise<ManagedProcess> {
  return startProcess({
    name,
    command: process.execPath,
    args: entryArgs(entry, options.compiled ? join(repoRoot, 'dist') : undefined),
    cwd: repoRoot,
    logDir: join(options.stateDir, 'logs'),
    registry: options.registry,
    env: { ...process.env, TEMPORAL_ADDRESS: options.temporalAddress, ...env },
    isReady,
    readyTimeoutMs: 120_000,
  });
}

export function startWorker(options: ServicesOptions): Promise<ManagedProcess> {
  const logFile = join(options.stateDir, 'logs', 'worker.log');
  return startService(
    options,
    'worker',
    'worker/main.ts',
    {
      KUBECONFIG: options.kubeconfigPath,
      STOREFLEET_HELM_BIN: options.helmBinary,
      STOREFLEET_WORKER_METRICS: `127.0.0.1:${options.ports.workerMetrics}`,
      STOREFLEET_STOREFRONT_CHECK: options.storefrontCheck ? 'on' : 'off',
      ...options.workerEnv,
    },
    // Ready once it polls its task queues, i.e. after bundling the workflows (a few seconds).
    () => Promise.resolve(existsSync(logFile) && readFileSync(logFile, 'utf8').includes('"msg":"worker running"')),
  );
}

/** Where the API that startApi starts answers: it listens on the loopback address only. */
export const apiUrl = (port: number) => `http://127.0.0.1:${port}`;

export function startApi(options: ServicesOptions): Promise<ManagedProcess> {
  const url = apiUrl(options.ports.api);
  return startService(
    options,
    'api',
    'api/main.ts',
    {
      STOREFLEET_API_HOST: '127.0.0.1',
      STOREFLEET_API_PORT: String(options.ports.api),
      ...(options.temporalUiUrl ? { STOREFLEET_TEMPORAL_UI_URL: options.temporalUiUrl } : {}),
      ...options.apiEnv,
    },
    async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true,
  );
}
