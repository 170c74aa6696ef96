// The storefront's routes: products, a product, the cart (its id in a cookie), checkout, the order.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  cartPage,
  checkoutPage,
  errorPage,
  itemCount,
  orderPage,
  productListPage,
  productPage,
  type CheckoutForm,
} from './pages.js';
import { StoreApiError, type StoreApi } from './store-api.js';

const CART_COOKIE = 'sf_cart';
const MAX_FORM_BYTES = 16 * 1024;

export function createStorefront(api: StoreApi, country: string) {
  const routes: { method: string; path: RegExp; handle: (req: Request, match: RegExpExecArray) => Promise<Reply> }[] = [
    { method: 'GET', path: /^\/$/, handle: (req) => home(req) },
    { method: 'GET', path: /^\/products\/([^/]+)$/, handle: (req, m) => product(req, decodeURIComponent(m[1] ?? '')) },
    { method: 'GET', path: /^\/cart$/, handle: async (req) => html(200, cartPage(await currentCart(req))) },
    { method: 'POST', path: /^\/cart\/items$/, handle: (req) => addToCart(req) },
    {
      method: 'POST',
      path: /^\/cart\/items\/([^/]+)\/remove$/,
      handle: (req, m) => removeFromCart(req, decodeURIComponent(m[1] ?? '')),
    },
    { method: 'GET', path: /^\/checkout$/, handle: (req) => checkout(req) },
    { method: 'POST', path: /^\/checkout$/, handle: (req) => placeOrder(req) },
    { method: 'GET', path: /^\/orders\/([^/]+)$/, handle: (req, m) => order(decodeURIComponent(m[1] ?? '')) },
  ];

  async function home(req: Request): Promise<Reply> {
    const region = await api.region(country);
    return html(200, productListPage(await api.products(region.id), itemCount(await currentCart(req))));
  }

  async function product(req: Request, handle: string): Promise<Reply> {
    const region = await api.region(country);
    const found = await api.product(handle, region.id);
    if (!found) return html(404, errorPage(404, `No product "${handle}".`));
    return html(200, productPage(found, itemCount(await currentCart(req))));
  }

  async function addToCart(req: Request): Promise<Reply> {
    const form = await req.form();
    const variantId = form.get('variant_id') ?? '';
    const quantity = Number(form.get('quantity') ?? '1');
    if (!variantId || !Number.isInteger(quantity) || quantity < 1 || quantity > 99)
      return html(400, errorPage(400, 'Pick a variant and a quantity from 1 to 99.'));
    const cart = (await currentCart(req)) ?? (await api.createCart((await api.region(country)).id));
    await api.addItem(cart.id, variantId, quantity);
    return redirect('/cart', cart.id);
  }

  async function removeFromCart(req: Request, lineId: string): Promise<Reply> {
    const cart = await currentCart(req);
    if (cart) await api.removeItem(cart.id, lineId);
    return redirect('/cart');
  }

  async function checkout(req: Request, error?: string, form?: Partial<CheckoutForm>): Promise<Reply> {
    const cart = await currentCart(req);
    if (!cart?.items.length) return redirect('/cart');
    return html(error ? 400 : 200, checkoutPage(cart, await api.shippingOptions(cart.id), country, error, form));
  }

  async function placeOrder(req: Request): Promise<Reply> {
    const cart = await currentCart(req);
    if (!cart?.items.length) return redirect('/cart');
    const form = await req.form();
    const value = (name: keyof CheckoutForm) => (form.get(name) ?? '').trim();
    const details: CheckoutForm = {
      email: value('email'),
      first_name: value('first_name'),
      last_name: value('last_name'),
      address_1: value('address_1'),
      city: value('city'),
      postal_code: value('postal_code'),
    };
    const missing = Object.entries(details)
      .filter(([, v]) => !v)
      .map(([k]) => k.replace('_', ' '));
    if (missing.length) return checkout(req, `Please fill in: ${missing.join(', ')}.`, details);
    const shippingOptionId = form.get('shipping_option_id') ?? '';
    if (!shippingOptionId) return checkout(req, 'Please choose a shipping option.', details);
    try {
      const { email, ...name } = details;
      const placed = await api.checkout(cart.id, {
        email,
        shippingOptionId,
        address: { ...name, country_code: country },
      });
      return {
        status: 303,
        headers: { location: `/orders/${encodeURIComponent(placed.id)}`, 'set-cookie': cartCookie('', 0) },
        body: '',
      };
    } catch (error) {
      if (error instanceof StoreApiError && error.status < 500) return checkout(req, error.message, details);
      throw error;
    }
  }

  async function order(id: string): Promise<Reply> {
    const found = await api.order(id);
    return found ? html(200, orderPage(found)) : html(404, errorPage(404, 'No such order.'));
  }

  async function currentCart(req: Request) {
    const id = req.cookie(CART_COOKIE);
    return id ? api.cart(id) : undefined;
  }

  return async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(incoming.url ?? '/', 'http://storefront');
    const req = new Request(incoming);
    let reply: Reply;
    try {
      const route = routes.find((r) => r.method === incoming.method && r.path.test(url.pathname));
      const match = route && route.path.exec(url.pathname);
      reply =
        route && match ? await route.handle(req, match) : html(404, errorPage(404, `Nothing at ${url.pathname}.`));
    } catch (error) {
      const status =
        error instanceof StoreApiError ? (error.status === 503 ? 503 : 502) : error instanceof FormError ? 400 : 500;
      const message =
        error instanceof StoreApiError || error instanceof FormError
          ? error.message
          : 'The shop could not answer; please try again.';
      if (status === 500)
        console.error(
          JSON.stringify({ level: 'error', msg: 'request failed', path: url.pathname, error: String(error) }),
        );
      reply = html(status, errorPage(status, message));
    }
    response.writeHead(reply.status, { 'cache-control': 'no-store', ...reply.headers });
    response.end(reply.body);
  };
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const html = (status: number, body: string): Reply => ({
  status,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body,
});

function redirect(location: string, cartId?: string): Reply {
  return {
    status: 303,
    headers: { location, ...(cartId ? { 'set-cookie': cartCookie(cartId, 60 * 60 * 24 * 7) } : {}) },
    body: '',
  };
}

function cartCookie(value: string, maxAge: number): string {
  return `${CART_COOKIE}=${encodeURIComponent(value)}; Path=/; Max-Age=${maxAge}; HttpOnly; SameSite=Lax`;
}

class FormError extends Error {}

/** The parts of a request the routes read: cookies and a urlencoded form. */
class Request {
  constructor(private readonly incoming: IncomingMessage) {}

  cookie(name: string): string | undefined {
    for (const part of (this.incoming.headers.cookie ?? '').split(';')) {
      const [key, ...rest] = part.trim().split('=');
      if (key === name) return decodeURIComponent(rest.join('='));
    }
    return undefined;
  }

  async form(): Promise<URLSearchParams> {
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const chunk of this.incoming as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) throw new FormError('The form is too large.');
      chunks.push(chunk);
    }
    return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  }
}
