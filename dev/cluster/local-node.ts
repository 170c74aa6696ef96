// The processes of a real node: containerd (Debian's, with runc and the CNI plugins), kubelet and
// kube-proxy, children of this process like the control plane, with logs beside its logs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import type { RunningControlPlane } from './control-plane.js';
import type { NodeCredentials } from './local-credentials.js';
import { busyboxImage, ensureImage, imageRef, nodeImageArchives, pauseImage } from './local-images.js';
import { CLUSTER_CIDR, NODE_IP, NODE_NAME, SERVICE_CIDR, type NodeLayout } from './local-layout.js';
import {
  cniConflist,
  containerdConfig,
  kubeletConfig,
  kubeProxyConfig,
  tokenKubeconfig,
  type NodePorts,
} from './local-node-config.js';
import { startProcess, type ManagedProcess, type ProcessRegistry } from '../process.js';
import type { Toolchain } from '../toolchain/ensure.js';

export interface NodeProcessesOptions {
  layout: NodeLayout;
  toolchain: Toolchain;
  /** storefleet's cache: the node's built images are kept there (nodeImageArchives). */
  cacheDir: string;
  registry: ProcessRegistry;
  controlPlane: RunningControlPlane;
  credentials: NodeCredentials;
  ports: NodePorts;
  progress: (line: string) => void;
}

export interface NodeProcesses {
  /** containerd, kubelet, kube-proxy: in start order, as far as they got. */
  processes: ManagedProcess[];
  images: { pause: string; busybox: string };
}

/**
 * Any pull fails at once on this machine instead of reaching for a registry: containerd (and its CNI
 * plugins) and kubelet get a proxy where nothing listens, so no DNS query or connection ever leaves the
 * host. The node's own address (the apiserver's) and the cluster's networks are reached directly.
 */
const NO_PROXY = [NODE_IP, CLUSTER_CIDR, SERVICE_CIDR].join(',');
const NO_EGRESS_ENV = {
  HTTP_PROXY: 'http://127.0.0.1:9',
  HTTPS_PROXY: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  NO_PROXY,
  no_proxy: NO_PROXY,
};

/** Starts the node's processes into `started` (so a failure half-way still stops what is running). */
export async function startNodeProcesses(
  options: NodeProcessesOptions,
  started: ManagedProcess[],
): Promise<NodeProcesses['images']> {
  const { layout, toolchain, cacheDir, registry, controlPlane, credentials, ports, progress } = options;
  const bin = (name: string) => toolchain[name] ?? name;
  const logDir = layout.logDir;
  for (const dir of [layout.cniConfDir, layout.cniIpamDir, layout.kubeletRoot, layout.podLogsDir, layout.imagesDir])
    mkdirSync(dir, { recursive: true });

  progress('starting containerd');
  // The sandbox image's name is known before it is built: its tag is a hash of its sources.
  writeFileSync(layout.containerdConfig, containerdConfig(layout, imageRef(pauseImage)));
  writeFileSync(join(layout.cniConfDir, '10-storefleet.conflist'), cniConflist(layout));
  started.push(
    await startProcess({
      name: 'containerd',
      command: 'containerd',
      args: ['--config', layout.containerdConfig],
      env: NO_EGRESS_ENV,
      logDir,
      registry,
      isReady: async () =>
        (await execa('ctr', ['-a', layout.containerdSocket, 'version'], { reject: false })).exitCode === 0,
    }),
  );

  const store = {
    containerdSocket: layout.containerdSocket,
    workDir: layout.imagesDir,
    archiveDir: nodeImageArchives(cacheDir),
    progress,
  };
  const images = { pause: await ensureImage(pauseImage, store), busybox: await ensureImage(busyboxImage, store) };

  const caData = Buffer.from(readFileSync(controlPlane.caFile)).toString('base64');
  writeFileSync(
    layout.kubeletKubeconfig,
    tokenKubeconfig(controlPlane.server, caData, `system:node:${NODE_NAME}`, credentials.kubeletToken),
    { mode: 0o600 },
  );
  writeFileSync(layout.kubeletConfig, kubeletConfig(layout, ports));
  progress('starting kubelet');
  started.push(
    await startProcess({
      name: 'kubelet',
      command: bin('kubelet'),
      args: [
        `--config=${layout.kubeletConfig}`,
        `--kubeconfig=${layout.kubeletKubeconfig}`,
        `--root-dir=${layout.kubeletRoot}`,
        // Its default is /var/lib/kubelet/pki whatever the root dir.
        `--cert-dir=${join(layout.kubeletRoot, 'pki')}`,
        `--hostname-override=${NODE_NAME}`,
        `--node-ip=${NODE_IP}`,
        '--v=1',
      ],
      env: NO_EGRESS_ENV,
      logDir,
      registry,
      isReady: async () => (await fetch(`http://127.0.0.1:${ports.kubeletHealthz}/healthz`)).ok,
    }),
  );

  writeFileSync(
    layout.kubeProxyKubeconfig,
    tokenKubeconfig(controlPlane.server, caData, 'system:kube-proxy', credentials.kubeProxyToken),
    { mode: 0o600 },
  );
  writeFileSync(layout.kubeProxyConfig, kubeProxyConfig(layout, ports, NODE_NAME));
  progress('starting kube-proxy');
  started.push(
    await startProcess({
      name: 'kube-proxy',
      command: bin('kube-proxy'),
      args: [`--config=${layout.kubeProxyConfig}`, '--v=1'],
      logDir,
      registry,
      // 200 once its rules are synced with the node known; no TLS on this port.
      isReady: async () => (await fetch(`http://127.0.0.1:${ports.kubeProxyHealthz}/healthz`)).ok,
    }),
  );
  return images;
}

/** kube-proxy's own cleanup of everything its iptables mode installed. */
export async function cleanUpKubeProxy(toolchain: Toolchain, layout: NodeLayout): Promise<void> {
  await execa(toolchain['kube-proxy'] ?? 'kube-proxy', [`--config=${layout.kubeProxyConfig}`, '--cleanup'], {
    reject: false,
  });
}
