// WordPress stores on a real node, end to end (test/real/node.test.ts runs these tests): created through
// the API, provisioned by the worker with local mode's stand-in images, served by PHP through local
// mode's ingress, guarded by their network policies against real traffic, recovering from real faults,
// failing with the reason a platform team needs, and served over HTTPS with a certificate cert-manager issued.
import { request as httpsRequest } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { mergeValues } from '../../activities/helm-cli.js';
import { deleteSignal, retrySignal } from '../../core/messages.js';
import { namespaceName, releaseName, storeWorkflowId } from '../../core/names.js';
import { reasons } from '../../core/status.js';
import { clusterChartValues } from '../../worker/cluster-values.js';
import { launchBrowser, openPage } from '../harness/browser.js';
import { startCertManager } from '../harness/cert-manager.js';
import { eventually } from '../harness/clients.js';
import { storeSecretValues } from '../harness/end-checks.js';
import { historyText, storeId, storeStatus, waitForPhase, type StoreWorkerOptions } from '../harness/store-worker.js';
import { screenshot } from '../web/dashboard-page.js';
import { isReady, reachScript, runScript } from './pods.js';
import { hostOf, type RealPlatform } from './real-platform.js';

// A real WordPress store: MariaDB initialising its volume, Apache with PHP, the setup Job's wp-cli.
const provisionMs = 10 * 60_000;

type StandIns = {
  images: Record<string, { repository: string; tag: string; pullPolicy: string }>;
  woocommerce: Record<string, unknown>;
};

/** A worker as local mode runs it, with the WooCommerce chart values `change` makes of the stand-ins'. */
const localWorker = (
  real: RealPlatform,
  options: StoreWorkerOptions,
  change: (values: StandIns) => Record<string, unknown>,
) => real.localWorker(options, { woocommerce: change(real.localValues('woocommerce') as StandIns) });

/**
 * CPU requests of 25m per container (what the scheduler counts, not what a container may use): the
 * four stores of wordPressFailureTests run at once, and with the small plan's requests beside the
 * node's own pods its two cores fit three. Their containers crash, wait for an image or serve a page.
 */
const lightRequests = {
  presets: {
    small: Object.fromEntries(
      ['wordpress', 'mariadb', 'setup'].map((part) => [part, { resources: { requests: { cpu: '25m' } } }]),
    ),
  },
};

/** A worker as localWorker gives, with light CPU requests. */
const lightWorker = (
  real: RealPlatform,
  options: StoreWorkerOptions,
  change: (values: StandIns) => Record<string, unknown>,
) => localWorker(real, options, (values) => mergeValues(change(values), lightRequests));

/**
 * Two WordPress stores the caller created through the API (and deletes): Ready, served, seen in
 * Chromium, kept apart by their policies, recovering from a lost database pod and a killed web container.
 */
