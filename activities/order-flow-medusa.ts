// The order check of a Medusa store, through its URL: the admin signs in (for the publishable key and
// to verify the order), a shopper's cart gets the sample product, checkout with Medusa's manual payment
// provider, then the admin API shows the order and cancels it.
import { checkCustomer, type OrderCredentials, type OrderFlow } from './order-flow.js';

interface Region {
  id: string;
  currency_code: string;
  countries?: { iso_2: string }[];
}
interface Product {
  id: string;
  handle: string;
  title: string;
  variants: { id: string; title: string }[];
}

/**
 * The product and key the setup Job seeds (images/medusa-server/src/storefront-catalog.ts, built in its
 * own image context; a test pins the two equal). Any other product with a variant does when a merchant
 * removed it.
 */
export const SAMPLE_HANDLE = 'sample-tee';
export const STOREFRONT_KEY_TITLE = 'storefleet storefront';

export async function medusaOrderFlow(flow: OrderFlow, storeId: string, credentials: OrderCredentials): Promise<void> {
  const token = await flow.step(
    'admin sign-in',
    async () =>
      (
        await flow.call<{ token: string }>('/auth/user/emailpass', {
          method: 'POST',
          body: { email: credentials.email, password: credentials.password },
        })
      ).json.token,
    () => `signed in as ${credentials.email}`,
  );
  const admin = { authorization: `Bearer ${token}` };
  const key = await flow.step(
    'publishable key',
    async () => {
      const { json } = await flow.call<{ api_keys: { token: string; title: string; revoked_at: string | null }[] }>(
        '/admin/api-keys?type=publishable&limit=50',
        { headers: admin },
      );
      const usable = json.api_keys.filter((k) => !k.revoked_at);
      const found = usable.find((k) => k.title === STOREFRONT_KEY_TITLE) ?? usable[0];
      if (!found) throw new Error('the store has no publishable key that is not revoked');
      return found;
    },
    (found) => `key "${found.title}"`,
  );
  const shopper = { 'x-publishable-api-key': key.token };
  const { region, product } = await flow.step(
    'sample product',
    async () => {
      const { json: regions } = await flow.call<{ regions: Region[] }>('/store/regions?fields=*countries', {
        headers: shopper,
      });
      const region = regions.regions[0];
      if (!region) throw new Error('the store has no region');
      const query = (extra: string) =>
        `/store/products?region_id=${region.id}&limit=1&fields=id,handle,title,*variants${extra}`;
      const sample = (await flow.call<{ products: Product[] }>(query(`&handle=${SAMPLE_HANDLE}`), { headers: shopper }))
        .json.products[0];
      const product =
        sample ?? (await flow.call<{ products: Product[] }>(query(''), { headers: shopper })).json.products[0];
      if (!product?.variants[0]) throw new Error('the store sells no product with a variant');
      return { region, product };
    },
    ({ product, region }) => `"${product.title}" (${product.variants[0]?.title ?? ''}) in region ${region.id}`,
  );
  const customer = checkCustomer(storeId);
  const country = region.countries?.[0]?.iso_2 ?? 'us';
  const address = {
    first_name: customer.first_name,
    last_name: customer.last_name,
    address_1: customer.address_1,
    city: customer.city,
    postal_code: customer.postcode,
    country_code: country,
  };
  const cartId = await flow.step(
    'cart',
    async () => {
      const { json } = await flow.call<{ cart: { id: string } }>('/store/carts', {
        method: 'POST',
        headers: shopper,
        body: { region_id: region.id, email: customer.email },
      });
      await flow.call(`/store/carts/${json.cart.id}/line-items`, {
        method: 'POST',
        headers: shopper,
        body: { variant_id: product.variants[0]?.id, quantity: 1 },
      });
      await flow.call(`/store/carts/${json.cart.id}`, {
        method: 'POST',
        headers: shopper,
        body: { shipping_address: address, billing_address: address },
      });
      return json.cart.id;
    },
    (id) => `cart ${id} with 1 × ${product.title}`,
  );
  await flow.step(
    'shipping',
    async () => {
      const { json } = await flow.call<{ shipping_options: { id: string; name: string }[] }>(
        `/store/shipping-options?cart_id=${cartId}`,
        { headers: shopper },
      );
      const option = json.shipping_options[0];
      if (!option) throw new Error(`no shipping option for country ${country}`);
      await flow.call(`/store/carts/${cartId}/shipping-methods`, {
        method: 'POST',
        headers: shopper,
        body: { option_id: option.id },
      });
      return option;
    },
    (option) => `"${option.name}"`,
  );
  await flow.step(
    'payment',
    async () => {
      const { json } = await flow.call<{ payment_collection: { id: string } }>('/store/payment-collections', {
        method: 'POST',
        headers: shopper,
        body: { cart_id: cartId },
      });
      await flow.call(`/store/payment-collections/${json.payment_collection.id}/payment-sessions`, {
        method: 'POST',
        headers: shopper,
        body: { provider_id: 'pp_system_default' },
      });
      return json.payment_collection.id;
    },
    (id) => `manual payment session in ${id}`,
  );
  const order = await flow.step(
    'checkout',
    async () => {
      const { json } = await flow.call<{
        type: string;
        order?: { id: string; display_id: number; total: number; currency_code: string };
        error?: { message?: string };
      }>(`/store/carts/${cartId}/complete`, {
        method: 'POST',
        headers: shopper,
        body: {},
      });
      if (json.type !== 'order' || !json.order)
        throw new Error(`the cart did not become an order: ${json.error?.message ?? json.type}`);
      flow.orderId = json.order.id;
      return json.order;
    },
    (placed) =>
      `order ${placed.id} (#${placed.display_id}), total ${placed.total} ${placed.currency_code.toUpperCase()}`,
  );
  // Cancelled even when the admin cannot show it: the check leaves no open order behind.
  try {
    await flow.step(
      'admin sees the order',
      async () =>
        (
          await flow.call<{ order: { id: string; status: string; email: string } }>(
            `/admin/orders/${order.id}?fields=id,status,email`,
            { headers: admin },
          )
        ).json.order,
      (seen) => `order ${seen.id} is ${seen.status}, for ${seen.email}`,
    );
  } finally {
    await flow.step(
      'cancel',
      async () =>
        (
          await flow.call<{ order: { status: string } }>(`/admin/orders/${order.id}/cancel`, {
            method: 'POST',
            headers: admin,
            body: {},
          })
        ).json.order,
      (cancelled) => `order ${order.id} is ${cancelled.status}`,
    );
  }
}
