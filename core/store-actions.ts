// What a store workflow does next, from its phase and whether a delete was asked for: the one
// decision its main loop makes on every pass. Requests that arrive meanwhile (retry, hibernate, wake,
// change) are decided by core/store-requests.ts; this says which of them the loop is waiting for.
import type { Phase } from './status.js';

export type StoreAction =
  /** Run the provisioning steps to Ready, or to Failed. */
  | 'provision'
  /** Wait for a retry (or a delete). */
  | 'awaitRetry'
  /** Wait for an accepted change (hibernate, wake, upgrade) or a delete; check drift when none comes in time. */
  | 'awaitChange'
  /** Leave the loop: delete through the cleanup child and end Deleted. */
  | 'delete';

export function nextStoreAction(phase: Phase, deleteRequested: boolean): StoreAction {
  if (deleteRequested || phase === 'Deleting' || phase === 'Deleted') return 'delete';
  if (phase === 'Provisioning') return 'provision';
  if (phase === 'Failed') return 'awaitRetry';
  // Ready and Hibernated wait; Upgrading means a change was accepted and waits to be applied.
  return 'awaitChange';
}
