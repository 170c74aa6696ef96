import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadChartValues, loadWorkerConfig } from './config.js';

const fromText = (text: string) => loadChartValues('/etc/values.yaml', () => text);

describe('STOREFLEET_CHART_VALUES_FILE', () => {
  it('when it is unset, then there are no extra chart values', () => {
    expect(loadChartValues(undefined)).toEqual({});
  });

  it('when it holds values per engine, as YAML or JSON, then they are read', () => {
    expect(fromText('woocommerce:\n  woocommerce: {required: false}\n')).toEqual({
      woocommerce: { woocommerce: { required: false } },
    });
    expect(fromText('{"medusa": {"server": {"image": {"tag": "x"}}}}')).toEqual({
      medusa: { server: { image: { tag: 'x' } } },
    });
  });

  it.each([
    ['an unknown engine', 'shopify: {a: 1}', /unknown engine "shopify"/],
    ['values that are not a mapping', 'woocommerce: [1]', /values of woocommerce must be a mapping/],
    ['a list at the top', '- woocommerce', /expected a mapping of engine to chart values/],
    ['text that is not YAML', 'a: [', /cannot be read as YAML or JSON/],
  ])('when it holds %s, then the worker stops naming the variable', (_what, text, message) => {
    expect(() => fromText(text)).toThrow(message);
    expect(() => fromText(text)).toThrow(/STOREFLEET_CHART_VALUES_FILE \(\/etc\/values\.yaml\)/);
  });

  it('when the file cannot be read, then the worker stops naming the variable', () => {
    expect(() => loadChartValues('/nonexistent/values.yaml')).toThrow(
      /STOREFLEET_CHART_VALUES_FILE \(\/nonexistent\/values\.yaml\): cannot be read/,
    );
  });
});

describe('STOREFLEET_STORE_INGRESS_URL', () => {
  it.each([
    [undefined, undefined],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['https://ingress.internal', 'https://ingress.internal'],
  ])('when it is %s, then the checks reach stores through %s', (value, expected) => {
    expect(loadWorkerConfig({ ...(value ? { STOREFLEET_STORE_INGRESS_URL: value } : {}) }).storeIngressUrl).toBe(
      expected,
    );
  });

  it.each(['127.0.0.1:8080', 'ftp://ingress'])('when it is %s, then the worker stops naming the variable', (value) => {
    expect(() => loadWorkerConfig({ STOREFLEET_STORE_INGRESS_URL: value })).toThrow(
      /STOREFLEET_STORE_INGRESS_URL.*http\(s\) URL/,
    );
  });
});

describe('STOREFLEET_STORE_OBJECTS_NAMESPACE', () => {
  it('when it is unset, then the workflows keep no Store objects (and no controller runs)', () => {
    expect(loadWorkerConfig({}).settings.storeObjectNamespace).toBeUndefined();
  });

  it('when it names a namespace, then the workflows write Store objects there', () => {
    expect(loadWorkerConfig({ STOREFLEET_STORE_OBJECTS_NAMESPACE: 'storefleet' }).settings.storeObjectNamespace).toBe(
      'storefleet',
    );
  });

  it('when it is no namespace name, then the worker stops naming the variable', () => {
    expect(() => loadWorkerConfig({ STOREFLEET_STORE_OBJECTS_NAMESPACE: 'Store_Objects' })).toThrow(
      /STOREFLEET_STORE_OBJECTS_NAMESPACE.*namespace name/,
    );
  });
});

describe('STOREFLEET_WORKFLOW_CACHE_SIZE', () => {
  it('when it is unset, then 100 store workflows stay cached (the memory target holds with it)', () => {
    expect(loadWorkerConfig({}).workflowCacheSize).toBe(100);
  });

  it('when it is below 2, then the worker stops naming the variable (the SDK needs room for two)', () => {
    expect(() => loadWorkerConfig({ STOREFLEET_WORKFLOW_CACHE_SIZE: '1' })).toThrow(/STOREFLEET_WORKFLOW_CACHE_SIZE/);
  });
});

