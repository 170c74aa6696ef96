// The local platform's servers: Temporal and a Kubernetes cluster (simulated, a real node on this
// machine, or the operator's own). `npm start` and the test harness both start them through here.
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { assertMachineCanRunLocalNode } from './cluster/local-checks.js';
import { summarizeRemoved } from './cluster/local-cleanup.js';
import { startLocalPlatform, type RunningLocalPlatform } from './cluster/local-platform.js';
import { startSimulatedCluster } from './cluster/simulated.js';
import { portSettings, type PlatformConfig, type PortName } from './config.js';
import { assertPortFree } from './ports.js';
import { ProcessRegistry, type ManagedProcess } from './process.js';
import { keepRestarting, type RestartingService } from './restarting.js';
import { ensureStoreCrd, ensureStoreObjectNamespace, localStoreObjectNamespace } from './store-crd.js';
import { startTemporal } from './temporal.js';
import type { Toolchain } from './toolchain/ensure.js';
import { startApi, startWorker } from './services.js';
import { loadKubeConfig } from '../activities/kube-config.js';

export interface PlatformOptions {
  /** Throwaway state: skip fsyncs (tests). */
  ephemeral?: boolean;
  /** Serve the Temporal Web UI (npm start does; tests do not need it). */
  temporalUi?: boolean;
  /** Also run the storefleet worker and API (npm start does; tests run them in-process). */
  services?: boolean;
  progress?: (line: string) => void;
}

export interface RunningPlatform {
  temporalAddress: string;
  temporalUiUrl: string | undefined;
  kubeconfigPath: string;
  /** Temporal and the cluster's processes: their state is on disk, so one that dies stops the platform. */
  processes: ManagedProcess[];
  /** storefleet's worker and API, restarted when they crash. */
  services: RestartingService[];
  /** Local mode: the ingress, the images, the worker settings. */
  local?: Pick<RunningLocalPlatform, 'ingressUrl' | 'ingressTlsUrl' | 'images' | 'workerEnv'>;
  stop(): Promise<void>;
}

export function processRegistry(stateDir: string): ProcessRegistry {
  return new ProcessRegistry(join(stateDir, 'pids.json'));
}

