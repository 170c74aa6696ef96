import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { ActivityDeps } from './deps.js';
import { mergeValues, storeRelease } from './helm-cli.js';

const chartsDir = fileURLToPath(new URL('../charts', import.meta.url));
const deps = (chartValues?: ActivityDeps['chartValues']) =>
  ({ chartsDir, chartValues, settings: { baseDomain: 'localhost' } }) as unknown as ActivityDeps;
const spec = { storeId: 'shop1', engine: 'woocommerce' as const, plan: 'small' as const, owner: 'default' };

describe('store release values', () => {
  it('when values are merged, then mappings merge key by key and anything else is replaced', () => {
    expect(mergeValues({ a: { b: 1, c: 2 }, list: [1, 2], x: 1 }, { a: { c: 3 }, list: [3], y: 2 })).toEqual({
      a: { b: 1, c: 3 },
      list: [3],
      x: 1,
      y: 2,
    });
  });

  it("when the installation sets chart values for the engine, then every release gets them beneath the store's own", () => {
    const installation = {
      woocommerce: {
        images: { wordpress: { repository: 'localhost/storefleet/wordpress', tag: 'x', pullPolicy: 'Never' } },
        storeId: 'not-this',
        host: 'nor-this',
      },
      medusa: { server: { image: { repository: 'elsewhere' } } },
    };
    const values = JSON.parse(storeRelease(deps(installation), spec).values) as Record<string, unknown>;
    expect(values).toEqual({
      images: { wordpress: { repository: 'localhost/storefleet/wordpress', tag: 'x', pullPolicy: 'Never' } },
      storeId: 'shop1',
      host: 'shop1.localhost',
      plan: 'small',
      existingSecret: 'store-admin',
    });
  });

  it("when no chart values are set, then the release values are only the store's own", () => {
    expect(JSON.parse(storeRelease(deps(), spec).values)).toEqual({
      storeId: 'shop1',
      host: 'shop1.localhost',
      plan: 'small',
      existingSecret: 'store-admin',
    });
  });
});
