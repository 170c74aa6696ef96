// Keeps the store's Store object in step with its status: beside the store workflow's main path, a writer
// wakes when the status changes (phase, conditions, url, error, chart) or the timeline grows, and writes
// that to the object. Driven by the status itself, so there is no polling loop per store.
import { condition, proxyActivities, sleep } from '@temporalio/workflow';
import type { StoreActivities } from '../activities/index.js';
import type { StoreEvent, StoreStatus } from '../core/status.js';
import { storeObjectStatus } from '../core/store-object.js';
import type { StoreSpec } from '../core/store-spec.js';
import { activityRetry } from './options.js';

const objects = proxyActivities<StoreActivities>({ startToCloseTimeout: '30 seconds', retry: activityRetry });

/** After a write that failed its retries (the apiserver away), the writer tries again this much later. */
const retryAfterFailure = '30 seconds';

/**
 * Starts the writer. `carried`: a continued run, whose events were posted by the run before. The
 * returned `release` stops it and lets the object go once the store is deleted.
 */
export function keepStoreObject(spec: () => StoreSpec, status: StoreStatus, namespace: string, carried: boolean) {
  let written = '';
  let lastPosted: StoreEvent | undefined = carried ? status.events.at(-1) : undefined;
  let writing = false;
  let stopped = false;
  const unposted = () => status.events.slice((lastPosted ? status.events.lastIndexOf(lastPosted) : -1) + 1);
  const changed = () => JSON.stringify(storeObjectStatus(status)) !== written || unposted().length > 0;

  async function write(): Promise<void> {
    const current = storeObjectStatus(status);
    const events = unposted();
    const { storeId, engine, plan, chartVersion, owner } = spec();
    writing = true;
    try {
      await objects.publishStoreObject({
        storeId,
        owner,
        namespace,
        spec: { engine, plan, ...(chartVersion ? { chartVersion } : {}) },
        status: current,
        events,
      });
      written = JSON.stringify(current);
      lastPosted = events.at(-1) ?? lastPosted;
    } catch {
      // The status stays unwritten, so the writer comes back to it.
      await sleep(retryAfterFailure);
    } finally {
      writing = false;
    }
  }

  void (async () => {
    for (;;) {
      await condition(() => !stopped && changed());
      await write();
    }
  })();

  return {
    /** The store is Deleted: no more writes, and the object goes (or its `kubectl delete` finishes). */
    async release(): Promise<void> {
      stopped = true;
      await condition(() => !writing);
      await objects.releaseStoreObject(spec().storeId, namespace);
    },
  };
}
