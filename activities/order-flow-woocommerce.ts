// The order check of a WooCommerce store, through its URL and WooCommerce's documented APIs: the Store
// API as a shopper uses it (a cart token and nonce from GET /cart, add-item, checkout with Cash on
// Delivery), then the REST API v3 as the administrator, signed in with the store's credentials (WordPress
// cookie authentication: wp-login.php, then a REST nonce), to see the order and cancel it.
import { checkCustomer, type OrderCredentials, type OrderFlow } from './order-flow.js';

const STORE_API = '/wp-json/wc/store/v1';

interface StoreProduct {
  id: number;
  name: string;
  is_purchasable?: boolean;
  is_in_stock?: boolean;
}

const header = (headers: Record<string, string | string[] | undefined>, name: string) => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

export async function woocommerceOrderFlow(
  flow: OrderFlow,
  storeId: string,
  credentials: OrderCredentials,
): Promise<void> {
  const product = await flow.step(
    'sample product',
    async () => {
      const { json } = await flow.call<StoreProduct[]>(`${STORE_API}/products?per_page=20`);
      const found = json.find((p) => p.is_purchasable !== false && p.is_in_stock !== false);
      if (!found) throw new Error('the store sells no product that is purchasable and in stock');
      return found;
    },
    (found) => `"${found.name}" (product ${found.id})`,
  );
  const session = await flow.step(
    'cart',
    async () => {
      const { headers } = await flow.call(`${STORE_API}/cart`);
      const nonce = header(headers, 'Nonce') ?? header(headers, 'X-WC-Store-API-Nonce');
      const cartToken = header(headers, 'Cart-Token');
      if (!nonce || !cartToken) throw new Error('GET /cart answered without the Nonce and Cart-Token headers');
      const shopper = { Nonce: nonce, 'Cart-Token': cartToken };
      await flow.call(`${STORE_API}/cart/add-item`, {
        method: 'POST',
        headers: shopper,
        body: { id: product.id, quantity: 1 },
      });
      return shopper;
    },
    () => `cart with 1 × ${product.name}`,
  );
  const customer = checkCustomer(storeId);
  const address = {
    first_name: customer.first_name,
    last_name: customer.last_name,
    address_1: customer.address_1,
    city: customer.city,
    postcode: customer.postcode,
    country: 'US',
    state: 'CA',
  };
  const order = await flow.step(
    'checkout',
    async () => {
      const { json } = await flow.call<{ order_id: number; status: string }>(`${STORE_API}/checkout`, {
        method: 'POST',
        headers: session,
        body: {
          billing_address: { ...address, email: customer.email },
          shipping_address: address,
          payment_method: 'cod',
        },
      });
      if (!json.order_id) throw new Error('checkout answered without an order id');
      flow.orderId = String(json.order_id);
      return json;
    },
    (placed) => `order ${placed.order_id} is ${placed.status} (Cash on Delivery)`,
  );
  const admin = await flow.step(
    'admin sign-in',
    () => signIn(flow, credentials),
    () => `signed in as ${credentials.username}`,
  );
  const orderPath = `/wp-json/wc/v3/orders/${order.order_id}`;
  // Cancelled even when the admin cannot show it: the check leaves no open order behind.
  try {
    await flow.step(
      'admin sees the order',
      async () => (await flow.call<{ id: number; status: string }>(orderPath, { headers: admin })).json,
      (seen) => `order ${seen.id} is ${seen.status}`,
    );
  } finally {
    await flow.step(
      'cancel',
      async () =>
        (
          await flow.call<{ status: string }>(orderPath, {
            method: 'PUT',
            headers: admin,
            body: { status: 'cancelled' },
          })
        ).json,
      (cancelled) => `order ${order.order_id} is ${cancelled.status}`,
    );
  }
}

/** WordPress cookie authentication: the login cookies, and the REST nonce that must go with them. */
async function signIn(flow: OrderFlow, credentials: OrderCredentials): Promise<Record<string, string>> {
  // WordPress refuses a login whose request lacks its test cookie ("cookies are blocked").
  const testCookie = 'wordpress_test_cookie=WP%20Cookie%20check';
  const login = await flow.request('/wp-login.php', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: testCookie },
    body: new URLSearchParams({
      log: credentials.username,
      pwd: credentials.password,
      rememberme: 'forever',
      testcookie: '1',
    }).toString(),
  });
  const cookies = (login.headers['set-cookie'] ?? [])
    .map((cookie) => cookie.split(';')[0] ?? '')
    .filter((cookie) => cookie.startsWith('wordpress_'));
  if (login.status !== 302 || !cookies.some((cookie) => cookie.startsWith('wordpress_logged_in'))) {
    throw new Error(
      `wp-login.php answered HTTP ${login.status} without a login cookie: the store's administrator credentials were refused`,
    );
  }
  const cookie = [testCookie, ...cookies].join('; ');
  const nonce = await flow.request('/wp-admin/admin-ajax.php?action=rest-nonce', {
    headers: { cookie },
    readBody: true,
  });
  const value = nonce.body?.trim() ?? '';
  if (nonce.status !== 200 || !/^[0-9a-f]{6,}$/i.test(value))
    throw new Error(`admin-ajax.php?action=rest-nonce answered HTTP ${nonce.status} without a nonce`);
  return { cookie, 'X-WP-Nonce': value };
}
