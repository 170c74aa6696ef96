// What a new store needs to sell at once: a region with manual payment, a sales channel with a
// publishable key, a stock location with a shipping option, and one sample product with stock and a
// price. Run by the setup Job after the migrations (`medusa exec`); every step looks for what an
// earlier run made before it makes anything, so the Job can run again.
import type { ExecArgs, IApiKeyModuleService, MedusaContainer } from '@medusajs/framework/types';
import { ContainerRegistrationKeys, Modules, ProductStatus } from '@medusajs/framework/utils';
import {
  createApiKeysWorkflow,
  createInventoryLevelsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} from '@medusajs/medusa/core-flows';
import { SAMPLE, STOREFRONT_KEY_TITLE } from '../storefront-catalog';

export default async function seedStore({ container }: ExecArgs): Promise<void> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER);
  const step = (what: string, created: boolean) =>
    logger.info(`[seed] ${what}: ${created ? 'created' : 'already there'}`);

  const salesChannel = await ensureSalesChannel(container, step);
  const region = await ensureRegion(container, step);
  await ensureTaxRegion(container, step);
  const location = await ensureStockLocation(container, salesChannel.id, step);
  const shippingProfileId = await ensureShippingProfile(container, step);
  await ensureShippingOption(container, location.id, shippingProfileId, region.id, step);
  await ensurePublishableKey(container, salesChannel.id, step);
  const [store] = await container.resolve(Modules.STORE).listStores();
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        supported_currencies: [{ currency_code: SAMPLE.currency, is_default: true }],
        default_sales_channel_id: salesChannel.id,
        default_region_id: region.id,
        default_location_id: location.id,
      },
    },
  });
  await ensureSampleProduct(container, salesChannel.id, shippingProfileId, location.id, step);
  logger.info('[seed] the store can take orders');
}

type Step = (what: string, created: boolean) => void;

async function ensureSalesChannel(container: MedusaContainer, step: Step) {
  const [found] = await container.resolve(Modules.SALES_CHANNEL).listSalesChannels({ name: SAMPLE.salesChannel });
  step(`sales channel "${SAMPLE.salesChannel}"`, !found);
  if (found) return found;
  const { result } = await createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: SAMPLE.salesChannel }] },
  });
  return result[0];
}

async function ensureRegion(container: MedusaContainer, step: Step) {
  const [found] = await container.resolve(Modules.REGION).listRegions({ name: SAMPLE.region });
  step(`region "${SAMPLE.region}"`, !found);
  if (found) return found;
  const { result } = await createRegionsWorkflow(container).run({
    input: {
      regions: [
        {
          name: SAMPLE.region,
          currency_code: SAMPLE.currency,
          countries: [SAMPLE.country],
          payment_providers: ['pp_system_default'],
        },
      ],
    },
  });
  return result[0];
}

async function ensureTaxRegion(container: MedusaContainer, step: Step) {
  const [found] = await container.resolve(Modules.TAX).listTaxRegions({ country_code: SAMPLE.country });
  step(`tax region ${SAMPLE.country}`, !found);
  if (!found)
    await createTaxRegionsWorkflow(container).run({
      input: [{ country_code: SAMPLE.country, provider_id: 'tp_system' }],
    });
}

async function ensureStockLocation(container: MedusaContainer, salesChannelId: string, step: Step) {
  const [found] = await container.resolve(Modules.STOCK_LOCATION).listStockLocations({ name: SAMPLE.location });
  step(`stock location "${SAMPLE.location}"`, !found);
  if (found) return found;
  const { result } = await createStockLocationsWorkflow(container).run({
    input: {
      locations: [
        { name: SAMPLE.location, address: { address_1: '', city: '', country_code: SAMPLE.country.toUpperCase() } },
      ],
    },
  });
  const location = result[0];
  const link = container.resolve(ContainerRegistrationKeys.LINK);
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: 'manual_manual' },
  });
  await linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: location.id, add: [salesChannelId] } });
  return location;
}

async function ensureShippingProfile(container: MedusaContainer, step: Step): Promise<string> {
  const [found] = await container.resolve(Modules.FULFILLMENT).listShippingProfiles({ type: 'default' });
  step('default shipping profile', !found);
  if (found) return found.id;
  const { result } = await createShippingProfilesWorkflow(container).run({
    input: { data: [{ name: 'Default', type: 'default' }] },
  });
  return result[0].id;
}

