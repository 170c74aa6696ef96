// A real Kubernetes control plane on 127.0.0.1: etcd, kube-apiserver, kube-controller-manager and
// kube-scheduler. The simulated cluster adds kwok's fake nodes to it; local mode adds a real node.
import { join } from 'node:path';
import { ensureCredentials, type ClusterCredentials } from './credentials.js';
import { probeHttps, writeKubeconfig } from './kubeconfig.js';
import { startProcess, type ManagedProcess, type ProcessRegistry } from '../process.js';
import type { Toolchain } from '../toolchain/ensure.js';

export interface ClusterPorts {
  etcd: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
}

export interface ControlPlaneOptions {
  stateDir: string;
  toolchain: Toolchain;
  ports: ClusterPorts;
  registry: ProcessRegistry;
  /** Skip etcd's fsync: fine for throwaway test clusters, not for state you want to keep. */
  ephemeral?: boolean;
  /** More kube-apiserver flags (local mode: how to reach and authenticate to a real kubelet). */
  apiserverArgs?: string[];
  /** More kube-controller-manager flags. */
  controllerManagerArgs?: string[];
  /**
   * Where kube-apiserver listens and what it advertises as the `kubernetes` Service's endpoint; 127.0.0.1
   * by default. Local mode gives the node's address, which pods reach and loopback would not be.
   */
  apiserverAddress?: string;
  progress?: (line: string) => void;
}

export interface RunningControlPlane {
  kubeconfigPath: string;
  server: string;
  credentials: ClusterCredentials;
  /** The apiserver's self-signed bundle, which the kubeconfig trusts. */
  caFile: string;
  processes: ManagedProcess[];
  /** Stops kube-apiserver alone, as an outage would: etcd and the controllers keep running. */
  stopApiserver: () => Promise<void>;
  /** Starts it again on the same port, etcd and certificates; resolves once it serves. */
  startApiserver: () => Promise<void>;
  /** Stops the controller-manager and the scheduler only, so nothing re-creates or places pods. */
  stopControllers: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Starts etcd, kube-apiserver, kube-controller-manager and kube-scheduler; on failure stops what it started. */
export async function startControlPlane(options: ControlPlaneOptions): Promise<RunningControlPlane> {
  const { stateDir, toolchain, ports, registry } = options;
  const progress = options.progress ?? (() => undefined);
  const bin = (name: string) => toolchain[name] ?? name;
  const logDir = join(stateDir, 'logs');
  const credentials = ensureCredentials(stateDir);
  const kubeconfigPath = join(stateDir, 'kubeconfig');
  const apiserverAddress = options.apiserverAddress ?? '127.0.0.1';
  const server = `https://${apiserverAddress}:${ports.apiserver}`;
  const caFile = join(credentials.pkiDir, 'apiserver.crt');
  const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
  const peerUrl = `http://127.0.0.1:${ports.etcdPeer}`;
  const processes: ManagedProcess[] = [];

  const launchApiserver = () =>
    startProcess({
      name: 'kube-apiserver',
      command: bin('kube-apiserver'),
      args: [
        `--etcd-servers=${etcdUrl}`,
        `--bind-address=${apiserverAddress}`,
        `--advertise-address=${apiserverAddress}`,
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
        ...(options.apiserverArgs ?? []),
      ],
      logDir,
      registry,
      readyTimeoutMs: 120_000,
      isReady: async () => (await probeHttps(`${server}/readyz`, { token: credentials.adminToken })) === 200,
    });

  // Restarted in place, so stop() still stops it in order and the caller's list stays current.
  const slot = (name: string) => processes.findIndex((child) => child.name === name);
  // An outage, not maintenance: no waiting for the graceful drain of open watches.
  const stopApiserver = () => processes[slot('kube-apiserver')]!.stop(1_000);
  const startApiserver = async () => {
    processes[slot('kube-apiserver')] = await launchApiserver();
  };
  const stopControllers = async () => {
    for (const name of ['kube-controller-manager', 'kube-scheduler']) await processes[slot(name)]?.stop();
  };
  // Reverse order: controllers first, etcd last, so nothing writes to a closing store.
  const stop = async () => {
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
          ...(options.controllerManagerArgs ?? []),
        ],
        logDir,
        registry,
        isReady: async () => (await probeHttps(`https://127.0.0.1:${ports.controllerManager}/healthz`)) === 200,
      }),
      startProcess({
        name: 'kube-scheduler',
        command: bin('kube-scheduler'),
        // A pod the scheduler set aside as unschedulable is looked at again on a cluster event that may
        // help it, or at the latest after this. A store's pod whose claim was bound in the moment it was
        // tried ("unbound immediate PersistentVolumeClaims") sometimes got no such event and waited for
        // the default's 5 minutes. The flag is deprecated, but 1.34 has no other setting for it.
        args: [...controlPlaneArgs(ports.scheduler), '--pod-max-in-unschedulable-pods-duration=15s'],
        logDir,
        registry,
        isReady: async () => (await probeHttps(`https://127.0.0.1:${ports.scheduler}/healthz`)) === 200,
      }),
    ]);
    for (const started of controllers) if (started.status === 'fulfilled') processes.push(started.value);
    const failed = controllers.find((started) => started.status === 'rejected');
    if (failed) throw failed.reason;
    return {
      kubeconfigPath,
      server,
      credentials,
      caFile,
      processes,
      stopApiserver,
      startApiserver,
      stopControllers,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
