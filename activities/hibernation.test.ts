import { describe, expect, it } from 'vitest';
import { replicasAnnotation, scaleChange } from './hibernation.js';

const workload = (replicas: number | undefined, remembered?: string) => ({
  metadata: { name: 'w', ...(remembered === undefined ? {} : { annotations: { [replicasAnnotation]: remembered } }) },
  spec: { ...(replicas === undefined ? {} : { replicas }), selector: {}, template: {} },
});

describe('scaleChange', () => {
  it.each([
    ['a running workload is hibernated', workload(2), 'hibernate', { replicas: 0, annotation: '2' }],
    [
      'a workload without replicas (1) is hibernated',
      workload(undefined),
      'hibernate',
      { replicas: 0, annotation: '1' },
    ],
    ['a hibernated workload is hibernated again', workload(0, '2'), 'hibernate', undefined],
    ['a hibernated workload wakes', workload(0, '3'), 'wake', { replicas: 3, annotation: null }],
    ['a workload that never slept wakes', workload(2), 'wake', undefined],
  ] as const)('when %s, then the change is %j', (_what, object, direction, change) => {
    expect(scaleChange(object, direction)).toEqual(change);
  });
});
