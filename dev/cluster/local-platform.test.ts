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
const images = ['mariadb', 'wordpress', 'wp-cli'].map(image);

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
    expect(Object.keys(values)).toEqual(['woocommerce']);
  });

  it('when a stand-in is missing, then it says which', () => {
    expect(() => localChartValues(images.slice(1))).toThrow(/no mariadb image/);
  });

  it('when the chart renders with them (as the worker merges them), then every container names a stand-in', async () => {
    const values = { ...(localChartValues(images) as { woocommerce: Record<string, unknown> }).woocommerce, storeId: 'demo1', host: 'demo1.localhost', plan: 'small', existingSecret: 'store-admin' };
    const chart = fileURLToPath(new URL('../../charts/woocommerce', import.meta.url));
    const rendered = await execa(inject('toolchain').helm ?? 'helm', ['template', 'woocommerce-demo1', chart, '-n', 'store-demo1', '-f', '-'], { input: JSON.stringify(values) });
    const named = [...rendered.stdout.matchAll(/^\s+image: "?([^"\s]+)"?$/gm)].map((match) => match[1]);
    expect(named.length).toBeGreaterThanOrEqual(4);
    for (const ref of named) expect(ref).toMatch(/^localhost\/storefleet\/(mariadb|wordpress|wp-cli):v-abc$/);
    expect(rendered.stdout).not.toMatch(/imagePullPolicy: (IfNotPresent|Always)/);
  });
});
