import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ownedStoreLabels, storeLabelKeys, storeLabels } from '../core/names.js';
import type { StoreSpec } from '../core/store-spec.js';
import { foreignOwnership, refuseForeign } from './ownership.js';

const spec: StoreSpec = { storeId: 'shop1', engine: 'woocommerce', plan: 'small', owner: 'team-b' };
const claimant = { spec, incarnation: 'run-2' };
const earlier = { ...spec, owner: 'team-a' };

describe('foreignOwnership', () => {
  it.each<[string, Record<string, string> | undefined, RegExp | undefined]>([
    [
      'when the object carries this store, owner and incarnation, then it is ours',
      ownedStoreLabels(spec, 'run-2'),
      undefined,
    ],
    [
      'when the object predates incarnation labels but names this store and owner, then it is ours',
      storeLabels(spec),
      undefined,
    ],
    [
      'when another owner made it for the same id, then it is foreign',
      ownedStoreLabels(earlier, 'run-1'),
      /another owner's store shop1/,
    ],
    [
      'when another owner made it before incarnation labels, then it is foreign',
      storeLabels(earlier),
      /another owner's store shop1/,
    ],
    [
      'when an earlier store of the same owner made it, then it is foreign',
      ownedStoreLabels(spec, 'run-1'),
      /earlier store shop1 \(incarnation run-1\)/,
    ],
    [
      'when it names another store id, then it is foreign',
      ownedStoreLabels({ ...spec, storeId: 'shop2' }, 'run-2'),
      /belongs to store shop2/,
    ],
    ['when it has no storefleet labels, then it is foreign', { team: 'x' }, /not made by storefleet/],
    ['when it has no labels at all, then it is foreign', undefined, /not made by storefleet/],
  ])('%s', (_name, labels, expected) => {
    const problem = foreignOwnership('namespace store-shop1', labels, claimant);
    if (expected) expect(problem).toMatch(expected);
    else expect(problem).toBeUndefined();
  });

  it('when the labels are foreign, then refuseForeign throws a non-retryable ForeignRemains naming how to remove them', () => {
    const labels = { ...ownedStoreLabels(earlier, 'run-1'), [storeLabelKeys.plan]: 'small' };
    let thrown: unknown;
    try {
      refuseForeign('namespace store-shop1', labels, claimant);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ApplicationFailure);
    expect(thrown).toMatchObject({
      type: 'ForeignRemains',
      nonRetryable: true,
      message: expect.stringContaining('DELETE /api/v1/stores/shop1') as string,
    });
  });
});
