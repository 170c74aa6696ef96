// A real node on this machine: containerd, kubelet and kube-proxy under the control plane, a pod with
// real containers, the add-ons (cluster DNS, volumes, the NetworkPolicy firewall) doing their jobs with
// real traffic and files, and a host that is exactly as before once the node stops, or once the next
// start has cleaned up after a killed run. Needs root and the Debian packages of local mode
// (dev/cluster/local-checks.ts), so it runs only with STOREFLEET_REAL_NODE=1. One node per machine:
// the describes run one after the other, and the file takes its turn with the other real-node files.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freeLocalClusterPorts, startLocalCluster, type RunningLocalCluster } from '../../dev/cluster/local.js';
import { busyboxImage, imageRef } from '../../dev/cluster/local-images.js';
import { cleanUpKilledRun } from '../../dev/cluster/local-host-setup.js';
import { defaultCacheDir, repoRoot } from '../../dev/config.js';
import { ProcessRegistry } from '../../dev/process.js';
import { ensureToolchain, type Toolchain } from '../../dev/toolchain/ensure.js';
import { localNodeComponents } from '../../dev/toolchain/local-components.js';
import { applyObject } from '../../activities/kube-objects.js';
import { guardrailManifests } from '../../activities/guardrails.js';
import { namespaceName } from '../../core/names.js';
import { eventually } from '../harness/clients.js';
import { readHostState, type HostState } from './host-state.js';
import { takeNodeTurn } from './node-turn.js';
import { hasEnded, isReady, reachScript, runScript, scriptPod, waitForPod, webPod, webService } from './pods.js';

const enabled = process.env.STOREFLEET_REAL_NODE === '1';

const nodeToolchain = () =>
  ensureToolchain({ cacheDir: defaultCacheDir(), build: false, components: localNodeComponents });

async function startNode(
  stateDir: string,
  toolchain: Toolchain,
): Promise<{ cluster: RunningLocalCluster; core: CoreV1Api }> {
  const cluster = await startLocalCluster({
    stateDir,
    cacheDir: defaultCacheDir(),
    toolchain,
    ...(await freeLocalClusterPorts()),
    registry: new ProcessRegistry(join(stateDir, 'pids.json')),
    ephemeral: true,
  });
  return { cluster, core: coreApi(cluster.kubeconfigPath) };
}

function kubeConfig(kubeconfigPath: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc;
}

function coreApi(kubeconfigPath: string): CoreV1Api {
  return kubeConfig(kubeconfigPath).makeApiClient(CoreV1Api);
}

/** Nothing of the node may be left, and everything it changed must be as it was. */
function expectHostAsBefore(after: HostState, before: HostState, removed: string[]): void {
  expect(after.mountsUnderStateDir).toEqual([]);
  expect(after.nodeProcesses).toEqual([]);
  expect(after.nodeLinks).toEqual(before.nodeLinks);
  expect(after.nodeChains).toEqual(before.nodeChains);
  expect(after.ipsets).toEqual(before.ipsets);
  // Forwarding may stay on for other tools' containers running meanwhile; the stop then says so.
  const kept = new Set(
    removed.filter((entry) => entry.includes(': left at ')).map((entry) => entry.split(' ')[1]?.replace(/:$/, '')),
  );
  expect(Object.entries(after.sysctls).filter(([key]) => !kept.has(key))).toEqual(
    Object.entries(before.sysctls).filter(([key]) => !kept.has(key)),
  );
  expect(after.outsidePaths).toEqual(before.outsidePaths);
  expect(after.cgroups).toEqual(before.cgroups);
}

// Under /tmp, not the repo: containerd's socket path must stay short.
const tempStateDir = () => mkdtempSync('/tmp/storefleet-real-');
const removeStateDir = (dir: string | undefined) => {
  if (dir && !process.env.STOREFLEET_KEEP_TEST_STATE) rmSync(dir, { recursive: true, force: true });
};