export async function startPlatform(
  config: PlatformConfig,
  toolchain: Toolchain,
  options: PlatformOptions = {},
): Promise<RunningPlatform> {
  const progress = options.progress ?? (() => undefined);
  const { ports } = config;
  const simulated = config.cluster.mode === 'simulated';
  const local = config.cluster.mode === 'local';
  // Before anything starts: a machine that cannot run a real node says so once, naming what is missing.
  if (local) assertMachineCanRunLocalNode();
  const needed: PortName[] = ['temporal', 'temporalHttp', 'temporalMetrics'];
  if (options.temporalUi) needed.push('temporalUi');
  if (options.services) needed.push('workerMetrics', 'api');
  if (simulated || local) needed.push('kubeApiserver', 'etcd', 'etcdPeer', 'controllerManager', 'scheduler');
  if (local) needed.push('ingress', 'ingressTls', 'kubelet', 'kubeletHealthz', 'kubeProxyHealthz', 'kubeProxyMetrics');
  for (const name of needed) await assertPortFree(ports[name], portSettings[name].what, portSettings[name].envVar);

  const registry = processRegistry(config.stateDir);
  const stops: Array<() => Promise<void>> = [];
  const processes: ManagedProcess[] = [];
  const restarting: RestartingService[] = [];
  const stop = async () => {
    for (const stopOne of stops.reverse()) await stopOne();
  };
  try {
    progress('starting Temporal dev server');
    const temporal = await startTemporal({
      binary: toolchain.temporal ?? 'temporal',
      stateDir: join(config.stateDir, 'temporal'),
      ports: {
        grpc: ports.temporal,
        http: ports.temporalHttp,
        metrics: ports.temporalMetrics,
        ...(options.temporalUi ? { ui: ports.temporalUi } : {}),
      },
      registry,
      ephemeral: options.ephemeral ?? false,
    });
    stops.push(() => temporal.process.stop());
    processes.push(temporal.process);

    let kubeconfigPath: string;
    let localPlatform: RunningLocalPlatform | undefined;
    // The control plane's ports, the same in both modes that run one.
    const controlPlanePorts = {
      apiserver: ports.kubeApiserver,
      etcd: ports.etcd,
      etcdPeer: ports.etcdPeer,
      controllerManager: ports.controllerManager,
      scheduler: ports.scheduler,
    };
    if (config.cluster.mode === 'local') {
      localPlatform = await startLocalPlatform({
        stateDir: join(config.stateDir, 'cluster'),
        cacheDir: config.cacheDir,
        toolchain,
        registry,
        ephemeral: options.ephemeral ?? false,
        ports: {
          ...controlPlanePorts,
          nodePorts: {
            kubelet: ports.kubelet,
            kubeletHealthz: ports.kubeletHealthz,
            kubeProxyHealthz: ports.kubeProxyHealthz,
            kubeProxyMetrics: ports.kubeProxyMetrics,
          },
          ingress: ports.ingress,
          ingressTls: ports.ingressTls,
        },
        progress: (line) => progress(`cluster: ${line}`),
      });
      const running = localPlatform;
      stops.push(async () => {
        progress('cluster: stopping the real node: deleting its pods, then its processes, then putting the host back');
        const removed = await running.stop();
        progress(`cluster: the host is as before; removed or restored: ${summarizeRemoved(removed)}`);
      });
      processes.push(...running.processes);
      kubeconfigPath = running.kubeconfigPath;
    } else if (config.cluster.mode === 'simulated') {
      const cluster = await startSimulatedCluster({
        stateDir: join(config.stateDir, 'cluster'),
        toolchain,
        registry,
        nodes: config.cluster.nodes,
        ephemeral: options.ephemeral ?? false,
        ports: controlPlanePorts,
        progress: (line) => progress(`cluster: ${line}`),
      });
      stops.push(() => cluster.stop());
      processes.push(...cluster.processes);
      kubeconfigPath = cluster.kubeconfigPath;
    } else {
      kubeconfigPath = config.cluster.kubeconfigPath;
      progress(`using the cluster of ${kubeconfigPath}`);
      await assertClusterReachable(kubeconfigPath);
    }
    // Our own clusters get the Store CRD; an operator's cluster gets it from the platform chart.
    if (config.cluster.mode !== 'kubeconfig') {
      progress('cluster: installing the Store CRD (stores.storefleet.io)');
      await ensureStoreCrd(kubeconfigPath);
      await ensureStoreObjectNamespace(kubeconfigPath);
    }
    if (options.services) {
      const services = {
        stateDir: config.stateDir,
        registry,
        temporalAddress: temporal.address,
        temporalUiUrl: temporal.uiUrl,
        kubeconfigPath,
        helmBinary: toolchain.helm ?? 'helm',
        ports: { workerMetrics: ports.workerMetrics, api: ports.api },
        storefrontCheck: !simulated,
        workerEnv: {
          ...(config.cluster.mode !== 'kubeconfig'
            ? { STOREFLEET_STORE_OBJECTS_NAMESPACE: localStoreObjectNamespace }
            : {}),
          ...localPlatform?.workerEnv,
        },
      };
      progress('starting the storefleet worker and API');
      for (const start of [startWorker, startApi]) {
        const service = keepRestarting(await start(services), () => start(services), progress);
        stops.push(() => service.stop());
        restarting.push(service);
      }
    }
    const localInfo = localPlatform && {
      ingressUrl: localPlatform.ingressUrl,
      ingressTlsUrl: localPlatform.ingressTlsUrl,
      images: localPlatform.images,
      workerEnv: localPlatform.workerEnv,
    };
    return {
      temporalAddress: temporal.address,
      temporalUiUrl: temporal.uiUrl,
      kubeconfigPath,
      processes,
      services: restarting,
      ...(localInfo ? { local: localInfo } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function assertClusterReachable(kubeconfigPath: string): Promise<void> {
  const kc = loadKubeConfig(kubeconfigPath);
  try {
    await kc.makeApiClient(CoreV1Api).listNamespace({ limit: 1 });
  } catch (error) {
    throw new Error(
      `cannot reach the cluster of ${kubeconfigPath} (context ${kc.getCurrentContext()}): ${(error as Error).message}`,
    );
  }
}
