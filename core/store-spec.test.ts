import { describe, expect, it } from 'vitest';
import { releaseName, namespaceName, storeIdOfWorkflow, storeWorkflowId, cleanupWorkflowId } from './names.js';
import { describeIssues, storeSpecSchema } from './store-spec.js';

describe('storeSpecSchema', () => {
  it('when only storeId and engine are given, then plan is small and owner is default', () => {
    expect(storeSpecSchema.parse({ storeId: 'demo1', engine: 'medusa' })).toEqual({ storeId: 'demo1', engine: 'medusa', plan: 'small', owner: 'default' });
  });

  it.each([
    ['ab', 'storeId: storeId must be at least 3 characters'],
    ['a'.repeat(41), 'storeId: storeId must be at most 40 characters'],
    ['Demo', 'storeId: storeId must be lowercase letters'],
    ['-demo', 'storeId: storeId must be lowercase letters'],
    ['demo_1', 'storeId: storeId must be lowercase letters'],
    ['shop-cleanup', 'storeId: storeId must not end in "-cleanup"'],
  ])('when storeId is %j, then it is rejected with a readable reason', (storeId, message) => {
    const result = storeSpecSchema.safeParse({ storeId, engine: 'woocommerce' });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssues(result.error)).toContain(message);
  });

  it('when engine or plan is unknown, then both are named', () => {
    const result = storeSpecSchema.safeParse({ storeId: 'demo', engine: 'magento', plan: 'huge' });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssues(result.error)).toMatch(/engine: .*; plan: /);
  });

  it('when the longest store id is used, then every derived name fits Kubernetes and Helm limits', () => {
    const id = 'a'.repeat(40);
    expect(releaseName('woocommerce', id).length).toBeLessThanOrEqual(53);
    expect(namespaceName(id).length).toBeLessThanOrEqual(63);
    expect(storeIdOfWorkflow(storeWorkflowId(id))).toBe(id);
    expect(cleanupWorkflowId('demo')).toBe('store-demo-cleanup');
  });
});
