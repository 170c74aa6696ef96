import { describe, expect, it } from 'vitest';
import { ConfigError, readConfig } from './config.js';
import { cartPage, checkoutPage, escapeHtml, formatMoney, productListPage } from './pages.js';
import type { Cart, Product } from './store-api.js';

describe("the storefront's settings", () => {
  it('when only the backend is set, then the defaults fill the rest', () => {
    expect(readConfig({ MEDUSA_BACKEND_URL: 'http://medusa-shop-server:9000/' })).toEqual({
      port: 8000,
      hostname: '0.0.0.0',
      backendUrl: 'http://medusa-shop-server:9000',
      country: 'us',
      publishableKey: '',
    });
  });

  it.each([
    [{}, /MEDUSA_BACKEND_URL must be an http\(s\) URL/],
    [{ MEDUSA_BACKEND_URL: 'http://s:9000', PORT: 'eighty' }, /PORT must be a port number/],
    [
      { MEDUSA_BACKEND_URL: 'http://s:9000', DEFAULT_COUNTRY: 'usa' },
      /DEFAULT_COUNTRY must be a two-letter country code/,
    ],
  ])('when the environment is %j, then the start fails naming the setting', (env, message) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(message);
  });
});

describe("the storefront's pages", () => {
  const product: Product = {
    id: 'prod_1',
    title: '<b>Tee</b> & "co"',
    handle: 'tee',
    variants: [{ id: 'v1', title: 'One size', calculated_price: { calculated_amount: 20, currency_code: 'usd' } }],
  };

  it('when a value holds markup, then it is shown as text, never as HTML', () => {
    expect(escapeHtml('<script>x</script> & "q" \'s\'')).toBe(
      '&#60;script&#62;x&#60;/script&#62; &#38; &#34;q&#34; &#39;s&#39;',
    );
    const page = productListPage([product], 0);
    expect(page).toContain('&#60;b&#62;Tee&#60;/b&#62; &#38; &#34;co&#34;');
    expect(page).not.toContain('<b>Tee</b>');
  });

  it('when amounts are shown, then they are in the currency’s main unit', () => {
    expect(formatMoney(20, 'usd')).toBe('$20.00');
    expect(formatMoney(1234.5, 'eur')).toBe('€1,234.50');
  });

  it('when the cart is empty or missing, then the page says so and offers no checkout', () => {
    expect(cartPage(undefined)).toContain('Your cart is empty');
    expect(cartPage(undefined)).not.toContain('checkout-link');
  });

  it('when checkout is refused, then the page says why and keeps what the shopper typed', () => {
    const cart: Cart = {
      id: 'cart_1',
      currency_code: 'usd',
      items: [{ id: 'li_1', title: 'Tee', quantity: 2, unit_price: 20, total: 40 }],
      subtotal: 40,
      shipping_total: 0,
      tax_total: 0,
      total: 40,
    };
    const page = checkoutPage(cart, [{ id: 'so_1', name: 'Standard', amount: 5 }], 'us', 'Please fill in: city.', {
      email: 'a@b.example',
      first_name: 'Ada',
    });
    expect(page).toContain('role="alert">Please fill in: city.');
    expect(page).toContain('value="a@b.example"');
    expect(page).toContain('value="so_1" checked');
    expect(page).toContain('Cart (2)');
  });
});
