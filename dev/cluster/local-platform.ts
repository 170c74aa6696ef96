// Local mode for `npm start` and the test harness (STOREFLEET_CLUSTER=local): the images a store runs
// (built without a registry, then imported into the node), a real node with its add-ons, local mode's
// ingress on a host port, and the worker settings that point stores at all of it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterPorts } from './control-plane.js';
import { startLocalCluster, type NodePorts, type RunningLocalCluster } from './local.js';
import { importImageArchive } from './local-images.js';
import { repoRoot } from '../config.js';
import { ensureImages, type LocalImage } from '../images/ensure.js';
import { startProcess, type ManagedProcess, type ProcessRegistry } from '../process.js';
import type { Toolchain } from '../toolchain/ensure.js';

/** Store URLs are http://<id>.localhost/: loopback for browsers and curl (RFC 6761) without any resolver. */
export const LOCAL_BASE_DOMAIN = 'localhost';
/**
 * Local mode's ingress is a host process, not a pod, so no namespace holds it: the node's own traffic
 * reaches pods whatever their policies say, as Kubernetes defines. The stores' "from the ingress
 * controller" rule names this namespace, which nothing creates, so it admits no pod.
 */
export const LOCAL_INGRESS_NAMESPACE = 'storefleet-ingress';

export interface LocalPlatformOptions {
  /** The cluster's state dir (etcd, the node, its logs). */
  stateDir: string;
  cacheDir: string;
  toolchain: Toolchain;
  registry: ProcessRegistry;
  ports: ClusterPorts & { nodePorts: NodePorts; ingress: number; ingressTls: number };
  ephemeral?: boolean;
  progress?: (line: string) => void;
}

export interface RunningLocalPlatform {
  kubeconfigPath: string;
  processes: ManagedProcess[];
  /** Where store URLs are answered, e.g. http://127.0.0.1:80. */
  ingressUrl: string;
  /** Where stores whose Ingress has a certificate are answered over TLS, e.g. https://127.0.0.1:443. */
  ingressTlsUrl: string;
  images: LocalImage[];
  /** The worker's settings for local mode (base domain, chart values, storefront check). */
  workerEnv: Record<string, string>;
  cluster: RunningLocalCluster;
  stop: () => Promise<string[]>;
}

/** The values every release gets in local mode: images built here, never pulled; no plugin download. */
export function localChartValues(images: LocalImage[]): Record<string, unknown> {
  const image = (name: string) => {
    const found = images.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`local mode: no ${name} image among ${images.map((i) => i.name).join(', ')}`);
    return { repository: found.repository, tag: found.tag, pullPolicy: 'Never' };
  };
  return {
    woocommerce: {
      images: { wordpress: image('wordpress'), wpcli: image('wp-cli'), mariadb: image('mariadb') },
      // wordpress.org cannot be reached from here: the setup Job installs WordPress and reports the
      // WooCommerce steps as skipped, and the store says so (CommerceReady False).
      woocommerce: { required: false },
    },
    medusa: {
      server: { image: image('medusa-server') },
      storefront: { image: image('medusa-storefront') },
      postgres: { image: image('postgres') },
      redis: { image: image('redis') },
    },
  };
}

export async function startLocalPlatform(options: LocalPlatformOptions): Promise<RunningLocalPlatform> {
  const progress = options.progress ?? (() => undefined);
  progress(
    'images: the stand-ins for the official MariaDB, WordPress, wp-cli, PostgreSQL, Redis and Node images, and the Medusa images (built here when missing)',
  );
  const images = await ensureImages({ cacheDir: options.cacheDir, progress });

  const { nodePorts, ingress, ingressTls, ...clusterPorts } = options.ports;
  const cluster = await startLocalCluster({
    stateDir: options.stateDir,
    cacheDir: options.cacheDir,
    toolchain: options.toolchain,
    ports: clusterPorts,
    nodePorts,
    registry: options.registry,
    ephemeral: options.ephemeral,
    progress,
  });
  if (cluster.leftovers.length) progress('(an earlier run had been killed; the host is clean again)');
  const processes = [...cluster.processes];
  let ingressProcess: ManagedProcess | undefined;
  const stop = async () => {
    await ingressProcess?.stop();
    return cluster.stop();
  };

  try {
    for (const image of images)
      await importImageArchive(image.ref, image.archive, { containerdSocket: cluster.containerdSocket, progress });
    const chartValuesFile = join(options.stateDir, 'chart-values.json');
    writeFileSync(chartValuesFile, `${JSON.stringify(localChartValues(images), null, 2)}\n`);

    const listen = `127.0.0.1:${ingress}`;
    const ingressUrl = `http://${listen}`;
    const tlsListen = `127.0.0.1:${ingressTls}`;
    progress(`starting the ingress (nginx) on ${listen}, and on ${tlsListen} for stores with a certificate`);
    ingressProcess = await startProcess({
      name: 'ingress',
      command: process.execPath,
      args: ['--import', 'tsx', join(repoRoot, 'dev/ingress/main.ts')],
      cwd: repoRoot,
      logDir: join(options.stateDir, 'logs'),
      registry: options.registry,
      env: {
        KUBECONFIG: cluster.kubeconfigPath,
        STOREFLEET_INGRESS_STATE_DIR: join(options.stateDir, 'ingress'),
        STOREFLEET_INGRESS_LISTEN: listen,
        STOREFLEET_INGRESS_TLS_LISTEN: tlsListen,
      },
      // nginx answers 404 for a host no Ingress claims once it listens.
      isReady: async () => (await fetch(`${ingressUrl}/`).catch(() => undefined))?.status === 404,
    });
    processes.push(ingressProcess);

    if (ingress !== 80)
      progress(
        `the ingress is on port ${ingress}, not 80: store URLs need :${ingress} added (the worker's checks go to ${ingressUrl} directly)`,
      );
    return {
      kubeconfigPath: cluster.kubeconfigPath,
      processes,
      ingressUrl,
      ingressTlsUrl: `https://${tlsListen}`,
      images,
      workerEnv: {
        STOREFLEET_BASE_DOMAIN: LOCAL_BASE_DOMAIN,
        STOREFLEET_INGRESS_NAMESPACE: LOCAL_INGRESS_NAMESPACE,
        STOREFLEET_CHART_VALUES_FILE: chartValuesFile,
        STOREFLEET_STOREFRONT_CHECK: 'on',
        // Store URLs carry no port: the worker's checks reach them through the ingress, wherever it listens.
        STOREFLEET_STORE_INGRESS_URL: ingressUrl,
      },
      cluster,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
