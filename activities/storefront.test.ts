// The storefront check against a real HTTP server on loopback standing in for a store's ingress.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { MockActivityEnvironment } from '@temporalio/testing';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../dev/ports.js';
import { isLocalhostName } from './store-http.js';
import { createStorefrontActivities, storefrontPages } from './storefront.js';

let server: Server;
let url: string;
const answers = new Map<string, { status: number; body?: string; location?: string }>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const answer = answers.get(req.url ?? '') ?? { status: 404 };
    res
      .writeHead(answer.status, {
        'content-type': 'application/json',
        ...(answer.location ? { location: answer.location } : {}),
      })
      .end(answer.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

// The check needs only a logger of its deps.
const activities = createStorefrontActivities({
  log: pino({ level: 'silent' }),
  kubeConfig: new KubeConfig(),
  kubeconfigPath: '',
  helmBinary: 'helm',
  chartsDir: '',
  ingressNamespace: 'ingress-nginx',
  settings: {
    maxProvisionSeconds: 60,
    driftCheckSeconds: 60,
    baseDomain: 'example.test',
    historyEventLimit: 2000,
    storefrontCheck: true,
  },
});
type Checked = Awaited<ReturnType<typeof activities.checkStorefront>>;
type CheckArgs = Parameters<typeof activities.checkStorefront>;
const check = (engine: 'woocommerce' | 'medusa', base = url, options: CheckArgs[2] = {}) =>
  new MockActivityEnvironment().run<CheckArgs, Checked, (...args: CheckArgs) => Promise<Checked>>(
    (...args) => activities.checkStorefront(...args),
    { storeId: 'shop', engine, plan: 'small', owner: 'default' },
    base,
    options,
  );

describe('checkStorefront', () => {
  it('when the home page, the admin login (a redirect) and the product list answer, then the storefront is reachable', async () => {
    answers.set('/', { status: 200, body: '<html>' });
    answers.set('/wp-login.php', { status: 302, location: '/wp-login.php?redirect_to=x' });
    answers.set('/wp-json/wc/store/v1/products', { status: 200, body: '[{"id":1,"name":"Sample"}]' });
    expect(await check('woocommerce')).toEqual({
      ok: true,
      summary: 'home page HTTP 200; admin login HTTP 302; product list (Store API) HTTP 200',
    });
  });

  it('when the product list is an error page, then it is not reachable and the summary names that page', async () => {
    answers.set('/wp-json/wc/store/v1/products', { status: 200, body: '{"code":"rest_no_route"}' });
    const result = await check('woocommerce');
    expect(result.ok).toBe(false);
    expect(result.summary).toContain('product list (Store API) failed: not a JSON list');
    answers.set('/wp-json/wc/store/v1/products', { status: 503 });
    expect((await check('woocommerce')).summary).toContain('product list (Store API) failed: HTTP 503');
  });

  it('when nothing listens at the store URL, then every page fails with the connection error', async () => {
    const closed = await freePort();
    const result = await check('medusa', `http://127.0.0.1:${closed}`);
    expect(result.ok).toBe(false);
    expect(result.summary).toBe(
      `home page failed: connect ECONNREFUSED 127.0.0.1:${closed}; admin failed: connect ECONNREFUSED 127.0.0.1:${closed}`,
    );
  });

  it('when the engine is medusa, then the home page and the admin are checked', () => {
    expect(storefrontPages('medusa', 'http://s.example').map((p) => p.url)).toEqual([
      'http://s.example/',
      'http://s.example/app',
    ]);
  });

  it('when the store URL is under .localhost (local mode), then the check reaches it on loopback without a resolver, as browsers do', async () => {
    answers.set('/', { status: 200, body: '<html>' });
    answers.set('/wp-login.php', { status: 200 });
    answers.set('/wp-json/wc/store/v1/products', { status: 200, body: '[]' });
    const port = new URL(url).port;
    expect(await check('woocommerce', `http://shop1.localhost:${port}`)).toEqual({
      ok: true,
      summary: 'home page HTTP 200; admin login HTTP 200; product list (Store API) HTTP 200',
    });
    answers.set('/app', { status: 200 });
    expect(await check('medusa', `http://a.b.LOCALHOST:${port}`)).toMatchObject({ ok: true });
  });

  it('when the store has no WooCommerce (CommerceReady False), then the Store API is not asked and the summary says why', async () => {
    answers.set('/', { status: 200, body: '<html>' });
    answers.set('/wp-login.php', { status: 200 });
    answers.set('/wp-json/wc/store/v1/products', { status: 404 });
    expect(await check('woocommerce', url, { commerce: false })).toEqual({
      ok: true,
      summary:
        'home page HTTP 200; admin login HTTP 200; product list (Store API) not checked: the store has no WooCommerce (condition CommerceReady)',
    });
  });

  it.each([
    ['shop1.localhost', true],
    ['localhost', true],
    ['a.b.localhost.', true],
    ['localhost.example.com', false],
    ['notlocalhost', false],
    ['shop1.127.0.0.1.nip.io', false],
  ])('when the host is %s, then it is a localhost name: %s', (host, expected) => {
    expect(isLocalhostName(host)).toBe(expected);
  });
});
