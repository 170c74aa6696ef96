// A real single-node Kubernetes on this machine: the control plane of the simulated cluster, plus
// containerd, kubelet and kube-proxy running real containers. The host is recorded before anything
// starts and put back after the stop (or by the next start, if this run was killed).
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startControlPlane, type ClusterPorts, type RunningControlPlane } from './control-plane.js';
import { ensureCredentials } from './credentials.js';
import { assertMachineCanRunLocalNode } from './local-checks.js';
import { summarizeRemoved } from './local-cleanup.js';
import { ensureNodeCredentials } from './local-credentials.js';
import { drainNode } from './local-drain.js';
import { prepareHost, restoreHost } from './local-host-setup.js';
import { NODE_NAME, nodeLayout } from './local-layout.js';
import { cleanUpKubeProxy, startNodeProcesses, type NodeProcesses } from './local-node.js';
import type { NodePorts } from './local-node-config.js';
import type { ManagedProcess, ProcessRegistry } from '../process.js';
import type { Toolchain } from '../toolchain/ensure.js';

export type { NodePorts };

export interface LocalClusterOptions {
  stateDir: string;
  toolchain: Toolchain;
  ports: ClusterPorts;
  nodePorts: NodePorts;
  registry: ProcessRegistry;
  ephemeral?: boolean;
  progress?: (line: string) => void;
}

export interface RunningLocalCluster {
  kubeconfigPath: string;
  server: string;
  nodeName: string;
  processes: ManagedProcess[];
  images: NodeProcesses['images'];
  /** What an earlier, killed run had left on the host and this start removed. */
  leftovers: string[];
  /** Deletes the pods, stops everything and puts the host back; returns what it removed or restored. */
  stop: () => Promise<string[]>;
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<RunningLocalCluster> {
  const progress = options.progress ?? (() => undefined);
  assertMachineCanRunLocalNode();
  const layout = nodeLayout(options.stateDir);
  progress('recording the host settings the node will change');
  const host = await prepareHost(layout, options.stateDir);
  if (host.leftovers.length) progress(`removed what an earlier, killed run left on the host: ${summarizeRemoved(host.leftovers)}`);

  let controlPlane: RunningControlPlane | undefined;
  const nodeProcesses: ManagedProcess[] = [];
  let stopped: Promise<string[]> | undefined;
  const stop = () => (stopped ??= stopAll());
  const stopAll = async (): Promise<string[]> => {
    // Controllers first, so nothing re-creates the pods about to be deleted or places new ones.
    await controlPlane?.stopControllers();
    if (controlPlane && nodeProcesses.some((child) => child.name === 'kubelet')) {
      progress('deleting the pods');
      await drainNode(adminConfig(controlPlane.kubeconfigPath), { containerdSocket: layout.containerdSocket }).catch(() => 0);
    }
    for (const child of [...nodeProcesses].reverse()) await child.stop();
    await cleanUpKubeProxy(options.toolchain, layout);
    const removed = await restoreHost(layout, host.record);
    await controlPlane?.stop();
    return removed;
  };

  try {
    const clusterCredentials = ensureCredentials(options.stateDir);
    const credentials = await ensureNodeCredentials(clusterCredentials, layout.pkiDir, NODE_NAME);
    controlPlane = await startControlPlane({
      ...options,
      progress,
      apiserverArgs: [
        // Reach kubelet (logs, exec, port-forward) at the node's address, not by a name nothing resolves.
        '--kubelet-preferred-address-types=InternalIP,Hostname',
        `--kubelet-client-certificate=${credentials.apiserverClientCert}`,
        `--kubelet-client-key=${credentials.apiserverClientKey}`,
      ],
    });
    const images = await startNodeProcesses(
      { layout, toolchain: options.toolchain, registry: options.registry, controlPlane, credentials, ports: options.nodePorts, progress },
      nodeProcesses,
    );
    progress(`waiting for node ${NODE_NAME} to be Ready`);
    await waitForReadyNode(adminConfig(controlPlane.kubeconfigPath), 120_000);
    return {
      kubeconfigPath: controlPlane.kubeconfigPath,
      server: controlPlane.server,
      nodeName: NODE_NAME,
      processes: [...controlPlane.processes, ...nodeProcesses],
      images,
      leftovers: host.leftovers,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

function adminConfig(kubeconfigPath: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc;
}

async function waitForReadyNode(kc: KubeConfig, timeoutMs: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  let last = 'not registered yet';
  while (Date.now() < deadline) {
    const node = await core.readNode({ name: NODE_NAME }).catch(() => undefined);
    const ready = node?.status?.conditions?.find((condition) => condition.type === 'Ready');
    if (ready?.status === 'True' && !node?.spec?.taints?.some((taint) => taint.key === 'node.kubernetes.io/not-ready')) return;
    if (ready) last = `Ready=${ready.status}: ${ready.message ?? ready.reason ?? ''}`;
    await sleep(500);
  }
  throw new Error(`local cluster: node ${NODE_NAME} was not Ready after ${timeoutMs / 1000}s (${last})`);
}
