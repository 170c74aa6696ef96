// The few Medusa Store API calls a shop needs, with the publishable key on every one.
export interface Price {
  calculated_amount: number;
  currency_code: string;
}
export interface Variant {
  id: string;
  title: string;
  sku?: string | null;
  calculated_price?: Price | null;
  inventory_quantity?: number | null;
  manage_inventory?: boolean;
}
export interface Product {
  id: string;
  title: string;
  handle: string;
  description?: string | null;
  thumbnail?: string | null;
  variants: Variant[];
}
export interface Region {
  id: string;
  name: string;
  currency_code: string;
  countries?: { iso_2: string }[];
}
export interface LineItem {
  id: string;
  title: string;
  product_title?: string;
  variant_title?: string;
  quantity: number;
  unit_price: number;
  total: number;
}
export interface Cart {
  id: string;
  email?: string | null;
  currency_code: string;
  items: LineItem[];
  subtotal: number;
  shipping_total: number;
  tax_total: number;
  total: number;
  region_id?: string;
}
export interface ShippingOption {
  id: string;
  name: string;
  amount: number;
}
export interface Order {
  id: string;
  display_id: number;
  email: string;
  currency_code: string;
  items: LineItem[];
  total: number;
  status: string;
}
export interface Address {
  first_name: string;
  last_name: string;
  address_1: string;
  city: string;
  postal_code: string;
  country_code: string;
}

/** The Store API answered with an error: its status and Medusa's message, safe to show a shopper. */
export class StoreApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const PRODUCT_FIELDS = '*variants.calculated_price,+variants.inventory_quantity';

export class StoreApi {
  private key: string;

  constructor(
    private readonly backendUrl: string,
    publishableKey: string,
  ) {
    this.key = publishableKey;
  }

  async products(regionId: string): Promise<Product[]> {
    const query = new URLSearchParams({ region_id: regionId, fields: PRODUCT_FIELDS, limit: '50' });
    return (await this.call<{ products: Product[] }>('GET', `/store/products?${query.toString()}`)).products;
  }

  async product(handle: string, regionId: string): Promise<Product | undefined> {
    const query = new URLSearchParams({ handle, region_id: regionId, fields: PRODUCT_FIELDS });
    return (await this.call<{ products: Product[] }>('GET', `/store/products?${query.toString()}`)).products[0];
  }

  /** The region that ships to the country. */
  async region(country: string): Promise<Region> {
    const { regions } = await this.call<{ regions: Region[] }>('GET', '/store/regions?fields=*countries');
    const region = regions.find((candidate) => candidate.countries?.some((c) => c.iso_2 === country));
    if (!region)
      throw new StoreApiError(503, `no region ships to "${country}" yet: the store's setup has not finished`);
    return region;
  }

  async createCart(regionId: string): Promise<Cart> {
    return (await this.call<{ cart: Cart }>('POST', '/store/carts', { region_id: regionId })).cart;
  }

  async cart(id: string): Promise<Cart | undefined> {
    return (await this.unlessMissing(this.call<{ cart: Cart }>('GET', `/store/carts/${encodeURIComponent(id)}`)))?.cart;
  }

  async addItem(cartId: string, variantId: string, quantity: number): Promise<Cart> {
    return (
      await this.call<{ cart: Cart }>('POST', `/store/carts/${encodeURIComponent(cartId)}/line-items`, {
        variant_id: variantId,
        quantity,
      })
    ).cart;
  }

  async removeItem(cartId: string, lineId: string): Promise<void> {
    await this.call('DELETE', `/store/carts/${encodeURIComponent(cartId)}/line-items/${encodeURIComponent(lineId)}`);
  }

  async shippingOptions(cartId: string): Promise<ShippingOption[]> {
    return (
      await this.call<{ shipping_options: ShippingOption[] }>(
        'GET',
        `/store/shipping-options?cart_id=${encodeURIComponent(cartId)}`,
      )
    ).shipping_options;
  }

  /** Address, shipping method and Medusa's manual payment, then the order (or why there is none). */
  async checkout(
    cartId: string,
    details: { email: string; address: Address; shippingOptionId: string },
  ): Promise<Order> {
    const cart = `/store/carts/${encodeURIComponent(cartId)}`;
    await this.call('POST', cart, {
      email: details.email,
      shipping_address: details.address,
      billing_address: details.address,
    });
    await this.call('POST', `${cart}/shipping-methods`, { option_id: details.shippingOptionId });
    const { payment_collection } = await this.call<{ payment_collection: { id: string } }>(
      'POST',
      '/store/payment-collections',
      { cart_id: cartId },
    );
    await this.call('POST', `/store/payment-collections/${payment_collection.id}/payment-sessions`, {
      provider_id: 'pp_system_default',
    });
    const completed = await this.call<{ type: 'order'; order: Order } | { type: 'cart'; error?: { message?: string } }>(
      'POST',
      `${cart}/complete`,
      {},
    );
    if (completed.type !== 'order')
      throw new StoreApiError(409, completed.error?.message ?? 'the order could not be placed');
    return completed.order;
  }

  async order(id: string): Promise<Order | undefined> {
    return (await this.unlessMissing(this.call<{ order: Order }>('GET', `/store/orders/${encodeURIComponent(id)}`)))
      ?.order;
  }

  /** A 404 is an answer (no such cart or order, e.g. an old cookie), not an error. */
  private async unlessMissing<T>(call: Promise<T>): Promise<T | undefined> {
    try {
      return await call;
    } catch (error) {
      if (error instanceof StoreApiError && error.status === 404) return undefined;
      throw error;
    }
  }

  private async publishableKey(): Promise<string> {
    if (this.key) return this.key;
    const response = await fetch(`${this.backendUrl}/storefleet/publishable-key`);
    if (!response.ok) throw new StoreApiError(503, 'the store is still being set up: it has no publishable key yet');
    this.key = ((await response.json()) as { key: string }).key;
    return this.key;
  }

  private async call<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {
      'x-publishable-api-key': await this.publishableKey(),
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.backendUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) {
      const message = safeJson<{ message?: string }>(text)?.message ?? `HTTP ${response.status}`;
      throw new StoreApiError(response.status, message);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }
}

function safeJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
