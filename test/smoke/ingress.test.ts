// Local mode's ingress (dev/ingress) as a process against the run's cluster: it follows Ingress objects
// as they come and go, routes by host, and answers for what it cannot serve. The simulated cluster has
// no pod network, so nothing here is proxied to a cluster IP (the real-node tests do that): a backend
// that exists shows up as a proxy_pass line in the config it applied.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, NetworkingV1Api, type V1Ingress } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { storeRequest } from '../../activities/store-http.js';
import { repoRoot } from '../../dev/config.js';
import { freePort } from '../../dev/ports.js';
import { signalGroup } from '../../dev/process.js';
import { eventually, kubeConfig, uniqueName } from '../harness/clients.js';

const namespace = uniqueName('ingress');
const stateDir = mkdtempSync(join(tmpdir(), 'storefleet-ingress-'));
const core = kubeConfig().makeApiClient(CoreV1Api);
const networking = kubeConfig().makeApiClient(NetworkingV1Api);
let ingressProcess: ReturnType<typeof execa>;
let url: string;

const ingress = (name: string, host: string, service: string, className = 'nginx'): V1Ingress => ({
  metadata: { name, namespace },
  spec: {
    ingressClassName: className,
    rules: [
      {
        host,
        http: {
          paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: service, port: { name: 'http' } } } }],
        },
      },
    ],
  },
});
const get = async (host: string) => {
  const reply = await storeRequest(`http://${host}/`, { ingressUrl: url, readBody: true, timeoutMs: 30_000 });
  return { status: reply.status, text: reply.body ?? '' };
};

beforeAll(async () => {
  const port = await freePort();
  url = `http://127.0.0.1:${port}/`;
  ingressProcess = execa(process.execPath, ['--import', 'tsx', 'dev/ingress/main.ts'], {
    cwd: repoRoot,
    env: {
      KUBECONFIG: inject('kubeconfigPath'),
      STOREFLEET_INGRESS_STATE_DIR: stateDir,
      STOREFLEET_INGRESS_LISTEN: `127.0.0.1:${port}`,
      STOREFLEET_INGRESS_INTERVAL_MS: '200',
    },
    reject: false,
    all: true,
    // Its own process group, as npm start runs it, so afterAll can end it with its nginx.
    detached: true,
    // Its stop finishes the pass under way and stops nginx; execa's default SIGKILL 5 s after a SIGTERM
    // cut that short on a busy machine (exit code undefined in a full CI run), so it may take a minute.
    forceKillAfterDelay: 60_000,
  });
  await core.createNamespace({ body: { metadata: { name: namespace } } });
  await eventually(
    'the ingress to answer',
    async () => ((await fetch(url).catch(() => undefined))?.status === 404 ? true : undefined),
    30_000,
  );
});
afterAll(async () => {
  ingressProcess.kill('SIGTERM');
  await ingressProcess;
  // Whatever ended the ingress (a stop cut short by a SIGKILL leaves its nginx running), nothing of its
  // process group may outlive this file.
  if (ingressProcess.pid) signalGroup(ingressProcess.pid, 'SIGKILL');
  await core.deleteNamespace({ name: namespace }).catch(() => undefined);
  rmSync(stateDir, { recursive: true, force: true });
});

describe('the local ingress', () => {
  it('when no Ingress claims a host, then 404 saying no store is served there', async () => {
    expect(await get('nobody.localhost')).toEqual({ status: 404, text: 'no store is served at this host\n' });
  });

  it('when an Ingress names a Service that does not exist yet, then its host answers 503 naming it, and once the Service exists the host proxies to its cluster IP', async () => {
    await networking.createNamespacedIngress({ namespace, body: ingress('shop', 'shop.localhost', 'shop-web') });
    await eventually('503 for the missing Service', async () =>
      (await get('shop.localhost')).status === 503 ? true : undefined,
    );
    expect((await get('shop.localhost')).text).toBe('service shop-web not found or has no cluster IP\n');

    const service = await core.createNamespacedService({
      namespace,
      body: { metadata: { name: 'shop-web' }, spec: { ports: [{ name: 'http', port: 8080 }] } },
    });
    const servers = join(stateDir, 'servers.conf');
    await eventually('a proxy_pass to the Service', () =>
      readFileSync(servers, 'utf8').includes(`proxy_pass http://${service.spec?.clusterIP}:8080;`) ? true : undefined,
    );
    expect(readFileSync(servers, 'utf8')).toContain('server_name shop.localhost;');
  });

  it('when an Ingress of another class or for another host exists, then it is not served; when the Ingress is deleted, then its host is 404 again', async () => {
    await networking.createNamespacedIngress({
      namespace,
      body: ingress('other', 'other.localhost', 'shop-web', 'traefik'),
    });
    await networking.createNamespacedIngress({ namespace, body: ingress('gone', 'gone.localhost', 'missing') });
    await eventually('gone.localhost to be served', async () =>
      (await get('gone.localhost')).status === 503 ? true : undefined,
    );
    expect((await get('other.localhost')).status).toBe(404);
    await networking.deleteNamespacedIngress({ name: 'gone', namespace });
    await eventually('gone.localhost to be 404 again', async () =>
      (await get('gone.localhost')).status === 404 ? true : undefined,
    );
  });

  it('when it is stopped, then nginx stops with it', async () => {
    const pid = Number(readFileSync(join(stateDir, 'nginx.pid'), 'utf8'));
    ingressProcess.kill('SIGTERM');
    const result = await ingressProcess;
    expect(result.exitCode, String(result.all)).toBe(0);
    expect(String(result.all)).toContain('ingress stopped');
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
