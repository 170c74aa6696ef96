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
      ingress: { tls: { enabled: false } },
    });
  });

  it("when no chart values are set, then the release values are only the store's own", () => {
    expect(JSON.parse(storeRelease(deps(), spec).values)).toEqual({
      storeId: 'shop1',
      host: 'shop1.localhost',
      plan: 'small',
      existingSecret: 'store-admin',
      ingress: { tls: { enabled: false } },
    });
  });

  it.each([
    ['https', { host: 'shop1.example.com', https: true }, true],
    ['http', { host: 'shop1.example.com', https: false }, false],
    ['a recorded input from before HTTPS stores', { host: 'shop1.example.com' }, false],
  ])("when the store's address is %s, then the release's Ingress TLS follows it", (_what, address, enabled) => {
    const installation = { woocommerce: { ingress: { tls: { clusterIssuer: 'selfsigned' } } } };
    expect(JSON.parse(storeRelease(deps(installation), spec, address).values)).toMatchObject({
      host: 'shop1.example.com',
      ingress: { tls: { enabled, clusterIssuer: 'selfsigned' } },
    });
  });

  it('when the settings say stores are served over HTTPS, then a release without a recorded address gets TLS', () => {
    const httpsDeps = {
      chartsDir,
      settings: { baseDomain: 'example.com', storeHttps: true },
    } as unknown as ActivityDeps;
    expect(JSON.parse(storeRelease(httpsDeps, spec).values)).toMatchObject({ ingress: { tls: { enabled: true } } });
  });
});
