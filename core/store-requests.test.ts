import { describe, expect, it } from 'vitest';
import { phases, type Phase } from './status.js';
import { decideRequest, requestRules, type StoreActivity, type StoreRequest } from './store-requests.js';

/** Nothing keeps the store busy. */
const idle: StoreActivity = { deleting: false, orderCheckRunning: false };

const allPhases = Object.keys(phases) as Phase[];
const allRequests = Object.keys(requestRules) as StoreRequest[];

// Every phase × every request, with nothing else going on: taken in exactly one phase, else refused naming the phase.
const idleTable: Array<[Phase, StoreRequest, string | true]> = [
  ['Provisioning', 'retry', 'the store is Provisioning; only a Failed store can be retried'],
  ['Provisioning', 'hibernate', 'the store is Provisioning; only a Ready store can hibernate'],
  ['Provisioning', 'wake', 'the store is Provisioning; only a Hibernated store can wake'],
  ['Provisioning', 'change', 'the store is Provisioning; only a Ready store can change its plan or chart'],
  ['Provisioning', 'orderCheck', 'the store is Provisioning; only a Ready store can run an order check'],
  ['Ready', 'retry', 'the store is Ready; only a Failed store can be retried'],
  ['Ready', 'hibernate', true],
  ['Ready', 'wake', 'the store is Ready; only a Hibernated store can wake'],
  ['Ready', 'change', true],
  ['Ready', 'orderCheck', true],
  ['Upgrading', 'retry', 'the store is Upgrading; only a Failed store can be retried'],
  ['Upgrading', 'hibernate', 'the store is Upgrading; only a Ready store can hibernate'],
  ['Upgrading', 'wake', 'the store is Upgrading; only a Hibernated store can wake'],
  ['Upgrading', 'change', 'the store is Upgrading; only a Ready store can change its plan or chart'],
  ['Upgrading', 'orderCheck', 'the store is Upgrading; only a Ready store can run an order check'],
  ['Hibernated', 'retry', 'the store is Hibernated; only a Failed store can be retried'],
  ['Hibernated', 'hibernate', 'the store is Hibernated; only a Ready store can hibernate'],
  ['Hibernated', 'wake', true],
  ['Hibernated', 'change', 'the store is Hibernated; only a Ready store can change its plan or chart'],
  ['Hibernated', 'orderCheck', 'the store is Hibernated; only a Ready store can run an order check'],
  ['Failed', 'retry', true],
  ['Failed', 'hibernate', 'the store is Failed; only a Ready store can hibernate'],
  ['Failed', 'wake', 'the store is Failed; only a Hibernated store can wake'],
  ['Failed', 'change', 'the store is Failed; only a Ready store can change its plan or chart'],
  ['Failed', 'orderCheck', 'the store is Failed; only a Ready store can run an order check'],
  ['Deleting', 'retry', 'the store is Deleting; only a Failed store can be retried'],
  ['Deleting', 'hibernate', 'the store is Deleting; only a Ready store can hibernate'],
  ['Deleting', 'wake', 'the store is Deleting; only a Hibernated store can wake'],
  ['Deleting', 'change', 'the store is Deleting; only a Ready store can change its plan or chart'],
  ['Deleting', 'orderCheck', 'the store is Deleting; only a Ready store can run an order check'],
  ['Deleted', 'retry', 'the store is Deleted; only a Failed store can be retried'],
  ['Deleted', 'hibernate', 'the store is Deleted; only a Ready store can hibernate'],
  ['Deleted', 'wake', 'the store is Deleted; only a Hibernated store can wake'],
  ['Deleted', 'change', 'the store is Deleted; only a Ready store can change its plan or chart'],
  ['Deleted', 'orderCheck', 'the store is Deleted; only a Ready store can run an order check'],
];

const expected = (outcome: string | true) =>
  outcome === true ? { accepted: true } : { accepted: false, message: outcome };

describe('decideRequest', () => {
  it('when the table is read, then it has every phase × request pair once', () => {
    expect(idleTable.map(([phase, request]) => `${phase}/${request}`).sort()).toEqual(
      allPhases.flatMap((phase) => allRequests.map((request) => `${phase}/${request}`)).sort(),
    );
  });

  it.each(idleTable)(
    'when a %s store is asked to %s with nothing else going on, then %s',
    (phase, request, outcome) => {
      expect(decideRequest(phase, idle, request)).toEqual(expected(outcome));
    },
  );

  // In the phase that takes it, what keeps the store busy refuses each request, the first cause named.
  const busyTable: Array<[string, StoreActivity, Record<StoreRequest, string | true>]> = [
    [
      'being deleted',
      { ...idle, deleting: true, pendingChange: 'upgrade' },
      {
        retry: 'being deleted',
        hibernate: 'being deleted',
        wake: 'being deleted',
        change: 'being deleted',
        orderCheck: 'being deleted',
      },
    ],
    [
      'asked to upgrade',
      { ...idle, pendingChange: 'upgrade' },
      {
        retry: true,
        hibernate: 'already asked to upgrade',
        wake: 'already asked to upgrade',
        change: 'already asked to upgrade',
        orderCheck: 'already asked to upgrade',
      },
    ],
    [
      'checking a change',
      { ...idle, changeCheckedFor: 'owner a (key 1)', orderCheckRunning: true },
      {
        retry: true,
        hibernate: 'checking a change requested by owner a (key 1)',
        wake: 'checking a change requested by owner a (key 1)',
        change: 'checking a change requested by owner a (key 1)',
        orderCheck: 'checking a change requested by owner a (key 1)',
      },
    ],
    [
      'running an order check',
      { ...idle, orderCheckRunning: true },
      {
        retry: true,
        hibernate: 'running an order check',
        wake: 'running an order check',
        change: 'running an order check',
        orderCheck: 'running an order check',
      },
    ],
  ];
  it.each(busyTable)(
    'when the store is %s, then each request in its own phase gets the answer of the table',
    (_what, activity, outcomes) => {
      for (const request of allRequests) {
        const { from, what } = requestRules[request];
        const outcome = outcomes[request];
        expect(decideRequest(from, activity, request), request).toEqual(
          expected(outcome === true ? true : `the store is ${outcome}; only a ${from} store can ${what}`),
        );
      }
    },
  );
});
