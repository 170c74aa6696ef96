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
