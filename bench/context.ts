// One platform for the whole run, like the test harness's: Temporal and the simulated cluster on
// free ports in a temp state dir, the real worker and the real API each as its own process, as a
// deployment runs them (so their RSS and CPU are their own, and the benchmark's clients in this
// process share no event loop with the API they time), and the bare baseline beside them.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { loadKubeConfig } from '../activities/kube-config.js';
import { loadPlatformConfig, repoRoot } from '../dev/config.js';
import { processRegistry, startPlatform, type RunningPlatform } from '../dev/platform.js';
import { freePlatformPorts } from '../dev/ports.js';
import type { ManagedProcess } from '../dev/process.js';
import { apiUrl, startApi, startWorker, type ServicesOptions } from '../dev/services.js';
import { ensureToolchain } from '../dev/toolchain/ensure.js';
import { loadWorkerConfig, type WorkerConfig } from '../worker/config.js';
import { StoreApi } from './api-client.js';
import { bareStores, type BareStores } from './bare-store.js';
import { cpuSecondsOf } from './proc-stats.js';
import { progress } from './report.js';
import { installStartupDelays } from './startup-delays.js';

const simulatedNodes = 10;

/** The cap the fleet benchmark is specified with; the worker process inherits it. */
const maxConcurrentProvisions = '10';

export interface BenchContext {
  stateDir: string;
  /** The run's Temporal frontend, for baselines that call it straight. */
  temporalAddress: string;
  /** Temporal's Prometheus endpoint: what it counts of the calls it served. */
  temporalMetricsUrl: string;
  kubeConfig: KubeConfig;
  workerConfig: WorkerConfig;
  api: StoreApi;
  bare: BareStores;
  cores: number;
  worker(): ManagedProcess;
  /** A fresh worker process (same task queue), for figures that must not count earlier work. */
  restartWorker(): Promise<void>;
  /** CPU seconds used so far by everything of the run: platform, worker, API, this process, their helm children. */
  cpuSeconds(): number;
}

/** Everything the run started; safe to call more than once and after a partial start. */
export type StopBench = (outcome: 'passed' | 'failed') => Promise<void>;

export function createBenchState(): { stateDir: string; stop: StopBench; startContext: () => Promise<BenchContext> } {
  const stateDir = mkdtempSync(join(tmpdir(), 'storefleet-bench-'));
  const stops: Array<() => Promise<void>> = [];
  let stopping: Promise<void> | undefined;
  const stop: StopBench = (outcome) => {
    stopping ??= (async () => {
      for (const stopOne of stops.reverse())
        await stopOne().catch((error: unknown) => progress(`while stopping: ${String(error)}`));
      // Whatever started before a failure or Ctrl-C let us record its stop.
      await processRegistry(stateDir).cleanLeftovers();
      if (outcome === 'passed') rmSync(stateDir, { recursive: true, force: true });
      else progress(`logs kept in ${stateDir}`);
    })();
    return stopping;
  };
  return { stateDir, stop, startContext: () => startContext(stateDir, stops) };
}

async function startContext(stateDir: string, stops: Array<() => Promise<void>>): Promise<BenchContext> {
  const ports = await freePlatformPorts();
  const base = loadPlatformConfig();
  const toolchain = await ensureToolchain({ cacheDir: base.cacheDir, build: false });
  // Room for every store the run leaves Ready (the fleet's 50 through the API and 50 bare, per mode):
  // three simulated nodes of 32 CPUs fill up, and the last stores would wait Unschedulable.
  const cluster = { mode: 'simulated', nodes: simulatedNodes } as const;
  const platform: RunningPlatform = await startPlatform({ ...base, cluster, stateDir, ports }, toolchain, {
    ephemeral: true,
    progress: (line) => progress(line),
  });
  stops.push(() => platform.stop());

  const helmBinary = toolchain.helm ?? 'helm';
  process.env.MAX_CONCURRENT_PROVISIONS = maxConcurrentProvisions;
  const workerConfig = loadWorkerConfig({
    ...process.env,
    KUBECONFIG: platform.kubeconfigPath,
    STOREFLEET_HELM_BIN: helmBinary,
  });
  // The worker and the API run as the image runs them: compiled JavaScript, the workflow bundle prebuilt.
  progress('compiling the worker and the API (npm run build)');
  await execa('npm', ['run', 'build'], { cwd: repoRoot });
  const services: ServicesOptions = {
    compiled: true,
    stateDir,
    registry: processRegistry(stateDir),
    temporalAddress: platform.temporalAddress,
    temporalUiUrl: undefined,
    kubeconfigPath: platform.kubeconfigPath,
    helmBinary,
    ports: { workerMetrics: ports.workerMetrics, api: ports.api },
    // The simulated cluster's pods run no containers: nothing to request.
    storefrontCheck: false,
    // Limits far above the load, so the benchmark measures the API, not its rate limiter or quota.
    apiEnv: {
      STOREFLEET_TASK_QUEUE: workerConfig.temporal.taskQueue,
      STOREFLEET_STORES_PER_OWNER: '100000',
      STOREFLEET_RATE_LIMIT_PER_MINUTE: '1000000000',
      STOREFLEET_STREAMS_PER_OWNER: '1000',
    },
  };
  progress('starting the storefleet worker process');
  let worker = await startWorker(services);
  stops.push(() => worker.stop());

  progress('starting the storefleet API process');
  const api = await startApi(services);
  stops.push(() => api.stop());

  // The bare side runs the activities with the worker's kind of KubeConfig, so neither gets faster calls.
  const kubeConfig = loadKubeConfig(platform.kubeconfigPath);
  await installStartupDelays(kubeConfig);
  const platformPids = platform.processes.map((p) => p.pid);
  return {
    stateDir,
    temporalAddress: platform.temporalAddress,
    temporalMetricsUrl: `http://127.0.0.1:${ports.temporalMetrics}/metrics`,
    kubeConfig,
    workerConfig,
    api: new StoreApi(apiUrl(ports.api)),
    bare: bareStores({
      kubeConfig,
      kubeconfigPath: platform.kubeconfigPath,
      helmBinary,
      workerConfig,
      logFile: join(stateDir, 'logs', 'bare.log'),
    }),
    cores: availableParallelism(),
    worker: () => worker,
    async restartWorker() {
      await worker.stop();
      worker = await startWorker(services);
    },
    cpuSeconds: () => cpuSecondsOf([...platformPids, worker.pid, api.pid, process.pid]),
  };
}