describe.skipIf(!enabled)('the node itself (STOREFLEET_REAL_NODE=1)', () => {
  let releaseNode: (() => void) | undefined;
  // Another process (a benchmark, another test run) may hold the node: wait for it.
  beforeAll(async () => void (releaseNode = await takeNodeTurn()), 40 * 60_000);
  afterAll(() => releaseNode?.());

  describe('a real node', () => {
    let stateDir: string;
    let before: HostState;
    let cluster: RunningLocalCluster | undefined;
    let core: CoreV1Api;

    beforeAll(async () => {
      stateDir = tempStateDir();
      const toolchain = await nodeToolchain();
      // A run killed earlier (a CI job cut off) may have left its bridges and sysctls: the start would
      // remove them, so "as before" is the host after that cleanup.
      await cleanUpKilledRun();
      before = await readHostState(stateDir);
      ({ cluster, core } = await startNode(stateDir, toolchain));
    }, 300_000);

    afterAll(async () => {
      await cluster?.stop();
      removeStateDir(stateDir);
    }, 180_000);

    it('when a pod runs on the node, then it is Running and Ready, answers on its pod IP, and its log reads through the API', async () => {
      await core.createNamespacedPod({ namespace: 'default', body: webPod('web', cluster!.images.busybox) });
      const pod = await waitForPod(core, 'web', 120_000, isReady);
      expect(pod.status?.phase).toBe('Running');
      expect(pod.spec?.nodeName).toBe(cluster!.nodeName);
      expect(pod.status?.podIP).toMatch(/^10\.244\.0\./);

      const page = await fetch(`http://${pod.status?.podIP}:8080/`);
      expect(await page.text()).toContain('served by a real container');

      // apiserver -> kubelet (client certificate) -> containerd: the path of kubectl logs.
      const log = await core.readNamespacedPodLog({ name: 'web', namespace: 'default' });
      expect(log).toContain('hello from a real pod');
    }, 180_000);

    it('when a pod starts and is deleted, then no address appears on or leaves the host: a browser there (Chromium fails its queued requests on each such change) keeps its requests', async () => {
      const monitor = spawn('ip', ['-o', 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'inherit'] });
      let seen = '';
      monitor.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
      try {
        // `ip monitor` prints nothing when it starts listening: give it a moment.
        await sleep(500);
        await core.createNamespacedPod({ namespace: 'default', body: webPod('quiet', cluster!.images.busybox) });
        await waitForPod(core, 'quiet', 120_000, isReady);
        await core.deleteNamespacedPod({ name: 'quiet', namespace: 'default' });
        // Gone from the API once kubelet has torn its sandbox (and the host end of its interface) down.
        await eventually(
          'the pod to be gone',
          () =>
            core.readNamespacedPod({ name: 'quiet', namespace: 'default' }).then(
              () => undefined,
              () => true,
            ),
          120_000,
        );
      } finally {
        monitor.kill();
      }
      expect(seen).toBe('');
    }, 180_000);

    it('when a pod looks up a Service by its short and its full name, then cluster DNS answers, the pod connects, and names outside the cluster do not exist', async () => {
      const namespace = 'dns-check';
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      await core.createNamespacedPod({ namespace, body: webPod('web', cluster!.images.busybox, { app: 'web' }) });
      const service = await core.createNamespacedService({ namespace, body: webService('web') });
      await waitForPod(core, 'web', 120_000, isReady, namespace);
      const script = [
        `nslookup web.${namespace}.svc.cluster.local`,
        'nslookup web',
        'nslookup example.com',
        // busybox's nc resolves the short name through the pod's search path, then talks HTTP to httpd.
        "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 web 80",
      ].join('; ');
      const { log } = await runScript(core, namespace, 'client', cluster!.images.busybox, script);
      const clusterIP = service.spec?.clusterIP ?? '';
      expect(log).toMatch(
        new RegExp(
          `Name:\\s+web\\.${namespace}\\.svc\\.cluster\\.local\\s+Address: ${clusterIP.replace(/\./g, '\\.')}`,
        ),
      );
      // Both lookups found it (busybox prints each hit once).
      expect(log.split(`Address: ${clusterIP}`).length - 1).toBe(2);
      expect(log).toContain("can't find example.com: NXDOMAIN");
      expect(log).toContain('served by a real container');
    }, 180_000);

    it('when a claim of the default StorageClass is used by a pod, then it is Bound to a directory under the state dir that holds what the pod wrote', async () => {
      const namespace = 'volume-check';
      await core.createNamespace({ body: { metadata: { name: namespace } } });
      await core.createNamespacedPersistentVolumeClaim({
        namespace,
        body: {
          metadata: { name: 'data' },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      });
      const writer = scriptPod('writer', cluster!.images.busybox, 'echo written by a real pod > /data/proof.txt');
      writer.spec!.containers[0]!.volumeMounts = [{ name: 'data', mountPath: '/data' }];
      writer.spec!.volumes = [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }];
      await core.createNamespacedPod({ namespace, body: writer });
      const ended = await waitForPod(core, 'writer', 120_000, hasEnded, namespace);
      expect(ended.status?.phase).toBe('Succeeded');

      const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'data', namespace });
      expect(claim.status?.phase).toBe('Bound');
      expect(claim.spec?.storageClassName).toBe('standard');
      const volume = await core.readPersistentVolume({ name: claim.spec?.volumeName ?? '' });
      const path = volume.spec?.hostPath?.path ?? volume.spec?.local?.path ?? '';
      expect(path.startsWith(join(stateDir, 'volumes') + '/')).toBe(true);
      expect(readFileSync(join(path, 'proof.txt'), 'utf8')).toBe('written by a real pod\n');
    }, 180_000);

    it("when a store's network policies guard namespace A, then a pod of namespace B cannot open a TCP connection to A's pod or Service, while a pod of A can, by name", async () => {
      const spec = { storeId: 'netpol-a', engine: 'woocommerce' as const, plan: 'small' as const, owner: 'default' };
      const storeNamespace = namespaceName(spec.storeId);
      const other = 'netpol-b';
      for (const name of [storeNamespace, other]) await core.createNamespace({ body: { metadata: { name } } });
      // The very policies a store gets: default deny in and out, same namespace, the ingress controller's namespace, DNS.
      const policies = guardrailManifests(spec, 'ingress-nginx').filter((object) => object.kind === 'NetworkPolicy');
      expect(policies.length).toBeGreaterThanOrEqual(4);
      for (const policy of policies) await applyObject(kubeConfig(cluster!.kubeconfigPath), policy);
      await core.createNamespacedPod({
        namespace: storeNamespace,
        body: webPod('web', cluster!.images.busybox, { app: 'web' }),
      });
      const service = await core.createNamespacedService({ namespace: storeNamespace, body: webService('web') });
      const web = await waitForPod(core, 'web', 120_000, isReady, storeNamespace);
      const podIP = web.status?.podIP ?? '';

      const probe = (targets: string[]) =>
        reachScript(
          targets,
          (target) =>
            `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${target} 2>/dev/null | grep -q 'served by a real container'`,
        );
      const inside = await runScript(
        core,
        storeNamespace,
        'probe',
        cluster!.images.busybox,
        probe([`${podIP} 8080`, 'web 80']),
      );
      expect(inside.log).toContain(`${podIP} 8080 open`);
      expect(inside.log).toContain('web 80 open');

      const outside = await runScript(
        core,
        other,
        'probe',
        cluster!.images.busybox,
        probe([`${podIP} 8080`, `${service.spec?.clusterIP} 80`]),
      );
      expect(outside.log).toContain(`${podIP} 8080 closed`);
      expect(outside.log).toContain(`${service.spec?.clusterIP} 80 closed`);
      // The node itself (where local mode's ingress runs) still reaches the store's pod.
      expect(await (await fetch(`http://${podIP}:8080/`)).text()).toContain('served by a real container');
    }, 240_000);

    it('when the node stops, then the host is as it was: no mounts, processes, bridges, namespaces, chains or cgroups left, sysctls restored', async () => {
      const removed = await cluster!.stop();
      // kubelet sets kernel.panic to 10 whatever it was; the stop must have put it back.
      if (before.sysctls['kernel.panic'] !== '10')
        expect(removed).toContain(`sysctl kernel.panic: 10 -> ${before.sysctls['kernel.panic']}`);
      expectHostAsBefore(await readHostState(stateDir), before, removed);
    }, 180_000);
  });

  describe('a killed run of a real node', () => {
    let stateDir: string;
    let before: HostState;
    let child: ChildProcess | undefined;
    let cluster: RunningLocalCluster | undefined;

    beforeAll(() => {
      stateDir = tempStateDir();
    });

    afterAll(async () => {
      child?.kill('SIGKILL');
      await cluster?.stop();
      removeStateDir(stateDir);
    }, 180_000);

    it('when a run is killed with its pods running, then the next start removes what it left, says so, and its stop leaves the host as before', async () => {
      const toolchain = await nodeToolchain();
      before = await readHostState(stateDir);
      // The node by hand (dev/cluster/run-local.ts), as npm start would run it, then killed outright.
      child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'dev/cluster/run-local.ts'), stateDir], {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const { kubeconfigPath, output } = await readyKubeconfig(child, 300_000);
      // A fresh node after the one above: its own images come from the archives that start kept in the
      // cache, imported, not built again.
      for (const image of ['pause', 'busybox', 'coredns'])
        expect(output).toMatch(new RegExp(`importing image localhost/storefleet/${image}:`));
      expect(output).not.toContain('building image');
      const core = coreApi(kubeconfigPath);
      await core.createNamespacedPod({ namespace: 'default', body: webPod('web', imageRef(busyboxImage)) });
      await waitForPod(core, 'web', 120_000, isReady);
      child.kill('SIGKILL');
      await new Promise((resolve) => child!.once('exit', resolve));

      // What the next start finds first (npm start does the same): processes of the registry, then the host.
      const stopped = await new ProcessRegistry(join(stateDir, 'pids.json')).cleanLeftovers();
      expect(stopped.join(' ')).toMatch(/kubelet/);
      ({ cluster } = await startNode(stateDir, toolchain));
      expect(cluster.leftovers).toContain('interface sf-cni0');
      expect(cluster.leftovers.some((entry) => entry.startsWith('process '))).toBe(true);
      expect(cluster.leftovers.some((entry) => entry.startsWith('mount '))).toBe(true);

      const removed = await cluster.stop();
      expectHostAsBefore(await readHostState(stateDir), before, removed);
    }, 600_000);
  });

  /** Waits for run-local.ts to say the node is Ready; returns the kubeconfig it names and what it said. */
  function readyKubeconfig(
    child: ChildProcess,
    timeoutMs: number,
  ): Promise<{ kubeconfigPath: string; output: string }> {
    return new Promise((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`run-local.ts not Ready after ${timeoutMs / 1000}s:\n${output}`)),
        timeoutMs,
      );
      const onData = (data: Buffer) => {
        output += data.toString();
        const match = /export KUBECONFIG=(\S+)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve({ kubeconfigPath: match[1], output });
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`run-local.ts exited (${code}) before the node was Ready:\n${output}`)),
      );
    });
  }
});
