// The add-ons that make a real node a usable cluster, started once the node is Ready:
// - kube-router with only its NetworkPolicy firewall (a host process, as upstream's DaemonSet runs in
//   the host's network namespace), so policies block real traffic;
// - CoreDNS as a pod in kube-system behind the kube-dns Service at kubelet's clusterDNS, so pods resolve
//   Services by name (and nothing else: no upstream resolver);
// - local-path-provisioner (a host process) behind the default StorageClass, so claims get directories
//   under the state dir.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Resolver } from 'node:dns/promises';
import { AppsV1Api, type KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { applyObject } from '../../activities/kube-objects.js';
import type { RunningControlPlane } from './control-plane.js';
import {
  DNS_NAMESPACE,
  dnsManifests,
  kubeRouterManifests,
  LOCAL_PATH_CONFIGMAP,
  LOCAL_PATH_NAMESPACE,
  LOCAL_PATH_PROVISIONER,
  LOCAL_PATH_SERVICE_ACCOUNT,
  localPathConfig,
  localPathHelperPod,
  localPathManifests,
} from './local-addons-manifests.js';
import { KUBE_ROUTER_USER, LOCAL_PATH_USER, type NodeCredentials } from './local-credentials.js';
import { corednsImage, ensureImage, nodeImageArchives } from './local-images.js';
import { CLUSTER_DNS, NODE_NAME, SERVICE_CIDR, type NodeLayout } from './local-layout.js';
import { tokenKubeconfig } from './local-node-config.js';
import { waitUntilNothingMissing } from '../polling.js';
import { startProcess, type ManagedProcess, type ProcessRegistry } from '../process.js';
import type { Toolchain } from '../toolchain/ensure.js';

export interface AddonsOptions {
  layout: NodeLayout;
  toolchain: Toolchain;
  /** storefleet's cache: the CoreDNS image is kept there (nodeImageArchives). */
  cacheDir: string;
  registry: ProcessRegistry;
  controlPlane: RunningControlPlane;
  credentials: NodeCredentials;
  /** The admin's client, for the add-ons' objects. */
  kubeConfig: KubeConfig;
  /** The node's busybox image: local-path-provisioner's helper pods run it. */
  busyboxImage: string;
  progress: (line: string) => void;
}

/** Starts the add-ons, their host processes into `started` (so a failure half-way still stops them). */
export async function startAddons(options: AddonsOptions, started: ManagedProcess[]): Promise<{ coredns: string }> {
  const { layout, toolchain, registry, controlPlane, credentials, kubeConfig, progress } = options;
  const bin = (name: string) => toolchain[name] ?? name;
  const caData = Buffer.from(readFileSync(controlPlane.caFile)).toString('base64');
  const apply = async (objects: Array<Parameters<typeof applyObject>[1]>) => {
    for (const object of objects) await applyObject(kubeConfig, object);
  };

  progress('starting kube-router (NetworkPolicy firewall only)');
  await apply(kubeRouterManifests());
  writeFileSync(
    layout.kubeRouterKubeconfig,
    tokenKubeconfig(controlPlane.server, caData, KUBE_ROUTER_USER, credentials.kubeRouterToken),
    { mode: 0o600 },
  );
  started.push(
    await startProcess({
      name: 'kube-router',
      command: bin('kube-router'),
      args: [
        `--kubeconfig=${layout.kubeRouterKubeconfig}`,
        `--hostname-override=${NODE_NAME}`,
        '--run-firewall=true',
        '--run-router=false',
        '--run-service-proxy=false',
        // Pod networking is the bridge plugin's; kube-router writes no CNI config and masquerades nothing.
        '--enable-cni=false',
        '--enable-pod-egress=false',
        '--enable-ipv6=false',
        `--service-cluster-ip-range=${SERVICE_CIDR}`,
        // Its health and metrics servers would listen on every interface of the machine.
        '--health-port=0',
        '--metrics-port=0',
        '--v=1',
      ],
      logDir: layout.logDir,
      registry,
      // Its chains exist once the first sync of the policies is done.
      isReady: async () =>
        (await execa('iptables', ['-w', '-t', 'filter', '-n', '-L', 'KUBE-ROUTER-FORWARD'], { reject: false }))
          .exitCode === 0,
    }),
  );

  progress('starting CoreDNS (cluster DNS, no upstream resolvers)');
  const coredns = await ensureImage(corednsImage(bin('coredns')), {
    containerdSocket: layout.containerdSocket,
    workDir: layout.imagesDir,
    archiveDir: nodeImageArchives(options.cacheDir),
    progress,
  });
  await apply(dnsManifests(coredns));

  progress('starting local-path-provisioner (default StorageClass standard)');
  mkdirSync(layout.volumesDir, { recursive: true });
  mkdirSync(dirname(layout.localPathConfig), { recursive: true });
  writeFileSync(layout.localPathConfig, localPathConfig(layout.volumesDir));
  writeFileSync(layout.localPathHelperPod, localPathHelperPod(options.busyboxImage));
  writeFileSync(
    layout.localPathKubeconfig,
    tokenKubeconfig(controlPlane.server, caData, LOCAL_PATH_USER, credentials.localPathToken),
    { mode: 0o600 },
  );
  await apply(localPathManifests());
  const logFile = join(layout.logDir, 'local-path-provisioner.log');
  const logOffset = sizeOf(logFile);
  started.push(
    await startProcess({
      name: 'local-path-provisioner',
      command: bin('local-path-provisioner'),
      args: [
        'start',
        `--kubeconfig=${layout.localPathKubeconfig}`,
        `--config=${layout.localPathConfig}`,
        `--helper-pod-file=${layout.localPathHelperPod}`,
        `--namespace=${LOCAL_PATH_NAMESPACE}`,
        `--provisioner-name=${LOCAL_PATH_PROVISIONER}`,
        `--configmap-name=${LOCAL_PATH_CONFIGMAP}`,
        `--service-account-name=${LOCAL_PATH_SERVICE_ACCOUNT}`,
        // Required, though v0.0.30 takes the image from the helper pod file.
        `--helper-image=${options.busyboxImage}`,
      ],
      logDir: layout.logDir,
      registry,
      // It serves nothing; its controller says when it runs.
      isReady: () => Promise.resolve(logSince(logFile, logOffset).includes('Started provisioner controller')),
    }),
  );

  progress('waiting for cluster DNS to answer');
  await waitForDns(kubeConfig, 120_000);
  return { coredns };
}

/** The CoreDNS Deployment available, and kubernetes.default answered through the kube-dns Service. */
async function waitForDns(kubeConfig: KubeConfig, timeoutMs: number): Promise<void> {
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  const resolver = new Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([CLUSTER_DNS]);
  await waitUntilNothingMissing(
    `local cluster: cluster DNS did not answer at ${CLUSTER_DNS}`,
    async () => {
      const deployment = await apps.readNamespacedDeployment({ name: 'coredns', namespace: DNS_NAMESPACE });
      if ((deployment.status?.availableReplicas ?? 0) < 1)
        return `deployment coredns: ${deployment.status?.conditions?.map((c) => `${c.type}=${c.status} ${c.message ?? ''}`).join('; ') ?? 'no status'}`;
      const answer = await resolver.resolve4('kubernetes.default.svc.cluster.local');
      return answer.length ? undefined : 'no address for kubernetes.default';
    },
    { timeoutMs, intervalMs: 500 },
  );
}

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function logSince(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString('utf8');
  } catch {
    return '';
  }
}
