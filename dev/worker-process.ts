// The storefleet worker as a child of `npm start`: the same worker/main.ts a deployment runs, pointed
// at the local Temporal, cluster and helm.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './config.js';
import { startProcess, type ManagedProcess, type ProcessRegistry } from './process.js';

export interface WorkerProcessOptions {
  stateDir: string;
  registry: ProcessRegistry;
  temporalAddress: string;
  kubeconfigPath: string;
  helmBinary: string;
  metricsPort: number;
}

export function startWorkerProcess(options: WorkerProcessOptions): Promise<ManagedProcess> {
  const logDir = join(options.stateDir, 'logs');
  return startProcess({
    name: 'worker',
    command: process.execPath,
    args: ['--import', 'tsx', join(repoRoot, 'worker', 'main.ts')],
    cwd: repoRoot,
    logDir,
    registry: options.registry,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: options.temporalAddress,
      KUBECONFIG: options.kubeconfigPath,
      STOREFLEET_HELM_BIN: options.helmBinary,
      STOREFLEET_WORKER_METRICS: `127.0.0.1:${options.metricsPort}`,
    },
    // Ready once it polls its task queues, i.e. after bundling the workflows (a few seconds).
    isReady: () => Promise.resolve(isRunning(join(logDir, 'worker.log'))),
    readyTimeoutMs: 120_000,
  });
}

function isRunning(logFile: string): boolean {
  return existsSync(logFile) && readFileSync(logFile, 'utf8').includes('"msg":"worker running"');
}
