// waitForReady against a small fake Kubernetes API on loopback, for what kwok cannot show: pods with
// logs. The log tail is asked for as bounded (tailLines, limitBytes; the previous run of a restarted
// container), masked with every value of the store's Secret before it reaches lastError or the heartbeat,
// and not read at all when the Secret cannot be read.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createReadinessActivities } from './readiness.js';

const password = 'Sup3r-s3cret_Passw0rd-xyz';
const dbPassword = 'db-Pa55word_abcdefghijklmn';
const namespace = 'store-shop';

interface Cluster {
  deployments: object[];
  jobs: V1Job[];
  pods: V1Pod[];
  logs: Record<string, string>;
  secretReadable: boolean;
}
let cluster: Cluster;
const requests: URL[] = [];
let server: Server;
let kubeConfig: KubeConfig;

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://api');
    requests.push(url);
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const list = (items: unknown[]) => json(200, { metadata: {}, items });
    const path = url.pathname;
    if (path === `/apis/apps/v1/namespaces/${namespace}/deployments`) return list(cluster.deployments);
    if (path === `/apis/apps/v1/namespaces/${namespace}/statefulsets`) return list([]);
    if (path === `/apis/networking.k8s.io/v1/namespaces/${namespace}/ingresses`) return list([]);
    if (path === `/apis/batch/v1/namespaces/${namespace}/jobs`) return list(cluster.jobs);
    if (path === `/api/v1/namespaces/${namespace}/pods`) return list(cluster.pods);
    if (path === `/api/v1/namespaces/${namespace}/secrets/store-admin`) {
      if (!cluster.secretReadable) return json(403, { kind: 'Status', code: 403, message: 'forbidden' });
      const data = { 'admin-username': 'admin', 'admin-password': password, 'database-password': dbPassword };
      return json(200, {
        metadata: { name: 'store-admin' },
        data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
      });
    }
    const log = /^\/api\/v1\/namespaces\/[^/]+\/pods\/([^/]+)\/log$/.exec(path);
    if (log) {
      const text = cluster.logs[`${log[1]}/${url.searchParams.get('container')}`];
      return text === undefined
        ? json(400, { kind: 'Status', code: 400, message: 'no logs' })
        : res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
    }
    json(404, { kind: 'Status', code: 404, message: `not faked: ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      { name: 'fake', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true },
    ],
    users: [{ name: 'fake', token: 'x' }],
    contexts: [{ name: 'fake', cluster: 'fake', user: 'fake' }],
    currentContext: 'fake',
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  requests.length = 0;
  cluster = { deployments: [], jobs: [], pods: [], logs: {}, secretReadable: true };
});

const notReady = {
  metadata: { name: 'web', generation: 1 },
  spec: { replicas: 1 },
  status: { observedGeneration: 1, readyReplicas: 0 },
};
const ready = {
  ...notReady,
  status: { observedGeneration: 1, updatedReplicas: 1, availableReplicas: 1, readyReplicas: 1 },
};
const setupJob = (condition: 'Complete' | 'Failed'): V1Job => ({
  metadata: { name: 'setup-abc', uid: 'job-uid', labels: { 'app.kubernetes.io/component': 'setup' } },
  status: {
    conditions: [
      {
        type: condition,
        status: 'True',
        ...(condition === 'Failed'
          ? { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }
          : {}),
      },
    ],
  },
});
const setupPod = (
  phase: 'Succeeded' | 'Failed',
  terminated: { exitCode: number; reason?: string; message?: string },
): V1Pod => ({
  metadata: {
    name: 'setup-abc-x1',
    ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'setup-abc', uid: 'job-uid' }],
  },
  status: {
    phase,
    containerStatuses: [
      { name: 'setup', image: 'wp-cli', imageID: '', ready: false, restartCount: 0, state: { terminated } },
    ],
  },
});
const crashingPod: V1Pod = {
  metadata: { name: 'web-1' },
  status: {
    phase: 'Running',
    containerStatuses: [
      {
        name: 'wordpress',
        image: 'wordpress',
        imageID: '',
        ready: false,
        restartCount: 3,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s restarting failed container=wordpress' },
        },
        lastState: { terminated: { exitCode: 255, reason: 'Error' } },
      },
    ],
  },
};

const activities = () =>
  createReadinessActivities({
    log: pino({ level: 'silent' }),
    kubeConfig,
    kubeconfigPath: '',
    helmBinary: 'helm',
    chartsDir: '',
    ingressNamespace: 'ingress-nginx',
    readinessPollMs: 50,
    fatalWaitGraceMs: 300,
    settings: { maxProvisionSeconds: 60, driftCheckSeconds: 60, baseDomain: 'localhost', historyEventLimit: 2000 },
  });
const spec = { storeId: 'shop', engine: 'woocommerce', plan: 'small', owner: 'default' } as const;
type Result = Awaited<ReturnType<ReturnType<typeof activities>['waitForReady']>>;

async function waitForReady(deadlineMs: number): Promise<{ result?: Result; error?: Error; heartbeats: unknown[] }> {
  const quiet = () => undefined;
  // The SDK logs every failed activity; here failing is what is tested.
  const env = new MockActivityEnvironment(undefined, {
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet },
  });
  const heartbeats: unknown[] = [];
  env.on('heartbeat', (details: unknown) => heartbeats.push(details));
  try {
    type Args = Parameters<ReturnType<typeof activities>['waitForReady']>;
    const wait = activities();
    const result = await env.run<Args, Result, (...args: Args) => Promise<Result>>(
      (...args) => wait.waitForReady(...args),
      spec,
      { deadline: new Date(Date.now() + deadlineMs).toISOString() },
    );
    return { result, heartbeats };
  } catch (error) {
    return { error: error as Error, heartbeats };
  }
}
const logRequests = () =>
  requests
    .filter((url) => url.pathname.endsWith('/log'))
    .map((url) => `${url.pathname.split('/')[6]} ${url.searchParams.toString()}`);

describe('waitForReady with log tails', () => {
  it("when the setup Job failed, then lastError carries its last pod's log tail with the Secret's values masked", async () => {
    cluster.jobs = [setupJob('Failed')];
    cluster.pods = [setupPod('Failed', { exitCode: 1, reason: 'Error' })];
    cluster.logs['setup-abc-x1/setup'] =
      `[setup] waiting for the database\nmysqli: Access denied for user 'wordpress' (using password: ${dbPassword})\nError: install failed for admin ${password}\n`;
    const { error, heartbeats } = await waitForReady(10_000);
    expect(error?.message).toMatch(
      /^a job of the release failed \(0\/1 workloads ready\): job setup-abc: BackoffLimitExceeded: Job has reached the specified backoff limit; pod setup-abc-x1: container setup: exit code 1 \(Error\); last log lines: /,
    );
    expect(error?.message).toContain(
      "Access denied for user 'wordpress' (using password: ***) | Error: install failed for *** ***",
    );
    expect(logRequests()).toEqual(['setup-abc-x1 container=setup&limitBytes=16384&previous=false&tailLines=10']);
    const recorded = JSON.stringify([error?.message, heartbeats]);
    expect(recorded).not.toContain(password);
    expect(recorded).not.toContain(dbPassword);
  });

  it("when a container crash-loops, then its previous run's tail is read once and shown masked when the deadline passes", async () => {
    cluster.deployments = [notReady];
    cluster.pods = [crashingPod];
    cluster.logs['web-1/wordpress'] = `AH00526: Syntax error\nWORDPRESS_DB_PASSWORD=${dbPassword}\n`;
    const { error } = await waitForReady(600);
    expect(error?.message).toContain(
      'pod web-1: container wordpress: CrashLoopBackOff: back-off 40s restarting failed container=wordpress (restarted 3 times, last exit code 255: Error); last log lines: AH00526: Syntax error | WORDPRESS_DB_PASSWORD=***',
    );
    expect(error?.message).not.toContain(dbPassword);
    expect(logRequests()).toEqual(['web-1 container=wordpress&limitBytes=16384&previous=true&tailLines=10']);
  });

  it('when the store Secret cannot be read, then no log is read and nothing unmasked is recorded', async () => {
    cluster.secretReadable = false;
    cluster.deployments = [notReady];
    cluster.pods = [crashingPod];
    cluster.logs['web-1/wordpress'] = `password ${password}`;
    const { error } = await waitForReady(400);
    expect(error?.message).toMatch(/CrashLoopBackOff/);
    expect(error?.message).not.toContain('last log lines');
    expect(logRequests()).toEqual([]);
  });

  it('when the pod has no log (a simulated node), then the finding has no tail and nothing fails', async () => {
    cluster.deployments = [notReady];
    cluster.pods = [crashingPod];
    const { error } = await waitForReady(400);
    expect(error?.message).toMatch(/ProvisionTimeout|not ready by the provisioning deadline/);
    expect(error?.message).toContain('(restarted 3 times, last exit code 255: Error)');
    expect(error?.message).not.toContain('last log lines');
  });

  it('when the store is ready and the setup Job skipped WooCommerce, then the commerce finding says why, masked', async () => {
    cluster.deployments = [ready];
    cluster.jobs = [setupJob('Complete')];
    cluster.pods = [
      setupPod('Succeeded', {
        exitCode: 0,
        message: `wordpress: done\nwoocommerce: skipped: wp plugin install: Download failed for https://mirror/wc.zip?token=${password}\n`,
      }),
    ];
    const { result } = await waitForReady(5_000);
    expect(result?.summary).toBe('2/2 workloads ready');
    expect(result?.commerce).toEqual({
      status: 'False',
      reason: 'PluginUnavailable',
      message:
        'setup Job setup-abc skipped WooCommerce, so the store is a WordPress site without a shop: wp plugin install: Download failed for https://mirror/wc.zip?token=***',
    });
  });
});

