// The WooCommerce order check against a stand-in store built from WooCommerce's documented shapes (the
// Store API's cart/add-item/checkout with Nonce and Cart-Token headers, WordPress cookie authentication
// with a REST nonce, the REST API v3 orders endpoint): no real WooCommerce runs on these machines.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { secretMask } from './log-tail.js';
import { OrderFlow, OrderStepFailed } from './order-flow.js';
import { woocommerceOrderFlow } from './order-flow-woocommerce.js';

const credentials = { username: 'admin', email: 'admin@shop.store.invalid', password: 's3cret-Password-42' };

interface StandIn {
  orders: Map<number, { status: string; payment_method: string; email: string }>;
  /** What the stand-in does differently, per test. */
  breaks?: { refuseLogin?: boolean; noStock?: boolean; orderReadFails?: boolean };
}

function standInStore(state: StandIn): Server {
  const nonce = 'a1b2c3d4e5';
  const cartToken = 'cart-token-1';
  const restNonce = '0f1e2d3c4b';
  const loggedIn = 'wordpress_logged_in_abc=admin%7C123';
  let cart: { id: number; quantity: number }[] = [];
  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const read = async (req: IncomingMessage) => {
    let text = '';
    for await (const chunk of req as AsyncIterable<Buffer>) text += chunk.toString();
    return text;
  };
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://shop');
      const body = await read(req);
      const shopper = req.headers.nonce === nonce && req.headers['cart-token'] === cartToken;
      const admin = (req.headers.cookie ?? '').includes(loggedIn) && req.headers['x-wp-nonce'] === restNonce;
      // Reached through "the ingress": only the store's own Host is served.
      if (req.headers.host !== 'shop.example')
        return json(res, 404, { message: `no store at ${req.headers.host ?? ''}` });
      const route = `${req.method} ${url.pathname}`;
      if (route === 'GET /wp-json/wc/store/v1/products')
        return json(res, 200, [{ id: 15, name: 'Sample', is_purchasable: true, is_in_stock: !state.breaks?.noStock }]);
      if (route === 'GET /wp-json/wc/store/v1/cart')
        return json(res, 200, { items: cart }, { Nonce: nonce, 'Cart-Token': cartToken });
      if (route === 'POST /wp-json/wc/store/v1/cart/add-item') {
        if (!shopper)
          return json(res, 401, { code: 'woocommerce_rest_missing_nonce', message: 'Missing the Nonce header.' });
        cart.push(JSON.parse(body) as { id: number; quantity: number });
        return json(res, 201, { items: cart });
      }
      if (route === 'POST /wp-json/wc/store/v1/checkout') {
        if (!shopper)
          return json(res, 401, { code: 'woocommerce_rest_missing_nonce', message: 'Missing the Nonce header.' });
        const order = JSON.parse(body) as { payment_method: string; billing_address: { email: string } };
        if (!cart.length)
          return json(res, 400, {
            code: 'woocommerce_rest_cart_empty',
            message: 'Cannot create order from empty cart.',
          });
        const id = 100 + state.orders.size;
        state.orders.set(id, {
          status: 'processing',
          payment_method: order.payment_method,
          email: order.billing_address.email,
        });
        cart = [];
        return json(res, 200, { order_id: id, status: 'processing', payment_method: order.payment_method });
      }
      if (route === 'POST /wp-login.php') {
        const form = new URLSearchParams(body);
        const ok =
          !state.breaks?.refuseLogin &&
          form.get('log') === credentials.username &&
          form.get('pwd') === credentials.password &&
          (req.headers.cookie ?? '').includes('wordpress_test_cookie');
        if (!ok) return json(res, 200, { message: 'the user name or password is incorrect' });
        res.writeHead(302, {
          location: '/wp-admin/',
          'set-cookie': [`${loggedIn}; path=/; HttpOnly`, 'wordpress_sec_abc=x; path=/wp-admin'],
        });
        return res.end();
      }
      if (route === 'GET /wp-admin/admin-ajax.php' && url.searchParams.get('action') === 'rest-nonce') {
        res.writeHead(200, { 'content-type': 'text/html' });
        return res.end((req.headers.cookie ?? '').includes(loggedIn) ? restNonce : '0');
      }
      const order = /^\/wp-json\/wc\/v3\/orders\/(\d+)$/.exec(url.pathname);
      if (order) {
        if (!admin)
          return json(res, 401, {
            code: 'woocommerce_rest_cannot_view',
            message: 'Sorry, you cannot view this resource.',
          });
        const found = state.orders.get(Number(order[1]));
        if (!found) return json(res, 404, { code: 'woocommerce_rest_shop_order_invalid_id', message: 'Invalid ID.' });
        if (req.method === 'GET' && state.breaks?.orderReadFails) return json(res, 500, { message: 'internal error' });
        if (req.method === 'PUT') found.status = (JSON.parse(body) as { status: string }).status;
        return json(res, 200, { id: Number(order[1]), ...found });
      }
      json(res, 404, { code: 'rest_no_route', message: 'No route was found matching the URL and request method.' });
    })();
  });
}