describe("the cluster's knobs for store releases (STOREFLEET_STORE_*)", () => {
  it('when none is set, then the releases get only the values file', () => {
    const config = loadWorkerConfig({});
    expect(config.chartValues).toEqual({ woocommerce: {}, medusa: {} });
    expect(config.settings.storeHttps).toBeUndefined();
  });

  it('when each is set, then every engine gets the same chart values, and stores are served over HTTPS', () => {
    const config = loadWorkerConfig({
      STOREFLEET_STORE_INGRESS_CLASS: 'traefik',
      STOREFLEET_STORE_INGRESS_ANNOTATIONS: '{"traefik.ingress.kubernetes.io/router.entrypoints": "websecure"}',
      STOREFLEET_STORE_STORAGE_CLASS: 'fast-ssd',
      STOREFLEET_STORE_IMAGE_REGISTRY: 'registry.example.com:5000/mirror',
      STOREFLEET_STORE_TLS_CLUSTER_ISSUER: 'letsencrypt',
    });
    const expected = {
      ingress: {
        className: 'traefik',
        annotations: { 'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure' },
        tls: { clusterIssuer: 'letsencrypt' },
      },
      persistence: { storageClassName: 'fast-ssd' },
      imageRegistry: 'registry.example.com:5000/mirror',
    };
    expect(config.chartValues).toEqual({ woocommerce: expected, medusa: expected });
    expect(config.settings.storeHttps).toBe(true);
  });

  it('when a knob and the values file set the same value, then the knob wins and the rest of the file stays', () => {
    const dir = mkdtempSync(join(tmpdir(), 'values-'));
    try {
      const file = join(dir, 'values.json');
      writeFileSync(
        file,
        JSON.stringify({ woocommerce: { ingress: { className: 'nginx', annotations: { a: 'b' } } } }),
      );
      const config = loadWorkerConfig({
        STOREFLEET_CHART_VALUES_FILE: file,
        STOREFLEET_STORE_INGRESS_CLASS: 'traefik',
      });
      expect(config.chartValues.woocommerce).toEqual({ ingress: { className: 'traefik', annotations: { a: 'b' } } });
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('when a knob is set but empty (an unset chart value), then it counts as unset', () => {
    expect(
      loadWorkerConfig({ STOREFLEET_STORE_STORAGE_CLASS: '', STOREFLEET_STORE_TLS_CLUSTER_ISSUER: '' }).chartValues,
    ).toEqual({
      woocommerce: {},
      medusa: {},
    });
  });

  it.each([
    ['STOREFLEET_STORE_INGRESS_ANNOTATIONS', '{"a": 1}', /JSON object of annotation names to string values/],
    ['STOREFLEET_STORE_INGRESS_ANNOTATIONS', 'a=b', /JSON object of annotation names to string values/],
    ['STOREFLEET_STORE_INGRESS_CLASS', 'Traefik', /IngressClass name/],
    ['STOREFLEET_STORE_STORAGE_CLASS', 'fast ssd', /StorageClass name/],
    ['STOREFLEET_STORE_IMAGE_REGISTRY', 'https://registry.example.com', /registry host/],
    ['STOREFLEET_STORE_TLS_CLUSTER_ISSUER', 'Lets_Encrypt', /ClusterIssuer name/],
  ])('when %s is %s, then the worker stops naming the variable', (name, value, message) => {
    expect(() => loadWorkerConfig({ [name]: value })).toThrow(new RegExp(`${name}: .*${message.source}`));
  });
});

describe('STOREFLEET_WORKFLOW_BUNDLE', () => {
  it('when it is unset, then the worker uses the built bundle or bundles at start', () => {
    expect(loadWorkerConfig({}).workflowBundlePath).toBeUndefined();
  });

  it('when it names a file, then the worker loads that bundle', () => {
    expect(loadWorkerConfig({ STOREFLEET_WORKFLOW_BUNDLE: 'package.json' }).workflowBundlePath).toBe('package.json');
  });

  it('when the file does not exist, then the worker stops naming the variable', () => {
    expect(() => loadWorkerConfig({ STOREFLEET_WORKFLOW_BUNDLE: '/nonexistent/bundle.js' })).toThrow(
      /STOREFLEET_WORKFLOW_BUNDLE.*no such file/,
    );
  });
});
