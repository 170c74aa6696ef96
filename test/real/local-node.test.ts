// A real node on this machine: containerd, kubelet and kube-proxy under the control plane, a pod with
// real containers, and a host that is exactly as before once the node stops. Needs root and the Debian
// packages of local mode (dev/cluster/local-checks.ts), so it runs only with STOREFLEET_REAL_NODE=1.
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalCluster, type RunningLocalCluster } from '../../dev/cluster/local.js';
import { defaultCacheDir } from '../../dev/config.js';
import { freePort } from '../../dev/ports.js';
import { ProcessRegistry } from '../../dev/process.js';
import { components } from '../../dev/toolchain/components.js';
import { ensureToolchain } from '../../dev/toolchain/ensure.js';
import { localComponents } from '../../dev/toolchain/local-components.js';
import { readHostState, type HostState } from './host-state.js';

const enabled = process.env.STOREFLEET_REAL_NODE === '1';
const nodeBinaries = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd', 'kubelet', 'kube-proxy'];

describe.skipIf(!enabled)('a real node (STOREFLEET_REAL_NODE=1)', () => {
  let stateDir: string;
  let before: HostState;
  let cluster: RunningLocalCluster | undefined;
  let core: CoreV1Api;

  beforeAll(async () => {
    // Under /tmp, not the repo: containerd's socket path must stay short.
    stateDir = mkdtempSync('/tmp/storefleet-real-');
    const toolchain = await ensureToolchain({
      cacheDir: defaultCacheDir(),
      build: false,
      components: [...components, ...localComponents].filter((c) => c.binaries.some((binary) => nodeBinaries.includes(binary))),
    });
    before = await readHostState(stateDir);
    const port = () => freePort();
    cluster = await startLocalCluster({
      stateDir,
      toolchain,
      ports: { etcd: await port(), etcdPeer: await port(), apiserver: await port(), controllerManager: await port(), scheduler: await port() },
      nodePorts: { kubelet: await port(), kubeletHealthz: await port(), kubeProxyHealthz: await port(), kubeProxyMetrics: await port() },
      registry: new ProcessRegistry(join(stateDir, 'pids.json')),
      ephemeral: true,
    });
    const kc = new KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    core = kc.makeApiClient(CoreV1Api);
  }, 300_000);

  afterAll(async () => {
    await cluster?.stop();
    if (!process.env.STOREFLEET_KEEP_TEST_STATE) rmSync(stateDir, { recursive: true, force: true });
  }, 180_000);

  it('when a pod runs on the node, then it is Running and Ready, answers on its pod IP, and its log reads through the API', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: webPod(cluster!.images.busybox) });
    const pod = await waitForPod(core, 'web', 120_000, (p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false);
    expect(pod.status?.phase).toBe('Running');
    expect(pod.spec?.nodeName).toBe(cluster!.nodeName);
    expect(pod.status?.podIP).toMatch(/^10\.244\.0\./);

    const page = await fetch(`http://${pod.status?.podIP}:8080/`);
    expect(await page.text()).toContain('served by a real container');

    // apiserver -> kubelet (client certificate) -> containerd: the path of kubectl logs.
    const log = await core.readNamespacedPodLog({ name: 'web', namespace: 'default' });
    expect(log).toContain('hello from a real pod');
  }, 180_000);

  it('when the node stops, then the host is as it was: no mounts, processes, bridges, namespaces, chains or cgroups left, sysctls restored', async () => {
    const removed = await cluster!.stop();
    expect(removed.some((entry) => entry.startsWith('sysctl '))).toBe(true);
    const after = await readHostState(stateDir);
    expect(after.mountsUnderStateDir).toEqual([]);
    expect(after.nodeProcesses).toEqual([]);
    expect(after.links).toEqual(before.links);
    expect(after.netns).toEqual(before.netns);
    expect(after.nodeChains).toEqual(before.nodeChains);
    expect(after.sysctls).toEqual(before.sysctls);
    expect(after.outsidePaths).toEqual(before.outsidePaths);
    expect(after.cgroups).toEqual(before.cgroups);
  }, 180_000);
});

/** busybox's httpd on 8080 behind a readiness probe, after one line of log. */
function webPod(image: string): V1Pod {
  return {
    metadata: { name: 'web' },
    spec: {
      terminationGracePeriodSeconds: 2,
      containers: [
        {
          name: 'web',
          image,
          imagePullPolicy: 'Never',
          command: ['sh', '-c', 'echo hello from a real pod; mkdir -p /www; echo served by a real container > /www/index.html; exec httpd -f -p 8080 -h /www'],
          ports: [{ containerPort: 8080 }],
          readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
        },
      ],
    },
  };
}

async function waitForPod(core: CoreV1Api, name: string, timeoutMs: number, done: (pod: V1Pod) => boolean): Promise<V1Pod> {
  const deadline = Date.now() + timeoutMs;
  let pod: V1Pod | undefined;
  while (Date.now() < deadline) {
    pod = await core.readNamespacedPod({ name, namespace: 'default' }).catch(() => undefined);
    if (pod && done(pod)) return pod;
    await sleep(500);
  }
  throw new Error(`pod ${name} not ready after ${timeoutMs / 1000}s: ${JSON.stringify(pod?.status, null, 2)}`);
}