describe('the WooCommerce order check (against a stand-in of the documented APIs)', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  async function run(state: StandIn) {
    server = standInStore(state);
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    // The store's name leads nowhere from here: the check goes to the ingress with the store's Host.
    const flow = new OrderFlow('http://shop.example', secretMask([credentials.password]), `http://127.0.0.1:${port}`);
    const error = await woocommerceOrderFlow(flow, 'shop', credentials).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    return { flow, error };
  }

  it('when the store works, then a Cash on Delivery order is placed, seen by the admin and cancelled', async () => {
    const state: StandIn = { orders: new Map() };
    const { flow, error } = await run(state);
    expect(error).toBeUndefined();
    expect(flow.steps.map((s) => [s.name, s.ok])).toEqual([
      ['sample product', true],
      ['cart', true],
      ['checkout', true],
      ['admin sign-in', true],
      ['admin sees the order', true],
      ['cancel', true],
    ]);
    expect(flow.orderId).toBe('100');
    expect(state.orders.get(100)).toEqual({
      status: 'cancelled',
      payment_method: 'cod',
      email: 'order-check@shop.store.invalid',
    });
  });

  it.each([
    [
      'nothing is in stock',
      { noStock: true },
      'sample product',
      /no product that is purchasable and in stock/,
      undefined,
    ],
    [
      'the admin credentials are refused',
      { refuseLogin: true },
      'admin sign-in',
      /without a login cookie/,
      'processing',
    ],
    ['the admin cannot read the order', { orderReadFails: true }, 'admin sees the order', /HTTP 500/, 'cancelled'],
  ] as const)(
    'when %s, then the check stops at "%s" and says why',
    async (_what, breaks, failedStep, why, orderStatus) => {
      const state: StandIn = { orders: new Map(), breaks };
      const { flow, error } = await run(state);
      expect(error).toBeInstanceOf(OrderStepFailed);
      const failed = flow.steps.find((s) => !s.ok);
      expect(failed?.name).toBe(failedStep);
      expect(failed?.message).toMatch(why);
      expect(state.orders.get(100)?.status).toBe(orderStatus);
      expect(JSON.stringify(flow.steps)).not.toContain(credentials.password);
    },
  );

  it("when a store's answer holds a secret value, then the step's message has it masked", async () => {
    const flow = new OrderFlow('http://shop.localhost', secretMask([credentials.password]));
    const failing = flow.step(
      'admin sign-in',
      () => Promise.reject(new Error(`refused: ${credentials.password}`)),
      () => '',
    );
    await expect(failing).rejects.toBeInstanceOf(OrderStepFailed);
    expect(flow.steps).toEqual([{ name: 'admin sign-in', ok: false, message: 'refused: ***' }]);
  });
});
