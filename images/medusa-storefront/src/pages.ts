// The storefront's pages as plain server-rendered HTML: no script, every value escaped.
import type { Cart, Order, Product, ShippingOption } from './store-api.js';

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Medusa v2 amounts are in the currency's main unit (20 = $20.00). */
export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(amount);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:52rem;margin:0 auto;padding:1rem;color:#222}
header{display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ddd;margin-bottom:1rem}
a{color:#1a56db}ul.products{list-style:none;padding:0;display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:1rem}
ul.products li{border:1px solid #ddd;border-radius:6px;padding:1rem}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #eee;padding:.4rem;text-align:left}form.checkout label{display:block;margin:.4rem 0}
input,select{padding:.3rem;font:inherit}button{padding:.4rem 1rem;font:inherit;cursor:pointer}.error{color:#b00020}`;

export function layout(title: string, body: string, cartCount = 0): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><header><h1><a href="/">Shop</a></h1><nav><a href="/cart" id="cart-link">Cart (${cartCount})</a></nav></header>
<main>${body}</main></body></html>`;
}

const variantPrice = (product: Product): string => {
  const price = product.variants[0]?.calculated_price;
  return price ? formatMoney(price.calculated_amount, price.currency_code) : 'not for sale here';
};

export function productListPage(products: Product[], cartCount: number): string {
  const items = products.map(
    (p) => `<li class="product"><h2><a href="/products/${encodeURIComponent(p.handle)}">${escapeHtml(p.title)}</a></h2>
<p class="price">${escapeHtml(variantPrice(p))}</p></li>`,
  );
  const body = products.length ? `<ul class="products">${items.join('\n')}</ul>` : '<p>No products yet.</p>';
  return layout('Products', `<h2>Products</h2>${body}`, cartCount);
}

export function productPage(product: Product, cartCount: number): string {
  const options = product.variants
    .map((v) => {
      const price = v.calculated_price
        ? formatMoney(v.calculated_price.calculated_amount, v.calculated_price.currency_code)
        : '';
      const soldOut = v.manage_inventory !== false && (v.inventory_quantity ?? 1) <= 0;
      return `<option value="${escapeHtml(v.id)}"${soldOut ? ' disabled' : ''}>${escapeHtml(v.title)} ${escapeHtml(price)}${soldOut ? ' (sold out)' : ''}</option>`;
    })
    .join('');
  return layout(
    product.title,
    `<h2>${escapeHtml(product.title)}</h2><p class="price">${escapeHtml(variantPrice(product))}</p>
<p>${escapeHtml(product.description)}</p>
<form method="post" action="/cart/items"><label>Variant <select name="variant_id">${options}</select></label>
<label>Quantity <input name="quantity" type="number" min="1" max="99" value="1"></label>
<button type="submit" id="add-to-cart">Add to cart</button></form>`,
    cartCount,
  );
}

function cartTable(cart: Cart | Order, removable: boolean): string {
  const rows = cart.items.map(
    (
      item,
    ) => `<tr><td>${escapeHtml(item.product_title ?? item.title)} ${escapeHtml(item.variant_title ?? '')}</td><td>${item.quantity}</td>
<td>${escapeHtml(formatMoney(item.total, cart.currency_code))}</td>${
      removable
        ? `<td><form method="post" action="/cart/items/${encodeURIComponent(item.id)}/remove"><button type="submit">Remove</button></form></td>`
        : ''
    }</tr>`,
  );
  return `<table><thead><tr><th>Item</th><th>Quantity</th><th>Total</th>${removable ? '<th></th>' : ''}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function cartPage(cart: Cart | undefined): string {
  if (!cart?.items.length)
    return layout('Cart', '<h2>Your cart</h2><p>Your cart is empty. <a href="/">Browse products</a>.</p>');
  return layout(
    'Cart',
    `<h2>Your cart</h2>${cartTable(cart, true)}
<p>Subtotal: <strong id="subtotal">${escapeHtml(formatMoney(cart.subtotal, cart.currency_code))}</strong></p>
<p><a href="/checkout" id="checkout-link">Check out</a></p>`,
    itemCount(cart),
  );
}

export interface CheckoutForm {
  email: string;
  first_name: string;
  last_name: string;
  address_1: string;
  city: string;
  postal_code: string;
}

export function checkoutPage(
  cart: Cart,
  options: ShippingOption[],
  country: string,
  error?: string,
  form?: Partial<CheckoutForm>,
): string {
  const field = (name: keyof CheckoutForm, label: string, type = 'text') =>
    `<label>${label} <input name="${name}" type="${type}" required value="${escapeHtml(form?.[name] ?? '')}"></label>`;
  const shipping = options
    .map(
      (o, i) =>
        `<label><input type="radio" name="shipping_option_id" value="${escapeHtml(o.id)}"${i === 0 ? ' checked' : ''}> ${escapeHtml(o.name)} (${escapeHtml(formatMoney(o.amount, cart.currency_code))})</label>`,
    )
    .join('');
  return layout(
    'Checkout',
    `<h2>Checkout</h2>${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}${cartTable(cart, false)}
<form method="post" action="/checkout" class="checkout">
${field('email', 'Email', 'email')}${field('first_name', 'First name')}${field('last_name', 'Last name')}
${field('address_1', 'Address')}${field('city', 'City')}${field('postal_code', 'Postal code')}
<p>Country: ${escapeHtml(country.toUpperCase())}</p>
<fieldset><legend>Shipping</legend>${shipping || '<p class="error">No shipping option for this address.</p>'}</fieldset>
<p>Payment: pay on delivery (manual payment).</p>
<button type="submit" id="place-order">Place order</button></form>`,
    itemCount(cart),
  );
}

export function orderPage(order: Order): string {
  return layout(
    'Order confirmed',
    `<h2 id="confirmation">Thank you! Order #${escapeHtml(order.display_id)} is placed.</h2>
<p>A confirmation goes to ${escapeHtml(order.email)}.</p>${cartTable(order, false)}
<p>Total: <strong>${escapeHtml(formatMoney(order.total, order.currency_code))}</strong></p><p><a href="/">Continue shopping</a></p>`,
  );
}

export function errorPage(status: number, message: string): string {
  return layout(
    status === 404 ? 'Not found' : 'Something went wrong',
    `<h2>${status === 404 ? 'Not found' : 'Something went wrong'}</h2><p class="error">${escapeHtml(message)}</p><p><a href="/">Back to the shop</a></p>`,
  );
}

export function itemCount(cart: Cart | undefined): number {
  return cart?.items.reduce((sum, item) => sum + item.quantity, 0) ?? 0;
}
