import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { describe, expect, inject, it } from 'vitest';
import { localChartValues } from './local-platform.js';
import type { LocalImage } from '../images/ensure.js';

const image = (name: string): LocalImage => ({
  name,
  ref: `localhost/storefleet/${name}:v-abc`,
  repository: `localhost/storefleet/${name}`,
  tag: 'v-abc',
  archive: `/cache/${name}.tar`,
  key: 'abc',
  built: false,
});
const images = [
  'mariadb',
  'wordpress',
  'wp-cli',
  'postgres',
  'redis',
  'node',
  'medusa-server',
  'medusa-storefront',
].map(image);

describe("local mode's chart values", () => {
  it('when the stand-ins are known, then WooCommerce releases run them, never pulled, and do not require the plugin', () => {
    const values = localChartValues(images) as { woocommerce: Record<string, unknown> };
    expect(values.woocommerce).toEqual({
      images: {
        wordpress: { repository: 'localhost/storefleet/wordpress', tag: 'v-abc', pullPolicy: 'Never' },
        wpcli: { repository: 'localhost/storefleet/wp-cli', tag: 'v-abc', pullPolicy: 'Never' },
        mariadb: { repository: 'localhost/storefleet/mariadb', tag: 'v-abc', pullPolicy: 'Never' },
      },
      woocommerce: { required: false },
    });
    expect(Object.keys(values)).toEqual(['woocommerce', 'medusa']);
  });

  it('when the images are known, then Medusa releases run the Medusa images and the PostgreSQL and Redis stand-ins, never pulled', () => {
    const values = localChartValues(images) as { medusa: Record<string, unknown> };
    const local = (name: string) => ({
      image: { repository: `localhost/storefleet/${name}`, tag: 'v-abc', pullPolicy: 'Never' },
    });
    expect(values.medusa).toEqual({
      server: local('medusa-server'),
      storefront: local('medusa-storefront'),
      postgres: local('postgres'),
      redis: local('redis'),
    });
  });

  it('when a stand-in is missing, then it says which', () => {
    expect(() => localChartValues(images.slice(1))).toThrow(/no mariadb image/);
  });

  it.each([
    ['woocommerce', /^localhost\/storefleet\/(mariadb|wordpress|wp-cli):v-abc$/, 4],
    ['medusa', /^localhost\/storefleet\/(medusa-server|medusa-storefront|postgres|redis):v-abc$/, 5],
  ] as const)(
    'when the %s chart renders with them (as the worker merges them), then every container names a local image',
    async (engine, localImage, atLeast) => {
      const values = {
        ...(localChartValues(images) as Record<string, Record<string, unknown>>)[engine],
        storeId: 'demo1',
        host: 'demo1.localhost',
        plan: 'small',
        existingSecret: 'store-admin',
      };
      const chart = fileURLToPath(new URL(`../../charts/${engine}`, import.meta.url));
      const rendered = await execa(
        inject('toolchain').helm ?? 'helm',
        ['template', `${engine}-demo1`, chart, '-n', 'store-demo1', '-f', '-'],
        { input: JSON.stringify(values) },
      );
      const named = [...rendered.stdout.matchAll(/^\s+image: "?([^"\s]+)"?$/gm)].map((match) => match[1]);
      expect(named.length).toBeGreaterThanOrEqual(atLeast);
      for (const ref of named) expect(ref).toMatch(localImage);
      expect(rendered.stdout).not.toMatch(/imagePullPolicy: (IfNotPresent|Always)/);
    },
  );
});