export function wordPressStoreTests(
  platform: () => RealPlatform,
  { shop, neighbour }: { shop: string; neighbour: string },
) {
  let real: RealPlatform;
  beforeAll(() => void (real = platform()));

  it(
    'when two WordPress stores are created through the API, then both get Ready with WooCommerce reported skipped, the URL serves the PHP home page through the ingress, and the administrator logs in',
    async () => {
      const ready = await real.untilPhase(shop, 'Ready');
      await real.untilPhase(neighbour, 'Ready');
      expect(ready.conditions).toContainEqual(
        expect.objectContaining({ type: 'CommerceReady', status: 'False', reason: reasons.PluginUnavailable }),
      );

      const home = await real.pageAnswers(shop);
      // Made by PHP: WordPress writes its generator tag and the store's own URL into the page.
      expect(home.body).toMatch(/<meta name="generator" content="WordPress [\d.]+"/);
      expect(home.body).toContain(`http://${hostOf(shop)}/`);
      const login = await real.viaIngress(shop, '/wp-login.php');
      expect(login.status).toBe(200);
      expect(login.body).toContain('name="log"');

      const { 'admin-username': user, 'admin-password': password } = await real.secretValues(shop);
      const form = new URLSearchParams({ log: user, pwd: password, 'wp-submit': 'Log In', testcookie: '1' }).toString();
      const loggedIn = await real.viaIngress(shop, '/wp-login.php', {
        method: 'POST',
        body: form,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Cookie: 'wordpress_test_cookie=WP%20Cookie%20check',
        },
      });
      expect(loggedIn.status).toBe(302);
      expect(String(loggedIn.headers['set-cookie'])).toMatch(/wordpress_logged_in_[0-9a-f]+=/);
      const wrong = await real.viaIngress(shop, '/wp-login.php', {
        method: 'POST',
        body: new URLSearchParams({ log: user, pwd: `${password}-wrong`, testcookie: '1' }).toString(),
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Cookie: 'wordpress_test_cookie=WP%20Cookie%20check',
        },
      });
      expect(String(wrong.headers['set-cookie'] ?? '')).not.toMatch(/wordpress_logged_in_/);
    },
    2 * provisionMs,
  );

  it("when Chromium opens the store's URL, then it shows that store's WordPress site, styled by the theme", async () => {
    const browser = await launchBrowser({ proxy: new URL(real.platform.ingressUrl).host });
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
      const pod = await real.podOf(id, 'database');
      const services = await real.core.listNamespacedService({
        namespace: namespaceName(id),
        labelSelector: 'app.kubernetes.io/component=database',
      });
      return {
        podIP: pod.status?.podIP ?? '',
        service: `${services.items[0]?.metadata?.name}.${namespaceName(id)}.svc.cluster.local`,
      };
    };
    const own = await database(shop);
    const other = await database(neighbour);
    // MariaDB greets a client first: "open" means greeting bytes arrived.
    const { log } = await runScript(
      real.core,
      namespaceName(shop),
      'probe',
      real.platform.cluster.images.busybox,
      reachScript(
        [own.service, own.podIP, other.service, other.podIP],
        (target) => `[ "$(timeout 2 nc ${target} 3306 </dev/null 2>/dev/null | head -c 8 | wc -c)" -gt 0 ]`,
      ),
    );
    expect(log).toContain(`${own.service} open`);
    expect(log).toContain(`${own.podIP} open`);
    expect(log).toContain(`${other.service} closed`);
    expect(log).toContain(`${other.podIP} closed`);
    for (const id of [shop, neighbour]) expect((await real.pageAnswers(id)).body).toContain(`http://${hostOf(id)}/`);
  }, 300_000);

  it('when the database pod is deleted, then its StatefulSet brings it back on the same volume and the store serves its page again', async () => {
    const before = await real.podOf(shop, 'database');
    await real.core.deleteNamespacedPod({ name: before.metadata!.name!, namespace: namespaceName(shop) });
    await eventually(
      'a new database pod Ready',
      async () => {
        const pod = await real.podOf(shop, 'database').catch(() => undefined);
        return pod && pod.metadata?.uid !== before.metadata?.uid && isReady(pod) ? pod : undefined;
      },
      300_000,
    );
    // The content the setup Job wrote to the database survived: the same installed site answers.
    const home = await real.pageAnswers(shop);
    expect(home.body).toMatch(/<meta name="generator" content="WordPress/);
    expect((await real.status(shop)).phase).toBe('Ready');
  }, 400_000);

  it('when the web container is killed with SIGKILL, then kubelet restarts it and the store serves its page again', async () => {
    const before = await real.podOf(shop, 'wordpress');
    const container = before.status?.containerStatuses?.find((c) => c.name === 'wordpress');
    const containerId = container?.containerID?.replace(/^containerd:\/\//, '') ?? '';
    expect(containerId).not.toBe('');
    await real.ctr(['tasks', 'kill', '--signal', 'SIGKILL', containerId]);
    await eventually(
      'the web container restarted and Ready',
      async () => {
        const pod = await real.podOf(shop, 'wordpress');
        const restarted = pod.status?.containerStatuses?.find((c) => c.name === 'wordpress');
        return (restarted?.restartCount ?? 0) > (container?.restartCount ?? 0) && isReady(pod) ? pod : undefined;
      },
      180_000,
    );
    expect((await real.pageAnswers(shop)).body).toMatch(/<meta name="generator" content="WordPress/);
  }, 300_000);

  it('when the store ran, then no secret value shows in its workflow history, the worker or API logs, or the log tails storefleet recorded', async () => {
    const secrets = await storeSecretValues(shop, real.platform.kubeconfigPath);
    expect(secrets.length).toBeGreaterThanOrEqual(5);
    const handle = real.worker.client.workflow.getHandle(storeWorkflowId(shop));
    const recorded = [
      await historyText(handle),
      JSON.stringify(await storeStatus(handle)),
      ...real.worker.logs,
      ...real.api.logs,
    ].join('\n');
    for (const secret of secrets) expect(recorded).not.toContain(secret);
  });
}

/**
 * WordPress stores of their own workers, on the emptier node: a crashing web container and a failing
 * setup Job, a store served over HTTPS with a certificate cert-manager issued, and an image that is missing.
 */
export function wordPressFailureTests(platform: () => RealPlatform) {
  let real: RealPlatform;
  beforeAll(() => void (real = platform()));

  // Four stores at once, with light CPU requests (lightWorker): the crashing store fails only at its
  // provisioning deadline, and the others fit in that time.
  describe.concurrent('at once', () => {
    it(
      'when the web container keeps crashing, or the setup Job fails, then the store says so with the last log lines, and never a secret',
      async () => {
        // MariaDB's image where WordPress's belongs: its entrypoint finds no MARIADB_* settings and exits 1.
        // It is in CrashLoopBackOff within seconds of its first start; 90 s leaves room for a busy machine.
        const crashing = await lightWorker(real, { maxProvisionSeconds: 90 }, (values) => ({
          ...values,
          images: { ...values.images, wordpress: values.images.mariadb! },
        }));
        // The production default: a WooCommerce plugin that cannot be had fails the setup Job (after one
        // retry here, not the chart's six, whose back-off adds up to ten minutes).
        const strict = await lightWorker(real, {}, (values) => ({
          ...values,
          woocommerce: { required: true },
          setup: { backoffLimit: 1 },
        }));
        try {
          const crashId = storeId('crash');
          const jobId = storeId('nojob');
          const [crash, job] = await Promise.all([
            crashing.createStore({ storeId: crashId, engine: 'woocommerce' }),
            strict.createStore({ storeId: jobId, engine: 'woocommerce' }),
          ]);
          const [crashed, jobFailed] = await Promise.all([
            waitForPhase(crash, 'Failed', provisionMs),
            waitForPhase(job, 'Failed', provisionMs),
          ]);

          const crashEvent = crashed.events.find((event) => event.reason === reasons.ContainerCrashing);
          expect(crashEvent?.message).toMatch(/^pod \S+-wordpress-\S+: container wordpress: CrashLoopBackOff/);
          // The container's own words, from its log: the MariaDB entrypoint refusing to start.
          expect(crashEvent?.message).toMatch(/MARIADB_ROOT_PASSWORD|MYSQL_ROOT_PASSWORD/);
          // The deadline's look may land between a crash and its back-off: kubelet's reason, or ours.
          expect(crashed.lastError).toMatch(/container wordpress: (CrashLoopBackOff|crashing)/);

          expect(jobFailed.lastError).toContain('setup');
          expect(jobFailed.lastError).toContain('cannot be installed here');

          for (const [id, status] of [
            [crashId, crashed],
            [jobId, jobFailed],
          ] as const) {
            const secrets = await storeSecretValues(id, real.platform.kubeconfigPath);
            const recorded = JSON.stringify(status);
            for (const secret of secrets) expect(recorded).not.toContain(secret);
          }
          for (const handle of [crash, job]) await handle.signal(deleteSignal);
          await Promise.all([crash, job].map((handle) => waitForPhase(handle, 'Deleted', 300_000)));
        } finally {
          await crashing.stop();
          await strict.stop();
        }
      },
      2 * provisionMs,
    );

    it(
      'when a store gets its certificate from a cert-manager ClusterIssuer, then it answers over HTTPS through the ingress with that certificate, its URLs https',
      async () => {
        const certManager = await startCertManager(real.platform.kubeconfigPath);
        const tls = clusterChartValues({ STOREFLEET_STORE_TLS_CLUSTER_ISSUER: certManager.issuer });
        const secure = await lightWorker(real, { storeHttps: true }, (values) => mergeValues(values, tls));
        try {
          const id = storeId('tls');
          const handle = await secure.createStore({ storeId: id, engine: 'woocommerce' });
          const ready = await waitForPhase(handle, 'Ready', provisionMs);
          const host = hostOf(id);
          expect(ready.url).toBe(`https://${host}`);

          const secret = await real.core.readNamespacedSecret({
            name: `${releaseName('woocommerce', id)}-tls`,
            namespace: namespaceName(id),
          });
          const certificate = Buffer.from(secret.data!['tls.crt']!, 'base64').toString();
          // As a browser would: TLS to the ingress, the store's name in SNI, its certificate trusted.
          const page = await eventually('the home page over HTTPS', async () => {
            const answer = await httpsGet(real.platform.ingressTlsUrl, host, certificate).catch(() => undefined);
            return answer?.status === 200 ? answer : undefined;
          });
          expect(page.authorized).toBe(true);
          expect(page.subjectAltName).toContain(`DNS:${host}`);
          expect(page.body).toMatch(/<meta name="generator" content="WordPress [\d.]+"/);
          // WordPress knows it is served over https (its URL, and the ingress's X-Forwarded-Proto).
          expect(page.body).toContain(`https://${host}/`);

          await handle.signal(deleteSignal);
          await waitForPhase(handle, 'Deleted', 300_000);
          await real.expectNothingLeft([id]);
        } finally {
          await secure.stop();
          await certManager.stop();
        }
      },
      2 * provisionMs,
    );

    it(
      'when the WordPress image is missing, then the store is Failed with ImageUnavailable naming pod and container; once the image is there, a retry makes it Ready',
      async () => {
        const present = (real.localValues('woocommerce') as StandIns).images.wordpress!;
        const absent = { ...present, tag: `${present.tag}-absent` };
        const missing = await lightWorker(real, { fatalWaitGraceMs: 15_000 }, (values) => ({
          ...values,
          images: { ...values.images, wordpress: absent },
        }));
        try {
          const id = storeId('noimg');
          const handle = await missing.createStore({ storeId: id, engine: 'woocommerce' });
          const failed = await waitForPhase(handle, 'Failed', provisionMs);
          expect(failed.lastError).toContain('ErrImageNeverPull');
          expect(failed.lastError).toContain('wordpress');
          expect(failed.lastError).toContain(`${absent.repository}:${absent.tag}`);

          // "Built" here: the image appears in the node's store under the name the chart asks for.
          await real.ctr([
            'images',
            'tag',
            `${present.repository}:${present.tag}`,
            `${absent.repository}:${absent.tag}`,
          ]);
          await handle.signal(retrySignal);
          const ready = await waitForPhase(handle, 'Ready', provisionMs);
          expect(ready.attempts).toBe(2);
          expect((await real.pageAnswers(id)).status).toBe(200);
          await handle.signal(deleteSignal);
          await waitForPhase(handle, 'Deleted', 300_000);
        } finally {
          await real.ctr(['images', 'rm', `${absent.repository}:${absent.tag}`]).catch(() => undefined);
          await missing.stop();
        }
      },
      3 * provisionMs,
    );
  });
}

/** GET / of `host` through the ingress's TLS address, trusting only `ca`. */
function httpsGet(
  ingressTlsUrl: string,
  host: string,
  ca: string,
): Promise<{ status: number; body: string; authorized: boolean; subjectAltName: string }> {
  const target = new URL(ingressTlsUrl);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      {
        host: target.hostname,
        port: target.port,
        path: '/',
        servername: host,
        headers: { Host: host },
        ca,
        timeout: 30_000,
      },
      (response) => {
        const socket = response.socket as TLSSocket;
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body,
            authorized: socket.authorized,
            subjectAltName: socket.getPeerCertificate().subjectaltname ?? '',
          }),
        );
      },
    );
    request.on('timeout', () => request.destroy(new Error('timed out')));
    request.on('error', reject);
    request.end();
  });
}
