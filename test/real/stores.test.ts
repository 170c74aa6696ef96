// WordPress stores on a real node, end to end: created through the API, provisioned by the worker with
// local mode's stand-in images, served by PHP through local mode's ingress, guarded by their network
// policies against real traffic, recovering from real faults, and gone without a trace once deleted.
// Needs root and local mode's Debian packages, so it runs only with STOREFLEET_REAL_NODE=1.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { adminSecretKeys } from '../../activities/secrets.js';
import { deleteSignal, retrySignal } from '../../core/messages.js';
import { adminSecretName, namespaceName, storeUrl, storeWorkflowId } from '../../core/names.js';
import { reasons } from '../../core/status.js';
import { freeLocalClusterPorts } from '../../dev/cluster/local.js';
import { localChartValues, LOCAL_BASE_DOMAIN, LOCAL_INGRESS_NAMESPACE, startLocalPlatform, type RunningLocalPlatform } from '../../dev/cluster/local-platform.js';
import { defaultCacheDir } from '../../dev/config.js';
import { freePort } from '../../dev/ports.js';
import { ProcessRegistry } from '../../dev/process.js';
import { ensureToolchain } from '../../dev/toolchain/ensure.js';
import { localNodeComponents } from '../../dev/toolchain/local-components.js';
import { startApi, type TestApi } from '../harness/api.js';
import { launchBrowser, openPage } from '../harness/browser.js';
import { requestWithHost } from '../harness/host-request.js';
import { eventually, kubeConfig } from '../harness/clients.js';
import { historyText, startStoreWorker, storeId, storeStatus, waitForPhase, type StoreWorkerOptions, type TestStoreWorker } from '../harness/store-worker.js';
import { screenshot } from '../web/dashboard-page.js';
import { takeNodeTurn } from './node-turn.js';
import { isReady, runScript } from './pods.js';

const enabled = process.env.STOREFLEET_REAL_NODE === '1';
// A real WordPress store: MariaDB initialising its volume, Apache with PHP, the setup Job's wp-cli.
const provisionMs = 10 * 60_000;

/** The host the worker gives the store's Ingress, from the same helper. */
const hostOf = (id: string) => new URL(storeUrl(id, LOCAL_BASE_DOMAIN)).host;

