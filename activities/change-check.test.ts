import { describe, expect, it } from 'vitest';
import { usageOverPlan } from './change-check.js';

const line = (resource: string, used: string, hard: string) => ({ resource, used, hard });

describe('usageOverPlan', () => {
  it.each([
    [
      'when the usage fits the smaller plan, then there is no problem',
      [line('requests.memory', '3Gi', '8Gi'), line('pods', '4', '40')],
      'small',
      [],
    ],
    [
      'when memory in use exceeds the smaller plan, then the line names the resource, the use and the limit',
      [line('requests.memory', '5Gi', '8Gi')],
      'small',
      ['requests.memory: 5Gi in use, plan small allows 4Gi'],
    ],
    [
      'when storage in use exceeds it, then that is named too',
      [line('requests.storage', '30Gi', '50Gi'), line('requests.cpu', '500m', '4')],
      'small',
      ['requests.storage: 30Gi in use, plan small allows 20Gi'],
    ],
    [
      'when a resource is not in the plan or not a quantity, then it is not judged',
      [line('count/things', 'many', '9'), line('requests.nvidia.com/gpu', '1', '1')],
      'small',
      [],
    ],
  ] as const)('%s', (_name, quota, plan, expected) => {
    expect(usageOverPlan([...quota], plan)).toEqual(expected);
  });
});