describe('waitForReady with an image the node may never pull', () => {
  const neverPull: V1Pod = {
    metadata: { name: 'web-1' },
    status: {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'wordpress',
          image: 'localhost/storefleet/wordpress:x',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: {
            waiting: {
              reason: 'ErrImageNeverPull',
              message: 'Container image "localhost/storefleet/wordpress:x" is not present with pull policy of Never',
            },
          },
        },
      ],
    },
  };

  it("when ErrImageNeverPull lasts the grace period, then the store fails long before its deadline, naming pod, container and kubelet's message", async () => {
    cluster.deployments = [notReady];
    cluster.pods = [neverPull];
    const started = Date.now();
    const { error } = await waitForReady(10_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toMatchObject({ type: 'ImageUnavailable', nonRetryable: true });
    expect(error?.message).toBe(
      'an image the node cannot get without help (0/1 workloads ready): pod web-1: container wordpress: ErrImageNeverPull: Container image "localhost/storefleet/wordpress:x" is not present with pull policy of Never',
    );
  });

  it('when the image turns up within the grace period (imported before a retry; kubelet looks again), then the store gets ready', async () => {
    cluster.deployments = [notReady];
    cluster.pods = [neverPull];
    setTimeout(() => {
      cluster.deployments = [ready];
      cluster.pods = [];
    }, 150);
    const { result, error } = await waitForReady(10_000);
    expect(error).toBeUndefined();
    expect(result?.summary).toBe('1/1 workloads ready');
  });
});
