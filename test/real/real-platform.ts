// What every real-node test file starts with: its turn on the node, local mode's platform (node,
// images, ingress), a worker as local mode runs it and an API in front; and what they all check of a
// store: its phase through the API, its pods, its Secret, and that nothing of it is left once deleted.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { execa } from 'execa';
import { expect, inject } from 'vitest';
import { adminSecretKeys } from '../../activities/secrets.js';
import { storeRequest, type StoreRequest, type StoreResponse } from '../../activities/store-http.js';
import type { Engine } from '../../core/store-spec.js';
import { namespaceName, storeUrl } from '../../core/names.js';
import { freeLocalClusterPorts } from '../../dev/cluster/local.js';
import {
  localChartValues,
  LOCAL_BASE_DOMAIN,
  LOCAL_INGRESS_NAMESPACE,
  startLocalPlatform,
  type RunningLocalPlatform,
} from '../../dev/cluster/local-platform.js';
import { defaultCacheDir } from '../../dev/config.js';
import { freePort } from '../../dev/ports.js';
import { ProcessRegistry } from '../../dev/process.js';
import { ensureToolchain } from '../../dev/toolchain/ensure.js';
import { localNodeComponents } from '../../dev/toolchain/local-components.js';
import { startApi, type TestApi } from '../harness/api.js';
import { eventually, GiveUp, kubeConfig } from '../harness/clients.js';
import { storeSecret } from '../harness/end-checks.js';
import { startStoreWorker, type StoreWorkerOptions, type TestStoreWorker } from '../harness/store-worker.js';
import { takeNodeTurn } from './node-turn.js';

export const realNodeEnabled = process.env.STOREFLEET_REAL_NODE === '1';

/** The host the worker gives the store's Ingress, from the same helper. */
export const hostOf = (id: string) => new URL(storeUrl(id, LOCAL_BASE_DOMAIN)).host;

export interface StoreView {
  phase: string;
  lastError?: string;
  url?: string;
  conditions: Array<{ type: string; status: string; reason: string; message: string }>;
}

export type EngineValues = Record<string, unknown>;

export interface RealPlatform {
  platform: RunningLocalPlatform;
  stateDir: string;
  core: CoreV1Api;
  worker: TestStoreWorker;
  api: TestApi;
  /** Local mode's chart values of one engine (the images built here, never pulled). */
  localValues(engine: Engine): EngineValues;
  /** A worker as local mode runs it, with `values` as that engine's chart values. */
  localWorker(options?: StoreWorkerOptions, values?: Partial<Record<Engine, EngineValues>>): Promise<TestStoreWorker>;
  ctr(args: string[]): Promise<{ stdout: string }>;
  post(path: string, body?: unknown): Promise<Response>;
  status(id: string): Promise<StoreView>;
  untilPhase(id: string, phase: string, timeoutMs?: number): Promise<StoreView>;
  podOf(id: string, component: string): Promise<V1Pod>;
  /** One request to a path of the store through the ingress, as the worker's checks send it; the body is read. */
  viaIngress(
    id: string,
    path: string,
    options?: Omit<StoreRequest, 'ingressUrl'>,
  ): Promise<StoreResponse & { body: string }>;
  /** GET a path of the store through the ingress until it answers 200. */
  pageAnswers(id: string, path?: string): Promise<StoreResponse & { body: string }>;
  secretValues(id: string): Promise<Record<(typeof adminSecretKeys)[number], string>>;
  /**
   * After delete: no namespace, volume or volume directory of the stores. The node's part is checked later
   * by expectNothingLeftOnNode(), once kubelet's garbage collection has had its minute.
   */
  expectNothingLeft(ids: string[]): Promise<void>;
  /** No container, sandbox or iptables rule of any store expectNothingLeft() was asked about. */
  expectNothingLeftOnNode(): Promise<void>;
  stop(): Promise<void>;
}

