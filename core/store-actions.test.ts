import { describe, expect, it } from 'vitest';
import { nextStoreAction, type StoreAction } from './store-actions.js';
import { phases, type Phase } from './status.js';

const expected: Record<Phase, StoreAction> = {
  Provisioning: 'provision',
  Failed: 'awaitRetry',
  Ready: 'awaitChange',
  Hibernated: 'awaitChange',
  Upgrading: 'awaitChange',
  Deleting: 'delete',
  Deleted: 'delete',
};

describe('nextStoreAction', () => {
  it.each(Object.keys(phases) as Phase[])(
    'when the store is %s and no delete was asked for, then it does what its phase says',
    (phase) => {
      expect(nextStoreAction(phase, false)).toBe(expected[phase]);
    },
  );

  it.each(Object.keys(phases) as Phase[])(
    'when the store is %s and a delete was asked for, then it deletes',
    (phase) => {
      expect(nextStoreAction(phase, true)).toBe('delete');
    },
  );
});
