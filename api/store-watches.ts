// One upstream per store for the event streams of this API process: however many streams follow a
// store, one loop reads it, and every stream gets what the loop saw. The loop reads the store's read
// model (one describe, no worker) every poll, and asks the workflow for its timeline only when the read
// model moved, so a quiet store costs one cheap call a poll whatever the number of viewers.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Caller, StoreView } from './store-records.js';
import type { StoreService } from './stores.js';

/** What a stream receives: the store as the workflow showed it, or why it could not be read this time. */
export type StoreWatchUpdate = { view: StoreView } | { error: Error };
type Listener = (update: StoreWatchUpdate) => void;

// The streams checked who may see the store before they subscribe; the shared loop reads for all of them.
const streams: Caller = { owner: 'api-streams', keyId: 'event streams', admin: true };

export function createStoreWatches(stores: Pick<StoreService, 'read' | 'view'>, pollMs: number) {
  const watches = new Map<string, { listeners: Set<Listener>; last?: StoreWatchUpdate; stop: AbortController }>();

  async function follow(storeId: string, watch: NonNullable<ReturnType<typeof watches.get>>): Promise<void> {
    let seen: string | undefined;
    while (watch.listeners.size > 0) {
      try {
        const read = await stores.read(storeId, streams);
        const version = read.live ? read.status.updatedAt : `${read.record.phase} ${read.detail}`;
        if (version !== seen) {
          const update = { view: await stores.view(storeId, streams) };
          seen = version;
          watch.last = update;
          for (const listener of watch.listeners) listener(update);
        }
      } catch (error) {
        const update = { error: error instanceof Error ? error : new Error(String(error)) };
        for (const listener of watch.listeners) listener(update);
      }
      await sleep(pollMs, undefined, { signal: watch.stop.signal }).catch(() => undefined);
    }
  }

  return {
    /** Follows the store until the returned function is called; the newest state arrives at once when known. */
    watch(storeId: string, listener: Listener): () => void {
      let watch = watches.get(storeId);
      if (!watch) {
        watch = { listeners: new Set(), stop: new AbortController() };
        watches.set(storeId, watch);
        watch.listeners.add(listener);
        void follow(storeId, watch);
      } else {
        watch.listeners.add(listener);
        if (watch.last) listener(watch.last);
      }
      const current = watch;
      return () => {
        current.listeners.delete(listener);
        if (current.listeners.size > 0) return;
        // The loop ends now; a stream that comes later starts a new one.
        current.stop.abort();
        if (watches.get(storeId) === current) watches.delete(storeId);
      };
    },
    /** Stores followed now: at most one loop each. */
    followed: () => watches.size,
  };
}

export type StoreWatches = ReturnType<typeof createStoreWatches>;
