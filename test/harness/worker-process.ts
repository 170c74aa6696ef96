// The real worker as its own process (worker/main.ts), so a test can SIGKILL it like a crash would.
import { execa, type ResultPromise } from 'execa';
import { inject } from 'vitest';
import { repoRoot } from '../../dev/config.js';
import { freePort } from '../../dev/ports.js';
import { eventually } from './clients.js';

export interface WorkerProcess {
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function startWorkerProcess(taskQueue: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  let output = '';
  const child: ResultPromise = execa(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: repoRoot,
    reject: false,
    all: true,
    env: {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      KUBECONFIG: inject('kubeconfigPath'),
      STOREFLEET_HELM_BIN: inject('toolchain').helm ?? 'helm',
      STOREFLEET_TASK_QUEUE: taskQueue,
      STOREFLEET_WORKER_METRICS: `127.0.0.1:${await freePort()}`,
      ...env,
    },
  });
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually('the worker process to run', () => (output.includes('"msg":"worker running"') ? true : undefined), 90_000);
  return {
    output: () => output,
    async kill(signal) {
      child.kill(signal);
      await child;
    },
  };
}
