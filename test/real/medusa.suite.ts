// A Medusa store on a real node, end to end (test/real/node.test.ts runs these tests): the images built
// from images/ (server, storefront) and the PostgreSQL and Redis stand-ins, provisioned through the API,
// seeded so it sells at once, browsed and bought from in Chromium, checked with an order the worker
// places and cancels.
import { beforeAll, expect, it } from 'vitest';
import { namespaceName, storeWorkflowId } from '../../core/names.js';
import { reasons } from '../../core/status.js';
import { launchBrowser, openPage } from '../harness/browser.js';
import { eventually } from '../harness/clients.js';
import { historyText, storeStatus } from '../harness/store-worker.js';
import { screenshot } from '../web/dashboard-page.js';
import { isReady } from './pods.js';
import { hostOf, type RealPlatform } from './real-platform.js';

// PostgreSQL initialising its volume, Medusa's migrations and seed in the setup Job, the server's start.
export const medusaProvisionMs = 15 * 60_000;

interface OrderCheckAnswer {
  ok: boolean;
  orderId?: string;
  steps: Array<{ name: string; ok: boolean; message: string }>;
}

/** A Medusa store the caller created through the API (and deletes). */
export function medusaStoreTests(platform: () => RealPlatform, shop: string) {
  let real: RealPlatform;
  const checks: OrderCheckAnswer[] = [];

  const viaIngress = (path: string, options: Parameters<RealPlatform['viaIngress']>[2]) =>
    real.viaIngress(shop, path, options);
  const adminToken = async () => {
    const { 'admin-email': email, 'admin-password': password } = await real.secretValues(shop);
    const signedIn = await viaIngress('/auth/user/emailpass', {
      method: 'POST',
      body: JSON.stringify({ email, password }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(signedIn.status).toBe(200);
    return (JSON.parse(signedIn.body) as { token: string }).token;
  };

  beforeAll(() => void (real = platform()));

  it(
    'when a Medusa store is created through the API, then it gets Ready: PostgreSQL on a real volume, Redis, the server and the storefront running, the setup Job done',
    async () => {
      const ready = await real.untilPhase(shop, 'Ready');
      expect(ready.conditions).toContainEqual(expect.objectContaining({ type: 'CommerceReady', status: 'True' }));
      // The storefront check runs right after Ready, through the ingress.
      const checked = await eventually(
        'the storefront check',
        async () =>
          (await real.status(shop)).conditions.find((c) => c.type === 'StorefrontReachable' && c.status !== 'Unknown'),
        120_000,
      );
      expect(checked).toMatchObject({ status: 'True', reason: reasons.StorefrontReachable });
      for (const component of ['database', 'redis', 'server', 'storefront'])
        expect(isReady(await real.podOf(shop, component))).toBe(true);
      const claims = await real.core.listNamespacedPersistentVolumeClaim({ namespace: namespaceName(shop) });
      expect(claims.items.map((claim) => claim.status?.phase)).toEqual(['Bound']);
      const jobs = await real.core.listNamespacedPod({
        namespace: namespaceName(shop),
        labelSelector: 'app.kubernetes.io/component=setup',
      });
      expect(jobs.items.some((pod) => pod.status?.phase === 'Succeeded')).toBe(true);
    },
    2 * medusaProvisionMs,
  );

  it('when its storefront is fetched through the ingress, then the page lists the seeded product with its price, and the admin answers and signs in', async () => {
    const home = await real.pageAnswers(shop, '/');
    expect(home.body).toContain('storefleet sample tee');
    expect(home.body).toContain('$20.00');
    const product = await real.pageAnswers(shop, '/products/sample-tee');
    expect(product.body).toContain('id="add-to-cart"');
    const admin = await real.pageAnswers(shop, '/app');
    expect(admin.body).toMatch(/<div id="medusa"|<script type="module"/);
    expect(await adminToken()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    const { 'admin-email': email } = await real.secretValues(shop);
    const wrong = await viaIngress('/auth/user/emailpass', {
      method: 'POST',
      body: JSON.stringify({ email, password: 'not-the-password' }),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(wrong.status).toBe(401);
  });

  it('when the order check runs, then it places an order, the admin API shows it, it ends cancelled, and OrderFlow is True naming the order', async () => {
    const answer = await real.post(`/stores/${shop}/checks/order`);
    expect(answer.status).toBe(200);
    const check = (await answer.json()) as OrderCheckAnswer;
    checks.push(check);
    expect(check.steps.filter((step) => !step.ok)).toEqual([]);
    expect(check.ok).toBe(true);
    expect(check.steps.map((step) => step.name)).toEqual([
      'admin sign-in',
      'publishable key',
      'sample product',
      'cart',
      'shipping',
      'payment',
      'checkout',
      'admin sees the order',
      'cancel',
    ]);
    const orderId = check.orderId ?? '';
    expect(orderId).toMatch(/^order_/);

    const seen = await viaIngress(`/admin/orders/${orderId}?fields=id,status,email`, {
      headers: { Authorization: `Bearer ${await adminToken()}` },
    });
    expect(seen.status).toBe(200);
    expect(JSON.parse(seen.body)).toMatchObject({
      order: { id: orderId, status: 'canceled', email: `order-check@${shop}.store.invalid` },
    });

    const status = await real.status(shop);
    expect(status.conditions).toContainEqual(
      expect.objectContaining({
        type: 'OrderFlow',
        status: 'True',
        reason: reasons.OrderPlaced,
        message: expect.stringContaining(orderId) as string,
      }),
    );
  }, 300_000);

  it('when a shopper uses the storefront in Chromium, then the product goes into the cart, checkout with manual payment places the order, and the confirmation shows it', async () => {
    const browser = await launchBrowser({ proxy: new URL(real.platform.ingressUrl).host });
    try {
      const { context, page, pageErrors } = await openPage(browser, `http://${hostOf(shop)}/`);
      await screenshot(page, 'medusa-storefront');
      await page.getByRole('link', { name: 'storefleet sample tee' }).click();
      await page.locator('#add-to-cart').click();
      await page.waitForURL(/\/cart$/);
      await expect(page.locator('#subtotal').textContent()).resolves.toBe('$20.00');
      await page.locator('#checkout-link').click();
      await page.getByLabel('Email').fill('shopper@example.test');
      await page.getByLabel('First name').fill('Ada');
      await page.getByLabel('Last name').fill('Shopper');
      await page.getByLabel('Address').fill('1 Market Street');
      await page.getByLabel('City').fill('Springfield');
      await page.getByLabel('Postal code').fill('12345');
      await screenshot(page, 'medusa-checkout');
      await page.locator('#place-order').click();
      await page.waitForURL(/\/orders\/order_/);
      await expect(page.locator('#confirmation').textContent()).resolves.toMatch(/Thank you! Order #\d+ is placed\./);
      await expect(page.locator('main').textContent()).resolves.toContain('$25.00');
      await screenshot(page, 'medusa-order-confirmed');
      expect(pageErrors).toEqual([]);
      await context.close();

      // The merchant sees the shopper's order in the admin API.
      const orderId = new URL(page.url()).pathname.split('/').pop() ?? '';
      const seen = await viaIngress(`/admin/orders/${orderId}?fields=id,status,email`, {
        headers: { Authorization: `Bearer ${await adminToken()}` },
      });
      expect(JSON.parse(seen.body)).toMatchObject({
        order: { id: orderId, status: 'pending', email: 'shopper@example.test' },
      });
    } finally {
      await browser.close();
    }
  }, 300_000);

  it('when the store ran, then no secret value shows in its workflow history, status, the worker or API logs, or the order check result', async () => {
    const secrets = Object.entries(await real.secretValues(shop))
      .filter(([key]) => !['admin-username', 'admin-email'].includes(key))
      .map(([, value]) => value);
    expect(secrets.length).toBe(5);
    const handle = real.worker.client.workflow.getHandle(storeWorkflowId(shop));
    const recorded = [
      await historyText(handle),
      JSON.stringify(await storeStatus(handle)),
      JSON.stringify(checks),
      ...real.worker.logs,
      ...real.api.logs,
    ].join('\n');
    for (const secret of secrets) expect(recorded).not.toContain(secret);
  });
}
