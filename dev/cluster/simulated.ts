// A real Kubernetes control plane on 127.0.0.1 (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler) whose nodes and pods are faked by kwok: Deployments and StatefulSets get Ready pods,
// Jobs complete, namespaces finalize, and a fake provisioner binds PVCs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { ensureCredentials } from './credentials.js';
import { countReadyNodes, createFakeNodes, KWOK_NODE_ANNOTATION } from './fake-nodes.js';
import { createDefaultStorageClass, runFakeProvisioner } from './fake-storage.js';
import { probeHttps, writeKubeconfig } from './kubeconfig.js';
import { installStages } from './stages.js';
import { startProcess, type ManagedProcess, type ProcessRegistry } from '../process.js';
import type { Toolchain } from '../toolchain/ensure.js';

export interface ClusterPorts {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
}

export interface SimulatedClusterOptions {
  stateDir: string;
  toolchain: Toolchain;
  ports: ClusterPorts;
  registry: ProcessRegistry;
  nodes?: number;
  /** Skip etcd's fsync: fine for throwaway test clusters, not for state you want to keep. */
  ephemeral?: boolean;
  progress?: (line: string) => void;
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
  const { stateDir, toolchain, ports, registry } = options;
  const progress = options.progress ?? (() => undefined);
  const bin = (name: string) => toolchain[name] ?? name;
  const logDir = join(stateDir, 'logs');
  const credentials = ensureCredentials(stateDir);
  const kubeconfigPath = join(stateDir, 'kubeconfig');
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const caFile = join(credentials.pkiDir, 'apiserver.crt');
  const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const processes: ManagedProcess[] = [];
  const provisionerStop = new AbortController();
  let provisioner: Promise<void> | undefined;

  const launchApiserver = () =>
    startProcess({
      name: 'kube-apiserver',
      command: bin('kube-apiserver'),
      args: [
        `--etcd-servers=${etcdUrl}`,
        '--bind-address=127.0.0.1',
        '--advertise-address=127.0.0.1',
        `--secure-port=${ports.apiserver}`,
        `--cert-dir=${credentials.pkiDir}`,
        `--token-auth-file=${credentials.tokenFile}`,
        '--authorization-mode=Node,RBAC',
        '--service-cluster-ip-range=10.96.0.0/16',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-account-key-file=${credentials.serviceAccountPub}`,
        `--service-account-signing-key-file=${credentials.serviceAccountKey}`,
        '--allow-privileged=true',
        '--profiling=false',
        '--v=0',
      ],
      logDir,
      registry,
      readyTimeoutMs: 120_000,
      isReady: async () => (await probeHttps(`${server}/readyz`, { token: credentials.adminToken })) === 200,
    });

  // Restarted in place, so stop() still stops it in order and the caller's list stays current.
  const apiserverSlot = () => processes.findIndex((child) => child.name === 'kube-apiserver');
  // An outage, not maintenance: no waiting for the graceful drain of open watches.
  const stopApiserver = () => processes[apiserverSlot()]!.stop(1_000);
  const startApiserver = async () => {
    processes[apiserverSlot()] = await launchApiserver();
  };

  const stop = async () => {
    provisionerStop.abort();
    await provisioner;
    // Reverse order: kwok and controllers first, etcd last, so nothing writes to a closing store.
    for (const process of [...processes].reverse()) await process.stop();
  };

  try {
    progress('starting etcd');
    processes.push(
      await startProcess({
        name: 'etcd',
        command: bin('etcd'),
        args: [
          '--name=storefleet',
          `--data-dir=${join(stateDir, 'etcd')}`,
          `--listen-client-urls=${etcdUrl}`,
          `--advertise-client-urls=${etcdUrl}`,
          `--listen-peer-urls=${peerUrl}`,
          `--initial-advertise-peer-urls=${peerUrl}`,
          `--initial-cluster=storefleet=${peerUrl}`,
          '--log-level=warn',
          ...(options.ephemeral ? ['--unsafe-no-fsync'] : []),
        ],
        logDir,
        registry,
        isReady: async () => (await fetch(`${etcdUrl}/health`)).ok,
      }),
    );

    progress('starting kube-apiserver');
    processes.push(await launchApiserver());
    writeKubeconfig(kubeconfigPath, server, caFile, credentials.adminToken);

    const controlPlaneArgs = (port: number) => [
      `--kubeconfig=${kubeconfigPath}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${join(credentials.pkiDir, String(port))}`,
      '--leader-elect=false',
      '--profiling=false',
    ];
    progress('starting kube-controller-manager and kube-scheduler');
    // Both start at once; if one fails, the other is still stopped with the rest.
    const controllers = await Promise.allSettled([
      startProcess({
        name: 'kube-controller-manager',
        command: bin('kube-controller-manager'),
        args: [
          ...controlPlaneArgs(ports.controllerManager),
          `--service-account-private-key-file=${credentials.serviceAccountKey}`,
          `--root-ca-file=${caFile}`,
          '--use-service-account-credentials=false',
        ],
        logDir,
        registry,
        isReady: async () => (await probeHttps(`https://127.0.0.1:${ports.controllerManager}/healthz`)) === 200,
      }),
      startProcess({
        name: 'kube-scheduler',
        command: bin('kube-scheduler'),
        args: controlPlaneArgs(ports.scheduler),
        logDir,
        registry,
        isReady: async () => (await probeHttps(`https://127.0.0.1:${ports.scheduler}/healthz`)) === 200,
      }),
    ]);
    for (const started of controllers) if (started.status === 'fulfilled') processes.push(started.value);
    const failed = controllers.find((started) => started.status === 'rejected');
    if (failed) throw failed.reason;

    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfigPath);
    // Stages live in the cluster (not kwok's --config) so tests can add faults and delays at runtime.
    progress('installing kwok stages');
    await installStages(kc);

    progress('starting kwok (fake nodes and pods)');
    const kwokConfig = join(stateDir, 'kwok.yaml');
    mkdirSync(stateDir, { recursive: true });
    // With --enable-crds=Stage kwok refuses stages in this file and loads no built-in ones.
    writeFileSync(kwokConfig, 'apiVersion: config.kwok.x-k8s.io/v1alpha1\nkind: KwokConfiguration\noptions: {}\n');
    processes.push(
      await startProcess({
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
      }),
    );

    const nodeCount = options.nodes ?? 3;
    await createFakeNodes(kc, nodeCount);
    await createDefaultStorageClass(kc);
    provisioner = runFakeProvisioner(kc, provisionerStop.signal);
    progress(`waiting for ${nodeCount} Ready nodes`);
    await waitFor('nodes Ready and the default ServiceAccount', 60_000, async () => {
      const ready = (await countReadyNodes(kc)) >= nodeCount;
      const serviceAccount = await kc.makeApiClient(CoreV1Api).readNamespacedServiceAccount({ name: 'default', namespace: 'default' });
      return ready && Boolean(serviceAccount);
    });
    return { kubeconfigPath, server, processes, stopApiserver, startApiserver, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(250);
  }
  throw new Error(`simulated cluster: timed out after ${timeoutMs / 1000}s waiting for ${what}`);
}
