// Events the store's timeline receives from elsewhere (the cleanup child, the activities), with the one
// rule outage events need: a KubernetesUnreachable Warning opens an outage; a KubernetesReachable from a
// step that got through on a retry closes it, saying how long the store's steps were held up, and is
// dropped when no outage is open (that retry had another cause).
import { reasons, type StoreEvent, type StoreStatus } from '../core/status.js';
import { recordEvent } from './store-status.js';

export interface KubeOutage {
  /** When the first step of the current outage failed; unset when there is none. */
  unreachableSince?: string;
}

export function recordReportedEvent(status: StoreStatus, outage: KubeOutage, event: StoreEvent): void {
  if (event.reason === reasons.KubernetesReachable) {
    if (!outage.unreachableSince) return;
    const seconds = Math.max(0, Math.floor((Date.parse(event.time) - Date.parse(outage.unreachableSince)) / 1000));
    const since = outage.unreachableSince;
    outage.unreachableSince = undefined;
    // Only what was measured, which is what the store lived through: from the first failure one of its
    // steps met to this success. Not how long the API was down: it may have failed before a step met it,
    // and come back a retry's back-off before this success.
    recordEvent(
      status,
      {
        ...event,
        message: `the Kubernetes API serves again: ${event.message}; this store's steps were held up for ${seconds}s (from the first failed call, ${since}, to this success)`,
      },
      event.time,
    );
    return;
  }
  if (event.reason === reasons.KubernetesUnreachable) outage.unreachableSince ??= event.time;
  recordEvent(status, event, event.time);
}
