// The names the seed gives what it makes; the storefront key route looks the key up by its title.
export const STOREFRONT_KEY_TITLE = 'storefleet storefront';

export const SAMPLE = {
  salesChannel: 'storefleet storefront',
  region: 'United States',
  country: 'us',
  currency: 'usd',
  location: 'Main warehouse',
  shippingOption: 'Standard shipping',
  shippingPrice: 5,
  product: {
    title: 'storefleet sample tee',
    handle: 'sample-tee',
    description: 'A plain cotton tee: the product every new store starts with, so an order can be placed at once.',
    sku: 'SAMPLE-TEE',
    price: 20,
    stock: 1000000,
  },
} as const;
