import { describe, expect, it } from 'vitest';
import { releaseName, namespaceName, storeIdOfWorkflow, storeWorkflowId, cleanupWorkflowId } from './names.js';
import { parseStoreSpec } from './store-spec.js';

describe('parseStoreSpec', () => {
  it('when only storeId and engine are given, then plan is small and owner is default', () => {
    expect(parseStoreSpec({ storeId: 'demo1', engine: 'medusa' })).toEqual({
      spec: { storeId: 'demo1', engine: 'medusa', plan: 'small', owner: 'default' },
    });
  });

  it.each([
    ['ab', 'storeId: storeId must be at least 3 characters'],
    ['a'.repeat(41), 'storeId: storeId must be at most 40 characters'],
    ['Demo', 'storeId: storeId must be lowercase letters'],
    ['-demo', 'storeId: storeId must be lowercase letters'],
    ['demo_1', 'storeId: storeId must be lowercase letters'],
    ['shop-cleanup', 'storeId: storeId must not end in "-cleanup"'],
  ])('when storeId is %j, then it is rejected with a readable reason', (storeId, message) => {
    const { spec, problems } = parseStoreSpec({ storeId, engine: 'woocommerce' });
    expect(spec).toBeUndefined();
    expect(problems?.join('; ')).toContain(message);
  });

  it('when engine or plan is unknown, then both are named', () => {
    expect(parseStoreSpec({ storeId: 'demo', engine: 'magento', plan: 'huge' }).problems).toEqual([
      'engine: expected one of "woocommerce", "medusa", got "magento"',
      'plan: expected one of "small", "medium", "large", got "huge"',
    ]);
  });

  it.each([
    [null, ['a store spec must be an object with storeId and engine']],
    [{ engine: 'medusa' }, ['storeId: expected a string, got nothing']],
    [
      { storeId: 7, engine: 'medusa', owner: 'x y', chartVersion: 'latest' },
      [
        'storeId: expected a string, got number',
        'owner: owner must be letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
        'chartVersion: chartVersion must be a SemVer version such as 0.2.0',
      ],
    ],
    [
      { storeId: 'A', engine: 'medusa' },
      [
        'storeId: storeId must be at least 3 characters',
        'storeId: storeId must be lowercase letters, digits and "-", starting and ending with a letter or digit',
      ],
    ],
  ])('when the input is %j, then every problem is named', (input, problems) => {
    expect(parseStoreSpec(input)).toEqual({ problems });
  });

  it('when every field is given, then they are kept and unknown fields dropped', () => {
    expect(
      parseStoreSpec({
        storeId: 'demo1',
        engine: 'woocommerce',
        plan: 'large',
        owner: 'team.a',
        chartVersion: '0.2.0',
        colour: 'blue',
      }),
    ).toEqual({
      spec: { storeId: 'demo1', engine: 'woocommerce', plan: 'large', owner: 'team.a', chartVersion: '0.2.0' },
    });
  });

  it('when the longest store id is used, then every derived name fits Kubernetes and Helm limits', () => {
    const id = 'a'.repeat(40);
    expect(releaseName('woocommerce', id).length).toBeLessThanOrEqual(53);
    expect(namespaceName(id).length).toBeLessThanOrEqual(63);
    expect(storeIdOfWorkflow(storeWorkflowId(id))).toBe(id);
    expect(cleanupWorkflowId('demo')).toBe('store-demo-cleanup');
  });
});
