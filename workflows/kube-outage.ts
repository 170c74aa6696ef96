// Events the store's timeline receives from elsewhere (the cleanup child, the activities), with the one
// rule outage events need: a KubernetesUnreachable Warning opens an outage; a KubernetesReachable from a
// step that got through on a retry closes it, saying how long the API was unreachable, and is dropped
// when no outage is open (that retry had another cause).
import { reasons, type StoreEvent, type StoreStatus } from '../core/status.js';
import { recordEvent } from './store-status.js';

export interface KubeOutage {
  /** When the first step of the current outage failed; unset when there is none. */
  unreachableSince?: string;
}

export function recordReportedEvent(status: StoreStatus, outage: KubeOutage, event: StoreEvent): void {
  if (event.reason === reasons.KubernetesReachable) {
    if (!outage.unreachableSince) return;
    const seconds = Math.max(0, Math.round((Date.parse(event.time) - Date.parse(outage.unreachableSince)) / 1000));
    outage.unreachableSince = undefined;
    recordEvent(status, { ...event, message: `the Kubernetes API answers again after ${seconds}s unreachable: ${event.message}` }, event.time);
    return;
  }
  if (event.reason === reasons.KubernetesUnreachable) outage.unreachableSince ??= event.time;
  recordEvent(status, event, event.time);
}