async function ensureShippingOption(
  container: MedusaContainer,
  locationId: string,
  shippingProfileId: string,
  regionId: string,
  step: Step,
) {
  const fulfillment = container.resolve(Modules.FULFILLMENT);
  const [existing] = await fulfillment.listShippingOptions({ name: SAMPLE.shippingOption });
  step(`shipping option "${SAMPLE.shippingOption}"`, !existing);
  if (existing) return;
  let [fulfillmentSet] = await fulfillment.listFulfillmentSets(
    { name: SAMPLE.location },
    { relations: ['service_zones'] },
  );
  if (!fulfillmentSet) {
    fulfillmentSet = await fulfillment.createFulfillmentSets({
      name: SAMPLE.location,
      type: 'shipping',
      service_zones: [{ name: SAMPLE.region, geo_zones: [{ type: 'country', country_code: SAMPLE.country }] }],
    });
    const link = container.resolve(ContainerRegistrationKeys.LINK);
    await link.create({
      [Modules.STOCK_LOCATION]: { stock_location_id: locationId },
      [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
    });
  }
  await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: SAMPLE.shippingOption,
        price_type: 'flat',
        provider_id: 'manual_manual',
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: shippingProfileId,
        type: { label: 'Standard', description: 'Ships in 2-3 days.', code: 'standard' },
        prices: [
          { currency_code: SAMPLE.currency, amount: SAMPLE.shippingPrice },
          { region_id: regionId, amount: SAMPLE.shippingPrice },
        ],
        rules: [
          { attribute: 'enabled_in_store', value: 'true', operator: 'eq' },
          { attribute: 'is_return', value: 'false', operator: 'eq' },
        ],
      },
    ],
  });
}

async function ensurePublishableKey(container: MedusaContainer, salesChannelId: string, step: Step) {
  const apiKeys: IApiKeyModuleService = container.resolve(Modules.API_KEY);
  const found = (await apiKeys.listApiKeys({ title: STOREFRONT_KEY_TITLE, type: 'publishable' })).find(
    (key) => !key.revoked_at,
  );
  step(`publishable key "${STOREFRONT_KEY_TITLE}"`, !found);
  const key =
    found ??
    (
      await createApiKeysWorkflow(container).run({
        input: { api_keys: [{ title: STOREFRONT_KEY_TITLE, type: 'publishable', created_by: '' }] },
      })
    ).result[0];
  await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: key.id, add: [salesChannelId] } });
}

async function ensureSampleProduct(
  container: MedusaContainer,
  salesChannelId: string,
  shippingProfileId: string,
  locationId: string,
  step: Step,
) {
  const [found] = await container.resolve(Modules.PRODUCT).listProducts({ handle: SAMPLE.product.handle });
  step(`product "${SAMPLE.product.title}"`, !found);
  if (!found) {
    await createProductsWorkflow(container).run({
      input: {
        products: [
          {
            title: SAMPLE.product.title,
            handle: SAMPLE.product.handle,
            description: SAMPLE.product.description,
            status: ProductStatus.PUBLISHED,
            shipping_profile_id: shippingProfileId,
            options: [{ title: 'Size', values: ['One size'] }],
            variants: [
              {
                title: 'One size',
                sku: SAMPLE.product.sku,
                manage_inventory: true,
                options: { Size: 'One size' },
                prices: [{ currency_code: SAMPLE.currency, amount: SAMPLE.product.price }],
              },
            ],
            sales_channels: [{ id: salesChannelId }],
          },
        ],
      },
    });
  }
  // Stock at the location, for the variant's inventory item (made with the product).
  const query = container.resolve(ContainerRegistrationKeys.QUERY);
  const { data: items } = await query.graph({
    entity: 'inventory_item',
    fields: ['id', 'location_levels.location_id'],
    filters: { sku: SAMPLE.product.sku },
  });
  const missing = items.filter((item) => !item.location_levels?.some((level) => level?.location_id === locationId));
  step('stock of the sample product', missing.length > 0);
  if (missing.length) {
    await createInventoryLevelsWorkflow(container).run({
      input: {
        inventory_levels: missing.map((item) => ({
          inventory_item_id: item.id,
          location_id: locationId,
          stocked_quantity: SAMPLE.product.stock,
        })),
      },
    });
  }
}
