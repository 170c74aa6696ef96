// A real Kubernetes control plane on 127.0.0.1 (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler) whose nodes and pods are faked by kwok: Deployments and StatefulSets get Ready pods,
// Jobs complete, namespaces finalize, and a fake provisioner binds PVCs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { startControlPlane, type ClusterPorts, type RunningControlPlane } from './control-plane.js';
import { countReadyNodes, createFakeNodes, KWOK_NODE_ANNOTATION } from './fake-nodes.js';
import { createDefaultStorageClass, runFakeProvisioner } from './fake-storage.js';
import { installStages } from './stages.js';
import { waitUntilNothingMissing } from '../polling.js';
import { startProcess, type ManagedProcess, type ProcessRegistry } from '../process.js';
import type { Toolchain } from '../toolchain/ensure.js';
import { loadKubeConfig } from '../../activities/kube-config.js';

export type { ClusterPorts };

export interface SimulatedClusterOptions {
  stateDir: string;
  toolchain: Toolchain;
  ports: ClusterPorts;
  registry: ProcessRegistry;
  nodes?: number;
  /** Skip etcd's fsync: fine for throwaway test clusters, not for state you want to keep. */
  ephemeral?: boolean;
  progress?: (line: string) => void;
  /** How long kwok may leave a node unready before it is restarted (a normal start takes seconds). */
  kwokStallMs?: number;
}

export interface RunningCluster {
  kubeconfigPath: string;
  server: string;
  processes: ManagedProcess[];
  /** Stops kube-apiserver alone, as an outage would: etcd, the controllers and kwok keep running. */
  stopApiserver(): Promise<void>;
  /** Starts it again on the same port, etcd and certificates; resolves once it serves. */
  startApiserver(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSimulatedCluster(options: SimulatedClusterOptions): Promise<RunningCluster> {
  const { stateDir, toolchain, registry } = options;
  const progress = options.progress ?? (() => undefined);
  const kwokStallMs = options.kwokStallMs ?? 40_000;
  const bin = (name: string) => toolchain[name] ?? name;
  const logDir = join(stateDir, 'logs');
  const provisionerStop = new AbortController();
  let provisioner: Promise<void> | undefined;
  let controlPlane: RunningControlPlane | undefined;

  const stop = async () => {
    provisionerStop.abort();
    await provisioner;
    // The control plane stops kwok first: it is last in the same process list.
    await controlPlane?.stop();
  };

  try {
    controlPlane = await startControlPlane({
      ...options,
      progress,
      // Seen in the logs after an apiserver restart (test/faults/apiserver-outage.test.ts): a StatefulSet's
      // volume claim refused as over quota by usage the quota controller had counted from stale caches,
      // which only its next full recount (every 5 min by default) corrects, past the store's deadline; and
      // kwok's node, whose lease cannot be renewed while the apiserver is down, NotReady for 45 s. Recount
      // every 15 s, and give nodes a grace past any outage a test makes (nothing here tests node failure).
      controllerManagerArgs: ['--resource-quota-sync-period=15s', '--node-monitor-grace-period=5m'],
    });
    const { kubeconfigPath, server, processes, stopApiserver, startApiserver } = controlPlane;
    const kc = loadKubeConfig(kubeconfigPath);
    // Stages live in the cluster (not kwok's --config) so tests can add faults and delays at runtime.
    progress('installing kwok stages');
    await installStages(kc);

    progress('starting kwok (fake nodes and pods)');
    const kwokConfig = join(stateDir, 'kwok.yaml');
    mkdirSync(stateDir, { recursive: true });
    // With --enable-crds=Stage kwok refuses stages in this file and loads no built-in ones.
    writeFileSync(kwokConfig, 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n');
    const startKwok = () =>
      startProcess({
        name: 'kwok',
        command: bin('kwok'),
        args: [
          `--kubeconfig=${kubeconfigPath}`,
          `--config=${kwokConfig}`,
          `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
          '--cidr=10.244.0.1/16',
          '--node-ip=127.0.0.1',
          '--node-lease-duration-seconds=40',
          '--enable-crds=Stage',
        ],
        logDir,
        registry,
        // kwok serves nothing by default; it is ready when it runs, and the nodes going Ready below proves it.
        isReady: () => Promise.resolve(true),
      });
    let kwok = await startKwok();
    let kwokStartedAt = Date.now();
    processes.push(kwok);

    const nodeCount = options.nodes ?? 3;
    await createFakeNodes(kc, nodeCount);
    await createDefaultStorageClass(kc);
    provisioner = runFakeProvisioner(kc, provisionerStop.signal);
    progress(`waiting for ${nodeCount} Ready nodes`);
    // Two minutes: on a busy two-core machine (the test suite starting beside it) one was not always enough.
    await waitUntilNothingMissing(
      'simulated cluster: not up',
      async () => {
        const ready = await countReadyNodes(kc);
        // kwok v0.7.0 plays a node's stages on the node's own events only and retries few failures (a patch
        // refused for anything but a timeout or overload is dropped): a CI start on a busy machine once left
        // every node unready for two minutes, cause unseen. A new kwok takes the nodes over and plays them again.
        if (ready < nodeCount && Date.now() - kwokStartedAt > kwokStallMs) {
          progress(`${ready} of ${nodeCount} nodes Ready ${kwokStallMs / 1000}s after kwok started; restarting kwok`);
          await kwok.stop();
          processes.splice(processes.indexOf(kwok), 1, (kwok = await startKwok()));
          kwokStartedAt = Date.now();
        }
        const serviceAccount = await kc
          .makeApiClient(CoreV1Api)
          .readNamespacedServiceAccount({ name: 'default', namespace: 'default' })
          .then(
            () => true,
            () => false,
          );
        const missing = [
          ...(ready < nodeCount
            ? [`${nodeCount} Ready nodes (${ready} so far; kwok's last lines:\n${kwok.logTail(5)})`]
            : []),
          ...(serviceAccount ? [] : ['the default ServiceAccount (kube-controller-manager makes it)']),
        ];
        return missing.length ? `still waiting for ${missing.join(' and ')}` : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 250 },
    );
    return { kubeconfigPath, server, processes, stopApiserver, startApiserver, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
