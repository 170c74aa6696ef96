// Which requests a store takes in which state, and in what words it refuses the others: one decision
// for the update validators, the retry signal and the docs (docs/store-status.md), tested as a table.
import type { Phase } from './status.js';

/** What can be asked of a running store; a delete is taken in every phase and is not decided here. */
export type StoreRequest = 'retry' | 'hibernate' | 'wake' | 'change' | 'orderCheck';

/** What the store is doing besides its phase, as far as taking a request goes. */
export interface StoreActivity {
  deleting: boolean;
  /** A change accepted and not yet run. */
  pendingChange?: 'hibernate' | 'wake' | 'upgrade';
  /** Who asked for the change whose check is reading the cluster: the store is taken meanwhile. */
  changeCheckedFor?: string;
  orderCheckRunning: boolean;
}

/** The one phase each request is taken in, and how a refusal names what was asked. */
export const requestRules: Record<StoreRequest, { from: Phase; what: string }> = {
  retry: { from: 'Failed', what: 'be retried' },
  hibernate: { from: 'Ready', what: 'hibernate' },
  wake: { from: 'Hibernated', what: 'wake' },
  change: { from: 'Ready', what: 'change its plan or chart' },
  orderCheck: { from: 'Ready', what: 'run an order check' },
};

export type Decision = { accepted: true } | { accepted: false; message: string };

export function decideRequest(phase: Phase, activity: StoreActivity, request: StoreRequest): Decision {
  const { from, what } = requestRules[request];
  const busy = whatKeepsItBusy(activity);
  // A retry never waits on a change (a Failed store has none), only on a delete.
  const blocking = request === 'retry' ? (activity.deleting ? busy : undefined) : busy;
  if (phase === from && blocking === undefined) return { accepted: true };
  return { accepted: false, message: `the store is ${blocking ?? phase}; only a ${from} store can ${what}` };
}

function whatKeepsItBusy(activity: StoreActivity): string | undefined {
  if (activity.deleting) return 'being deleted';
  if (activity.pendingChange) return `already asked to ${activity.pendingChange}`;
  if (activity.changeCheckedFor) return `checking a change requested by ${activity.changeCheckedFor}`;
  if (activity.orderCheckRunning) return 'running an order check';
  return undefined;
}
