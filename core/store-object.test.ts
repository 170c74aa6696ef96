import { describe, expect, it } from 'vitest';
import { storeFinalizer, storeObjectAction, type StoreObject, type WorkflowState } from './store-object.js';

const object = (changes: { deleting?: boolean; held?: boolean; observed?: number; plan?: 'small' | 'medium' }) =>
  ({
    metadata: {
      name: 'shop',
      namespace: 'team-a',
      generation: 2,
      finalizers: changes.held === false ? [] : [storeFinalizer],
      ...(changes.deleting ? { deletionTimestamp: new Date() } : {}),
    },
    spec: { engine: 'woocommerce', plan: changes.plan ?? 'small' },
    status: { observedGeneration: changes.observed ?? 1 },
  }) satisfies StoreObject;

const none: WorkflowState = { kind: 'none' };
const deleted: WorkflowState = { kind: 'deleted' };
const abandoned: WorkflowState = { kind: 'abandoned' };
const own = (plan: 'small' | 'medium' = 'small', chartVersion?: string): WorkflowState => ({
  kind: 'running',
  resourceNamespace: 'team-a',
  engine: 'woocommerce',
  plan,
  ...(chartVersion ? { chartVersion } : {}),
});
const foreign: WorkflowState = { kind: 'running', resourceNamespace: 'team-b', engine: 'woocommerce', plan: 'small' };

describe('storeObjectAction', () => {
  it.each([
    ['a new object without the finalizer', object({ held: false }), none, 'addFinalizer'],
    ['a held object without a store', object({}), none, 'create'],
    ['a held object whose store was deleted', object({}), deleted, 'create'],
    [
      'a held object whose workflow was ended by hand (the create is refused: remains)',
      object({}),
      abandoned,
      'create',
    ],
    ['an object whose generation was acted on', object({ observed: 2 }), own(), 'none'],
    ['a new generation asking what the store runs', object({}), own(), 'observe'],
    ['a new generation asking another plan', object({ plan: 'medium' }), own('small'), 'change'],
    ['an object whose id another namespace holds', object({}), foreign, 'refuse'],
    ['an object whose id another namespace holds, not yet held', object({ held: false }), foreign, 'refuse'],
    ['a deleted object of a running store', object({ deleting: true }), own(), 'delete'],
    ['a deleted object whose store was deleted', object({ deleting: true }), deleted, 'release'],
    ['a deleted object whose workflow was ended by hand', object({ deleting: true }), abandoned, 'delete'],
    ['a deleted object that never got a store', object({ deleting: true }), none, 'release'],
    ['a deleted object whose id another namespace holds', object({ deleting: true }), foreign, 'release'],
    ['a deleted object already let go', object({ deleting: true, held: false }), own(), 'none'],
  ])('when %s, then %s', (_case, given, workflow, expected) => {
    expect(storeObjectAction(given, workflow).kind).toBe(expected);
  });

  it('when the plan moved, then the change asks for the new plan only', () => {
    expect(storeObjectAction(object({ plan: 'medium' }), own('small', '1.0.0'))).toEqual({
      kind: 'change',
      plan: 'medium',
    });
  });

  it('when the id is taken, then the refusal names the namespace that holds it', () => {
    const action = storeObjectAction(object({}), foreign);
    expect(action).toMatchObject({ kind: 'refuse', reason: 'StoreIdTaken' });
    expect(action.kind === 'refuse' && action.message).toContain('namespace team-b');
  });
});
