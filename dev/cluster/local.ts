// A real single-node Kubernetes on this machine: the control plane of the simulated cluster, plus
// containerd, kubelet and kube-proxy running real containers, and the add-ons a store needs (cluster
// DNS, a NetworkPolicy firewall, a volume provisioner). The host is recorded before anything starts
// and put back after the stop (or by the next start, if this run was killed).
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, DiscoveryV1Api, type KubeConfig } from '@kubernetes/client-node';
import { startControlPlane, type ClusterPorts, type RunningControlPlane } from './control-plane.js';
import { startAddons } from './local-addons.js';
import { ensureCredentials } from './credentials.js';
import { assertMachineCanRunLocalNode } from './local-checks.js';
import { summarizeRemoved } from './local-cleanup.js';
import { ensureNodeCredentials } from './local-credentials.js';
import { drainNode } from './local-drain.js';
import { prepareHost, restoreHost } from './local-host-setup.js';
import { NODE_IP, NODE_NAME, nodeLayout } from './local-layout.js';
import { cleanUpKubeProxy, startNodeProcesses, type NodeProcesses } from './local-node.js';
import type { NodePorts } from './local-node-config.js';
import { waitUntilNothingMissing } from '../polling.js';
import { freePort } from '../ports.js';
import type { ManagedProcess, ProcessRegistry } from '../process.js';
import type { Toolchain } from '../toolchain/ensure.js';
import { loadKubeConfig } from '../../activities/kube-config.js';

export type { NodePorts };

export interface LocalClusterOptions {
  stateDir: string;
  /** storefleet's cache (the caller's, e.g. config.cacheDir): the node's built images are kept there. */
  cacheDir: string;
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
  /** containerd's socket, for importing more images (`ctr -a <socket> -n k8s.io images import`). */
  containerdSocket: string;
  processes: ManagedProcess[];
  images: NodeProcesses['images'] & { coredns: string };
  /** What an earlier, killed run had left on the host and this start removed. */
  leftovers: string[];
  /** Deletes the pods, stops everything and puts the host back; returns what it removed or restored. */
  stop: () => Promise<string[]>;
}

/** Free ports for a node started by hand or by a test (npm start takes its ports from dev/config.ts). */
export async function freeLocalClusterPorts(): Promise<Pick<LocalClusterOptions, 'ports' | 'nodePorts'>> {
  const port = () => freePort();
  return {
    ports: {
      etcd: await port(),
      etcdPeer: await port(),
      apiserver: await port(),
      controllerManager: await port(),
      scheduler: await port(),
    },
    nodePorts: {
      kubelet: await port(),
      kubeletHealthz: await port(),
      kubeProxyHealthz: await port(),
      kubeProxyMetrics: await port(),
    },
  };
}

