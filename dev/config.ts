// Configuration of the local platform, read from the environment once and checked before anything starts.
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { ConfigError, parseEnvironment } from '../core/environment.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every port the local platform listens on, with the env var that moves it: on 127.0.0.1, except in
 * local mode the apiserver and kubelet, which listen on the node's own address (10.250.0.1).
 */
export const portSettings = {
  temporal: { envVar: 'STOREFLEET_TEMPORAL_PORT', fallback: 7233, what: 'Temporal gRPC' },
  temporalUi: { envVar: 'STOREFLEET_TEMPORAL_UI_PORT', fallback: 8233, what: 'Temporal Web UI' },
  temporalHttp: { envVar: 'STOREFLEET_TEMPORAL_HTTP_PORT', fallback: 7243, what: 'Temporal HTTP API' },
  temporalMetrics: { envVar: 'STOREFLEET_TEMPORAL_METRICS_PORT', fallback: 7244, what: 'Temporal metrics' },
  kubeApiserver: { envVar: 'STOREFLEET_KUBE_API_PORT', fallback: 6443, what: 'kube-apiserver' },
  etcd: { envVar: 'STOREFLEET_ETCD_PORT', fallback: 2379, what: 'etcd client' },
  etcdPeer: { envVar: 'STOREFLEET_ETCD_PEER_PORT', fallback: 2380, what: 'etcd peer' },
  controllerManager: {
    envVar: 'STOREFLEET_CONTROLLER_MANAGER_PORT',
    fallback: 10257,
    what: 'kube-controller-manager health',
  },
  scheduler: { envVar: 'STOREFLEET_SCHEDULER_PORT', fallback: 10259, what: 'kube-scheduler health' },
  workerMetrics: { envVar: 'STOREFLEET_WORKER_METRICS_PORT', fallback: 9464, what: 'worker metrics' },
  api: { envVar: 'STOREFLEET_API_PORT', fallback: 8080, what: 'storefleet API' },
  // Local mode only (STOREFLEET_CLUSTER=local).
  ingress: { envVar: 'STOREFLEET_INGRESS_PORT', fallback: 80, what: "local mode's ingress (store URLs)" },
  ingressTls: {
    envVar: 'STOREFLEET_INGRESS_TLS_PORT',
    fallback: 443,
    what: "local mode's ingress over TLS (https store URLs)",
  },
  kubelet: { envVar: 'STOREFLEET_KUBELET_PORT', fallback: 10250, what: 'kubelet' },
  kubeletHealthz: { envVar: 'STOREFLEET_KUBELET_HEALTHZ_PORT', fallback: 10248, what: 'kubelet health' },
  kubeProxyHealthz: { envVar: 'STOREFLEET_KUBE_PROXY_HEALTHZ_PORT', fallback: 10256, what: 'kube-proxy health' },
  kubeProxyMetrics: { envVar: 'STOREFLEET_KUBE_PROXY_METRICS_PORT', fallback: 10249, what: 'kube-proxy metrics' },
} as const;

export type PortName = keyof typeof portSettings;
export type Ports = Record<PortName, number>;

const port = z.coerce.number().int().min(1).max(65535);

const envSchema = z.object({
  STOREFLEET_STATE_DIR: z.string().optional(),
  STOREFLEET_CACHE_DIR: z.string().optional(),
  XDG_CACHE_HOME: z.string().optional(),
  STOREFLEET_CLUSTER: z.enum(['simulated', 'kubeconfig', 'local']).default('simulated'),
  KUBECONFIG: z.string().optional(),
  STOREFLEET_SIMULATED_NODES: z.coerce.number().int().min(1).max(50).default(3),
  ...Object.fromEntries(Object.values(portSettings).map((p) => [p.envVar, port.default(p.fallback)])),
});

export interface PlatformConfig {
  stateDir: string;
  cacheDir: string;
  cluster: { mode: 'simulated'; nodes: number } | { mode: 'kubeconfig'; kubeconfigPath: string } | { mode: 'local' };
  ports: Ports;
}

export { ConfigError };

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.STOREFLEET_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'storefleet'));
}

export function loadPlatformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const values = parseEnvironment(envSchema, env) as z.infer<typeof envSchema> & Record<string, number>;
  const ports = Object.fromEntries(
    Object.entries(portSettings).map(([name, setting]) => [name, values[setting.envVar]]),
  ) as Ports;
  let cluster: PlatformConfig['cluster'] = { mode: 'simulated', nodes: values.STOREFLEET_SIMULATED_NODES };
  if (values.STOREFLEET_CLUSTER === 'kubeconfig') {
    if (!values.KUBECONFIG)
      throw new ConfigError(
        'STOREFLEET_CLUSTER=kubeconfig needs KUBECONFIG to name the kubeconfig file of your cluster.',
      );
    cluster = { mode: 'kubeconfig', kubeconfigPath: resolve(values.KUBECONFIG) };
  }
  if (values.STOREFLEET_CLUSTER === 'local') cluster = { mode: 'local' };
  // Local mode keeps its own Temporal and etcd: the simulated cluster's stores never meet the real node's.
  const defaultStateDir =
    cluster.mode === 'local' ? join(repoRoot, '.storefleet', 'local') : join(repoRoot, '.storefleet');
  return {
    stateDir: resolve(values.STOREFLEET_STATE_DIR ?? defaultStateDir),
    cacheDir: defaultCacheDir(env),
    cluster,
    ports,
  };
}
