// The real worker as its own process (worker/main.ts) in a process group of its own, so a test can
// SIGKILL it together with the helm it runs, like a crash or an OOM kill of its container would.
import { execa, type ResultPromise } from 'execa';
import { inject } from 'vitest';
import { repoRoot } from '../../dev/config.js';
import { freePort } from '../../dev/ports.js';
import { liveProcesses, signalGroup } from '../../dev/process.js';
import { entryArgs } from '../../dev/services.js';
import { eventually } from './clients.js';

export interface WorkerProcess {
  /** The worker's pid, also its process group's id. */
  pid: number;
  output(): string;
  /** The command lines of the group's processes other than the worker itself (helm, while it runs). */
  children(): string[];
  /** Signals the whole group and waits for the worker to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Signals the worker alone, as Kubernetes signals a container's first process, and says how it ended. */
  stop(signal: NodeJS.Signals): Promise<{ exitCode: number | undefined; signal: string | undefined }>;
}

/** Live processes whose process group is `group`, as `pid command line`. */
const groupMembers = (group: number) =>
  liveProcesses().flatMap((p) => (p.pgrp === group ? [`${p.pid} ${p.cmdline}`] : []));

/** How to run the worker: its TypeScript sources under tsx by default, or the compiled files in `compiledIn`. */
export type WorkerLaunch = { compiledIn?: string };

export async function startWorkerProcess(
  taskQueue: string,
  env: Record<string, string> = {},
  launch: WorkerLaunch = {},
): Promise<WorkerProcess> {
  let output = '';
  const child: ResultPromise = execa(process.execPath, entryArgs('worker/main.ts', launch.compiledIn), {
    cwd: launch.compiledIn ?? repoRoot,
    reject: false,
    all: true,
    detached: true,
    // A stop waits for the tasks in flight to end: not cut short by execa's SIGKILL 5 s after a SIGTERM.
    forceKillAfterDelay: 60_000,
    env: {
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      KUBECONFIG: inject('kubeconfigPath'),
      STOREFLEET_HELM_BIN: inject('toolchain').helm ?? 'helm',
      STOREFLEET_TASK_QUEUE: taskQueue,
      STOREFLEET_WORKER_METRICS: `127.0.0.1:${await freePort()}`,
      // Running the sources: the run's bundle (test/harness/global-setup.ts), not one more webpack run
      // (~2 s of CPU) per start. Compiled, the worker loads the bundle built beside it, as in the image.
      ...(launch.compiledIn ? {} : { STOREFLEET_WORKFLOW_BUNDLE: inject('workflowBundlePath') }),
      ...env,
    },
  });
  const group = child.pid ?? -1;
  child.all?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await eventually(
    'the worker process to run',
    () => (output.includes('"msg":"worker running"') ? true : undefined),
    90_000,
  );
  return {
    pid: group,
    output: () => output,
    children: () => groupMembers(group).filter((member) => !member.startsWith(`${group} `)),
    async kill(signal) {
      signalGroup(group, signal);
      await child;
    },
    async stop(signal) {
      child.kill(signal);
      const ended = await child;
      return { exitCode: ended.exitCode, signal: ended.signal };
    },
  };
}