export async function startLocalCluster(options: LocalClusterOptions): Promise<RunningLocalCluster> {
  const progress = options.progress ?? (() => undefined);
  assertMachineCanRunLocalNode();
  const layout = nodeLayout(options.stateDir);
  progress('recording the host settings the node will change');
  const host = await prepareHost(layout, options.stateDir);
  if (host.leftovers.length)
    progress(`removed what an earlier, killed run left on the host: ${summarizeRemoved(host.leftovers)}`);

  let controlPlane: RunningControlPlane | undefined;
  const nodeProcesses: ManagedProcess[] = [];
  let stopped: Promise<string[]> | undefined;
  const stop = () => (stopped ??= stopAll());
  const stopAll = async (): Promise<string[]> => {
    // Controllers first, so nothing re-creates the pods about to be deleted or places new ones.
    await controlPlane?.stopControllers();
    if (controlPlane && nodeProcesses.some((child) => child.name === 'kubelet')) {
      progress('deleting the pods');
      await drainNode(loadKubeConfig(controlPlane.kubeconfigPath), { containerdSocket: layout.containerdSocket }).catch(
        () => 0,
      );
    }
    for (const child of [...nodeProcesses].reverse()) await child.stop();
    await controlPlane?.stop();
    await cleanUpKubeProxy(options.toolchain, layout);
    // Last: the apiserver listens on the node's address, which goes with its interface.
    return restoreHost(layout, host.record);
  };

  try {
    const clusterCredentials = ensureCredentials(options.stateDir);
    const credentials = await ensureNodeCredentials(clusterCredentials, layout.pkiDir, NODE_NAME);
    forgetServingCertWithout(clusterCredentials.pkiDir, NODE_IP);
    controlPlane = await startControlPlane({
      ...options,
      progress,
      // On the node's address, so pods reach it through the `kubernetes` Service (loopback would be theirs).
      apiserverAddress: NODE_IP,
      apiserverArgs: [
        // Reach kubelet (logs, exec, port-forward) at the node's address, not by a name nothing resolves.
        '--kubelet-preferred-address-types=InternalIP,Hostname',
        `--kubelet-client-certificate=${credentials.apiserverClientCert}`,
        `--kubelet-client-key=${credentials.apiserverClientKey}`,
      ],
    });
    await pointKubernetesServiceAt(loadKubeConfig(controlPlane.kubeconfigPath), options.ports.apiserver);
    const images = await startNodeProcesses(
      {
        layout,
        toolchain: options.toolchain,
        cacheDir: options.cacheDir,
        registry: options.registry,
        controlPlane,
        credentials,
        ports: options.nodePorts,
        progress,
      },
      nodeProcesses,
    );
    progress(`waiting for node ${NODE_NAME} to be Ready`);
    const kubeConfig = loadKubeConfig(controlPlane.kubeconfigPath);
    await waitForReadyNode(kubeConfig, 120_000);
    const addons = await startAddons(
      {
        layout,
        toolchain: options.toolchain,
        cacheDir: options.cacheDir,
        registry: options.registry,
        controlPlane,
        credentials,
        kubeConfig,
        busyboxImage: images.busybox,
        progress,
      },
      nodeProcesses,
    );
    return {
      kubeconfigPath: controlPlane.kubeconfigPath,
      server: controlPlane.server,
      nodeName: NODE_NAME,
      containerdSocket: layout.containerdSocket,
      processes: [...controlPlane.processes, ...nodeProcesses],
      images: { ...images, coredns: addons.coredns },
      leftovers: host.leftovers,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * kube-apiserver makes its self-signed serving certificate once, for the address it advertises then. One
 * made for another address (a state dir first used by an older layout) is dropped, so a new one names the node's.
 */
function forgetServingCertWithout(pkiDir: string, ip: string): void {
  const cert = join(pkiDir, 'apiserver.crt');
  if (!existsSync(cert)) return;
  const names = new X509Certificate(readFileSync(cert)).subjectAltName ?? '';
  if (names.split(', ').includes(`IP Address:${ip}`)) return;
  rmSync(cert, { force: true });
  rmSync(join(pkiDir, 'apiserver.key'), { force: true });
}

/**
 * The apiserver sets the `kubernetes` Service's port (and its endpoints') only when it creates them, so a
 * state dir started again with another apiserver port keeps pods dialling the old one. Put the port right.
 */
async function pointKubernetesServiceAt(kc: KubeConfig, port: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  const discovery = kc.makeApiClient(DiscoveryV1Api);
  const target = { name: 'kubernetes', namespace: 'default' };
  const service = await core.readNamespacedService(target).catch(() => undefined);
  const https = service?.spec?.ports?.find((servicePort) => servicePort.name === 'https');
  if (!service || !https || https.targetPort === port) return;
  https.targetPort = port;
  await core.replaceNamespacedService({ ...target, body: service });
  const endpoints = await core.readNamespacedEndpoints(target).catch(() => undefined);
  for (const subset of endpoints?.subsets ?? [])
    for (const endpointPort of subset.ports ?? []) endpointPort.port = port;
  if (endpoints) await core.replaceNamespacedEndpoints({ ...target, body: endpoints });
  const slice = await discovery.readNamespacedEndpointSlice(target).catch(() => undefined);
  for (const slicePort of slice?.ports ?? []) slicePort.port = port;
  if (slice) await discovery.replaceNamespacedEndpointSlice({ ...target, body: slice });
}

async function waitForReadyNode(kc: KubeConfig, timeoutMs: number): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await waitUntilNothingMissing(
    `local cluster: node ${NODE_NAME} was not Ready`,
    async () => {
      const node = await core.readNode({ name: NODE_NAME }).catch(() => undefined);
      const ready = node?.status?.conditions?.find((condition) => condition.type === 'Ready');
      const notReadyTaint = node?.spec?.taints?.some((taint) => taint.key === 'node.kubernetes.io/not-ready');
      if (!ready) return 'not registered yet';
      if (ready.status !== 'True') return `Ready=${ready.status}: ${ready.message ?? ready.reason ?? ''}`;
      return notReadyTaint
        ? "Ready=True, but its node.kubernetes.io/not-ready taint is still there: kube-controller-manager's node lifecycle controller removes it"
        : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
}