describe.skipIf(!enabled)('WordPress stores on a real node (STOREFLEET_REAL_NODE=1)', () => {
  let releaseNode: (() => void) | undefined;
  let stateDir: string;
  let platform: RunningLocalPlatform | undefined;
  let worker: TestStoreWorker | undefined;
  let api: TestApi | undefined;
  let core: CoreV1Api;
  const shop = storeId('shop');
  const neighbour = storeId('next');

  const ctr = (args: string[]) => execa('ctr', ['-a', platform!.cluster.containerdSocket, '-n', 'k8s.io', ...args]);
  const post = (path: string, body: unknown) => fetch(`${api!.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const status = async (id: string) => (await (await fetch(`${api!.url}/stores/${id}`)).json()) as { phase: string; lastError?: string; conditions: Array<{ type: string; status: string; reason: string; message: string }> };
  const untilPhase = (id: string, phase: string, timeoutMs = provisionMs) =>
    eventually(`store ${id} to be ${phase}`, async () => {
      const current = await status(id);
      if (phase === 'Ready' && current.phase === 'Failed') throw new Error(`store ${id} failed: ${current.lastError}`);
      return current.phase === phase ? current : undefined;
    }, timeoutMs);
  const podOf = async (id: string, component: string): Promise<V1Pod> => {
    const pods = await core.listNamespacedPod({ namespace: namespaceName(id), labelSelector: `app.kubernetes.io/component=${component}` });
    const pod = pods.items.find((candidate) => !candidate.metadata?.deletionTimestamp);
    if (!pod) throw new Error(`no ${component} pod in ${namespaceName(id)}`);
    return pod;
  };
  const homePageAnswers = (id: string) =>
    eventually(`the home page of ${id} through the ingress`, async () => {
      const page = await requestWithHost(platform!.ingressUrl, hostOf(id), '/').catch(() => undefined);
      return page?.status === 200 ? page : undefined;
    }, 180_000);
  const secretValues = async (id: string) => {
    const secret = await core.readNamespacedSecret({ name: adminSecretName, namespace: namespaceName(id) });
    return Object.fromEntries(adminSecretKeys.map((key) => [key, Buffer.from(secret.data?.[key] ?? '', 'base64').toString()])) as Record<(typeof adminSecretKeys)[number], string>;
  };

  type StandIns = { images: Record<string, { repository: string; tag: string; pullPolicy: string }>; woocommerce: Record<string, unknown> };
  const standIns = () => (localChartValues(platform!.images) as { woocommerce: StandIns }).woocommerce;
  /** A worker as local mode runs it, with the WooCommerce chart values `change` makes of the stand-ins'. */
  const localWorker = (options: StoreWorkerOptions = {}, change: (values: StandIns) => Record<string, unknown> = (values) => values) =>
    startStoreWorker({
      kubeconfigPath: platform!.kubeconfigPath,
      ingressNamespace: LOCAL_INGRESS_NAMESPACE,
      baseDomain: LOCAL_BASE_DOMAIN,
      maxProvisionSeconds: provisionMs / 1000,
      ...options,
      chartValues: { woocommerce: change(standIns()) },
    });

  beforeAll(async () => {
    // The other real-node file may hold the node: wait for it, however long its tests take.
    releaseNode = await takeNodeTurn();
    // Under /tmp, not the repo: containerd's socket path must stay short.
    stateDir = mkdtempSync('/tmp/storefleet-stores-');
    const nodeToolchain = await ensureToolchain({ cacheDir: defaultCacheDir(), build: false, components: localNodeComponents });
    const { ports, nodePorts } = await freeLocalClusterPorts();
    platform = await startLocalPlatform({
      stateDir,
      cacheDir: defaultCacheDir(),
      toolchain: { ...inject('toolchain'), ...nodeToolchain },
      registry: new ProcessRegistry(join(stateDir, 'pids.json')),
      ports: { ...ports, nodePorts, ingress: await freePort() },
      ephemeral: true,
      progress: (line) => process.stdout.write(`[real stores] ${line}\n`),
    });
    core = kubeConfig(platform.kubeconfigPath).makeApiClient(CoreV1Api);
    worker = await localWorker();
    api = await startApi({ taskQueue: worker.taskQueue });
  }, 40 * 60_000);

  afterAll(async () => {
    await api?.close();
    await worker?.stop();
    await platform?.stop();
    if (stateDir && !process.env.STOREFLEET_KEEP_TEST_STATE) rmSync(stateDir, { recursive: true, force: true });
    releaseNode?.();
  }, 300_000);

  it('when two WordPress stores are created through the API, then both get Ready with WooCommerce reported skipped, the URL serves the PHP home page through the ingress, and the administrator logs in', async () => {
    for (const id of [shop, neighbour]) expect((await post('/stores', { storeId: id, engine: 'woocommerce' })).status).toBe(201);
    const ready = await untilPhase(shop, 'Ready');
    await untilPhase(neighbour, 'Ready');
    expect(ready.conditions).toContainEqual(expect.objectContaining({ type: 'CommerceReady', status: 'False', reason: reasons.PluginUnavailable }));

    const home = await homePageAnswers(shop);
    // Made by PHP: WordPress writes its generator tag and the store's own URL into the page.
    expect(home.body).toMatch(/<meta name="generator" content="WordPress [\d.]+"/);
    expect(home.body).toContain(`http://${hostOf(shop)}/`);
    const login = await requestWithHost(platform!.ingressUrl, hostOf(shop), '/wp-login.php');
    expect(login.status).toBe(200);
    expect(login.body).toContain('name="log"');

    const { 'admin-username': user, 'admin-password': password } = await secretValues(shop);
    const form = new URLSearchParams({ log: user, pwd: password, 'wp-submit': 'Log In', testcookie: '1' }).toString();
    const loggedIn = await requestWithHost(platform!.ingressUrl, hostOf(shop), '/wp-login.php', {
      method: 'POST',
      body: form,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: 'wordpress_test_cookie=WP%20Cookie%20check' },
    });
    expect(loggedIn.status).toBe(302);
    expect(String(loggedIn.headers['set-cookie'])).toMatch(/wordpress_logged_in_[0-9a-f]+=/);
    const wrong = await requestWithHost(platform!.ingressUrl, hostOf(shop), '/wp-login.php', {
      method: 'POST',
      body: new URLSearchParams({ log: user, pwd: `${password}-wrong`, testcookie: '1' }).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: 'wordpress_test_cookie=WP%20Cookie%20check' },
    });
    expect(String(wrong.headers['set-cookie'] ?? '')).not.toMatch(/wordpress_logged_in_/);
  }, 2 * provisionMs);

  it("when Chromium opens the store's URL, then it shows that store's WordPress site, styled by the theme", async () => {
    const browser = await launchBrowser({ proxy: new URL(platform!.ingressUrl).host });
    try {
      const { context, page, pageErrors } = await openPage(browser, `http://${hostOf(shop)}/`);
      // The site title is the store id (the chart's default), as the setup Job installed it.
      await expect(page.title()).resolves.toContain(shop);
      const styled = await page.evaluate<number>('document.styleSheets.length');
      expect(styled).toBeGreaterThan(0);
      await screenshot(page, 'real-store-home');
      expect(pageErrors).toEqual([]);
      await context.close();
    } finally {
      await browser.close();
    }
  });

  it("when a pod of one store dials the other store's database, then the connection is refused by policy, while its own database answers and the ingress reaches both", async () => {
    const database = async (id: string) => {
      const pod = await podOf(id, 'database');
      const services = await core.listNamespacedService({ namespace: namespaceName(id), labelSelector: 'app.kubernetes.io/component=database' });
      return { podIP: pod.status?.podIP ?? '', service: `${services.items[0]?.metadata?.name}.${namespaceName(id)}.svc.cluster.local` };
    };
    const own = await database(shop);
    const other = await database(neighbour);
    // MariaDB greets a client first: "open" means greeting bytes arrived. kube-router adds a new pod to
    // its sets a moment after it starts, so each target gets 10 tries a second apart, and "closed"
    // means closed for all of them.
    const probe = (target: string) =>
      `r=closed; for i in 1 2 3 4 5 6 7 8 9 10; do if [ "$(timeout 3 nc ${target} 3306 </dev/null 2>/dev/null | head -c 8 | wc -c)" -gt 0 ]; then r=open; break; fi; sleep 1; done; echo "${target} $r"`;
    const targets = [own.service, own.podIP, other.service, other.podIP];
    // All at once: a closed target takes its 10 tries in full.
    const { log } = await runScript(core, namespaceName(shop), 'probe', platform!.cluster.images.busybox, `${targets.map((t) => `(${probe(t)}) &`).join(' ')} wait`);
    expect(log).toContain(`${own.service} open`);
    expect(log).toContain(`${own.podIP} open`);
    expect(log).toContain(`${other.service} closed`);
    expect(log).toContain(`${other.podIP} closed`);
    for (const id of [shop, neighbour]) expect((await homePageAnswers(id)).body).toContain(`http://${hostOf(id)}/`);
  }, 300_000);

  it('when the database pod is deleted, then its StatefulSet brings it back on the same volume and the store serves its page again', async () => {
    const before = await podOf(shop, 'database');
    await core.deleteNamespacedPod({ name: before.metadata!.name!, namespace: namespaceName(shop) });
    await eventually('a new database pod Ready', async () => {
      const pod = await podOf(shop, 'database').catch(() => undefined);
      return pod && pod.metadata?.uid !== before.metadata?.uid && isReady(pod) ? pod : undefined;
    }, 300_000);
    // The content the setup Job wrote to the database survived: the same installed site answers.
    const home = await homePageAnswers(shop);
    expect(home.body).toMatch(/<meta name="generator" content="WordPress/);
    expect((await status(shop)).phase).toBe('Ready');
  }, 400_000);

  it('when the web container is killed with SIGKILL, then kubelet restarts it and the store serves its page again', async () => {
    const before = await podOf(shop, 'wordpress');
    const container = before.status?.containerStatuses?.find((c) => c.name === 'wordpress');
    const containerId = container?.containerID?.replace(/^containerd:\/\//, '') ?? '';
    expect(containerId).not.toBe('');
    await ctr(['tasks', 'kill', '--signal', 'SIGKILL', containerId]);
    await eventually('the web container restarted and Ready', async () => {
      const pod = await podOf(shop, 'wordpress');
      const restarted = pod.status?.containerStatuses?.find((c) => c.name === 'wordpress');
      return (restarted?.restartCount ?? 0) > (container?.restartCount ?? 0) && isReady(pod) ? pod : undefined;
    }, 180_000);
    expect((await homePageAnswers(shop)).body).toMatch(/<meta name="generator" content="WordPress/);
  }, 300_000);

  it('when the WordPress image is missing, then the store is Failed with ImageUnavailable naming pod and container; once the image is there, a retry makes it Ready', async () => {
    const present = standIns().images.wordpress!;
    const absent = { ...present, tag: `${present.tag}-absent` };
    const missing = await localWorker({ fatalWaitGraceMs: 15_000 }, (values) => ({ ...values, images: { ...values.images, wordpress: absent } }));
    try {
      const id = storeId('noimg');
      const handle = await missing.createStore({ storeId: id, engine: 'woocommerce' });
      const failed = await waitForPhase(handle, 'Failed', provisionMs);
      expect(failed.lastError).toContain('ErrImageNeverPull');
      expect(failed.lastError).toContain('wordpress');
      expect(failed.lastError).toContain(`${absent.repository}:${absent.tag}`);

      // "Built" here: the image appears in the node's store under the name the chart asks for.
      await ctr(['images', 'tag', `${present.repository}:${present.tag}`, `${absent.repository}:${absent.tag}`]);
      await handle.signal(retrySignal);
      const ready = await waitForPhase(handle, 'Ready', provisionMs);
      expect(ready.attempts).toBe(2);
      expect((await homePageAnswers(id)).status).toBe(200);
      await handle.signal(deleteSignal);
      await waitForPhase(handle, 'Deleted', 300_000);
    } finally {
      await ctr(['images', 'rm', `${absent.repository}:${absent.tag}`]).catch(() => undefined);
      await missing.stop();
    }
  }, 3 * provisionMs);

  it('when the store ran, then no secret value shows in its workflow history, the worker or API logs, or the log tails storefleet recorded', async () => {
    const secrets = Object.values(await secretValues(shop)).filter((value) => value.length >= 8);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const handle = worker!.client.workflow.getHandle(storeWorkflowId(shop));
    const recorded = [await historyText(handle), JSON.stringify(await storeStatus(handle)), ...worker!.logs, ...api!.logs].join('\n');
    for (const secret of secrets) expect(recorded).not.toContain(secret);
  });

  it('when both stores are deleted, then nothing of them is left: namespace, volumes and their directories, containers and sandboxes, iptables rules', async () => {
    for (const id of [shop, neighbour]) expect((await fetch(`${api!.url}/stores/${id}`, { method: 'DELETE' })).status).toBe(202);
    for (const id of [shop, neighbour]) await untilPhase(id, 'Deleted', 300_000);
    const namespaces = [shop, neighbour].map(namespaceName);
    for (const name of namespaces) await expect(core.readNamespace({ name })).rejects.toMatchObject({ code: 404 });
    const volumes = await core.listPersistentVolume();
    expect(volumes.items.filter((pv) => namespaces.includes(pv.spec?.claimRef?.namespace ?? ''))).toEqual([]);
    // The provisioner removes a released volume's directory with a helper pod, a moment after the PV goes.
    await eventually('the volume directories removed', () => (readdirSync(join(stateDir, 'volumes')).some((dir) => namespaces.some((ns) => dir.includes(`_${ns}_`))) ? undefined : true), 120_000);
    // kubelet removes a deleted pod's exited containers and sandbox in its garbage collection, once a minute.
    const leftContainers = async () => (await Promise.all(namespaces.map(async (ns) => (await ctr(['containers', 'list', '--quiet', `labels."io.kubernetes.pod.namespace"==${ns}`])).stdout.trim()))).filter(Boolean);
    await eventually('no container or sandbox of the stores in containerd', async () => ((await leftContainers()).length === 0 ? true : undefined), 180_000, () => 'still there');
    const rules = await execa('iptables-save');
    for (const ns of namespaces) expect(rules.stdout).not.toContain(ns);
  }, 600_000);

  // Last, on an emptier node: a 2-core node fits four small stores' CPU requests, system pods included.
  it('when the web container keeps crashing, or the setup Job fails, then the store says so with the last log lines, and never a secret', async () => {
    // MariaDB's image where WordPress's belongs: its entrypoint finds no MARIADB_* settings and exits 1.
    const crashing = await localWorker({ maxProvisionSeconds: 150 }, (values) => ({ ...values, images: { ...values.images, wordpress: values.images.mariadb! } }));
    // The production default: a WooCommerce plugin that cannot be had fails the setup Job (after one
    // retry here, not the chart's six, whose back-off adds up to ten minutes).
    const strict = await localWorker({}, (values) => ({ ...values, woocommerce: { required: true }, setup: { backoffLimit: 1 } }));
    try {
      const [crash, job] = await Promise.all([crashing.createStore({ storeId: storeId('crash'), engine: 'woocommerce' }), strict.createStore({ storeId: storeId('nojob'), engine: 'woocommerce' })]);
      const [crashed, jobFailed] = await Promise.all([waitForPhase(crash, 'Failed', provisionMs), waitForPhase(job, 'Failed', provisionMs)]);

      const crashEvent = crashed.events.find((event) => event.reason === reasons.ContainerCrashing);
      expect(crashEvent?.message).toMatch(/^pod \S+-wordpress-\S+: container wordpress: CrashLoopBackOff/);
      // The container's own words, from its log: the MariaDB entrypoint refusing to start.
      expect(crashEvent?.message).toMatch(/MARIADB_ROOT_PASSWORD|MYSQL_ROOT_PASSWORD/);
      expect(crashed.lastError).toContain('CrashLoopBackOff');

      expect(jobFailed.lastError).toContain('setup');
      expect(jobFailed.lastError).toContain('cannot be installed here');

      for (const [store, status] of [[crash.workflowId, crashed], [job.workflowId, jobFailed]] as const) {
        const secrets = Object.values(await secretValues(store.replace(/^store-/, ''))).filter((value) => value.length >= 8);
        const recorded = JSON.stringify(status);
        for (const secret of secrets) expect(recorded).not.toContain(secret);
      }
      for (const handle of [crash, job]) await handle.signal(deleteSignal);
      await Promise.all([crash, job].map((handle) => waitForPhase(handle, 'Deleted', 300_000)));
    } finally {
      await crashing.stop();
      await strict.stop();
    }
  }, 2 * provisionMs);
});