export async function startRealPlatform(
  label: string,
  provisionMs: number,
  workerOptions: StoreWorkerOptions = {},
): Promise<RealPlatform> {
  // The other real-node files may hold the node: wait for it, however long their tests take.
  const releaseNode = await takeNodeTurn();
  // Under /tmp, not the repo: containerd's socket path must stay short.
  const stateDir = mkdtempSync(`/tmp/storefleet-${label}-`);
  let platform: RunningLocalPlatform | undefined;
  let worker: TestStoreWorker | undefined;
  let api: TestApi | undefined;
  const stop = async () => {
    await api?.close();
    await worker?.stop();
    await platform?.stop();
    if (!process.env.STOREFLEET_KEEP_TEST_STATE) rmSync(stateDir, { recursive: true, force: true });
    releaseNode();
  };
  try {
    const nodeToolchain = await ensureToolchain({
      cacheDir: defaultCacheDir(),
      build: false,
      components: localNodeComponents,
    });
    const { ports, nodePorts } = await freeLocalClusterPorts();
    const running = await startLocalPlatform({
      stateDir,
      cacheDir: defaultCacheDir(),
      toolchain: { ...inject('toolchain'), ...nodeToolchain },
      registry: new ProcessRegistry(join(stateDir, 'pids.json')),
      ports: { ...ports, nodePorts, ingress: await freePort(), ingressTls: await freePort() },
      ephemeral: true,
      progress: (line) => process.stdout.write(`[real ${label}] ${line}\n`),
    });
    platform = running;
    const core = kubeConfig(running.kubeconfigPath).makeApiClient(CoreV1Api);
    const localValues = (engine: Engine) => (localChartValues(running.images) as Record<Engine, EngineValues>)[engine];
    const localWorker = (options: StoreWorkerOptions = {}, values: Partial<Record<Engine, EngineValues>> = {}) =>
      startStoreWorker({
        kubeconfigPath: running.kubeconfigPath,
        ingressNamespace: LOCAL_INGRESS_NAMESPACE,
        baseDomain: LOCAL_BASE_DOMAIN,
        storeIngressUrl: running.ingressUrl,
        maxProvisionSeconds: provisionMs / 1000,
        ...workerOptions,
        ...options,
        chartValues: { woocommerce: localValues('woocommerce'), medusa: localValues('medusa'), ...values },
      });
    worker = await localWorker();
    api = await startApi({ taskQueue: worker.taskQueue });
    const apiUrl = api.url;
    const status = async (id: string) => (await (await fetch(`${apiUrl}/stores/${id}`)).json()) as StoreView;
    const ctr = (args: string[]) => execa('ctr', ['-a', running.cluster.containerdSocket, '-n', 'k8s.io', ...args]);
    // The namespaces of the stores expectNothingLeft() was asked about, for expectNothingLeftOnNode().
    const deletedNamespaces: string[] = [];
    const viaIngress = async (id: string, path: string, options: Omit<StoreRequest, 'ingressUrl'> = {}) => {
      const reply = await storeRequest(`${storeUrl(id, LOCAL_BASE_DOMAIN)}${path}`, {
        timeoutMs: 30_000,
        readBody: true,
        ...options,
        ingressUrl: running.ingressUrl,
      });
      return { ...reply, body: reply.body ?? '' };
    };
    return {
      platform: running,
      stateDir,
      core,
      worker,
      api,
      localValues,
      localWorker,
      ctr,
      post: (path, body) =>
        fetch(`${apiUrl}${path}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        }),
      status,
      untilPhase: (id, phase, timeoutMs = provisionMs) =>
        eventually(
          `store ${id} to be ${phase}`,
          async () => {
            const current = await status(id);
            // A Failed store stays Failed: say why at once instead of waiting out the timeout.
            if (phase === 'Ready' && current.phase === 'Failed')
              throw new GiveUp(`store ${id} failed: ${current.lastError}`);
            return current.phase === phase ? current : undefined;
          },
          timeoutMs,
        ),
      async podOf(id, component) {
        const pods = await core.listNamespacedPod({
          namespace: namespaceName(id),
          labelSelector: `app.kubernetes.io/component=${component}`,
        });
        const pod = pods.items.find((candidate) => !candidate.metadata?.deletionTimestamp);
        if (!pod) throw new Error(`no ${component} pod in ${namespaceName(id)}`);
        return pod;
      },
      viaIngress,
      pageAnswers: (id, path = '/') =>
        eventually(
          `${path} of ${id} through the ingress`,
          async () => {
            const page = await viaIngress(id, path).catch(() => undefined);
            return page?.status === 200 ? page : undefined;
          },
          180_000,
        ),
      async secretValues(id) {
        const secret = await storeSecret(id, running.kubeconfigPath);
        return Object.fromEntries(adminSecretKeys.map((key) => [key, secret[key] ?? ''])) as Record<
          (typeof adminSecretKeys)[number],
          string
        >;
      },
      async expectNothingLeft(ids) {
        const namespaces = ids.map(namespaceName);
        deletedNamespaces.push(...namespaces);
        for (const name of namespaces) await expect(core.readNamespace({ name })).rejects.toMatchObject({ code: 404 });
        // The provisioner deletes a released volume (reclaim policy Delete) a moment after its claim goes,
        // later on a busy node.
        let volumesLeft: string[] = [];
        await eventually(
          'the volumes of the stores deleted',
          async () => {
            const volumes = await core.listPersistentVolume();
            volumesLeft = volumes.items
              .filter((pv) => namespaces.includes(pv.spec?.claimRef?.namespace ?? ''))
              .map((pv) => `${pv.metadata?.name} (${pv.status?.phase})`);
            return volumesLeft.length === 0 ? true : undefined;
          },
          120_000,
          () => `still there: ${volumesLeft.join(', ')}`,
        );
        // It removes the volume's directory with a helper pod, a moment after the PV goes.
        await eventually(
          'the volume directories removed',
          () =>
            readdirSync(join(stateDir, 'volumes')).some((dir) => namespaces.some((ns) => dir.includes(`_${ns}_`)))
              ? undefined
              : true,
          120_000,
        );
      },
      async expectNothingLeftOnNode() {
        expect(deletedNamespaces, 'the stores expectNothingLeft() checked').not.toEqual([]);
        // kubelet removes a deleted pod's exited containers and sandbox in its garbage collection, once a minute.
        const leftContainers = async () =>
          (
            await Promise.all(
              deletedNamespaces.map(async (ns) =>
                (
                  await ctr(['containers', 'list', '--quiet', `labels."io.kubernetes.pod.namespace"==${ns}`])
                ).stdout.trim(),
              ),
            )
          ).filter(Boolean);
        await eventually(
          'no container or sandbox of the stores in containerd',
          async () => ((await leftContainers()).length === 0 ? true : undefined),
          180_000,
          () => 'still there',
        );
        const rules = await execa('iptables-save');
        for (const ns of deletedNamespaces) expect(rules.stdout).not.toContain(ns);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
