// GET /stores/:id/stream: Server-Sent Events of the store's phase changes (`phase`) and new timeline
// entries (`event`) until the client goes away or the store is Deleted; each holds one of its owner's
// stream slots (stream-slots.ts) while it is open, and follows the store's one upstream (store-watches.ts).
import type { Request, Response } from 'express';
import type { StoreEvent } from '../../core/status.js';
import type { StreamSlots } from '../stream-slots.js';
import type { Caller } from '../store-records.js';
import type { StoreService } from '../stores.js';
import type { StoreWatches, StoreWatchUpdate } from '../store-watches.js';

const keepAliveMs = 15_000;
/** A client this far behind (bytes written, not yet taken) is dropped rather than buffered for. */
const slowClientBytes = 1024 * 1024;

const sameEvent = (a: StoreEvent, b: StoreEvent) =>
  a.time === b.time && a.reason === b.reason && a.message === b.message;

/** The events after `last` (the timeline is capped, so match by content, not by index). */
export function eventsAfter(events: StoreEvent[], last: StoreEvent | undefined): StoreEvent[] {
  if (!last) return events;
  const index = events.findLastIndex((e) => sameEvent(e, last));
  return index === -1 ? events : events.slice(index + 1);
}

export interface StreamOptions {
  stores: StoreService;
  storeId: string;
  caller: Caller;
  watches: StoreWatches;
  /** Aborted when the server shuts down: streams end cleanly instead of being cut. */
  shutdown: AbortSignal;
  slots: StreamSlots;
}

export async function streamStore(req: Request, res: Response, options: StreamOptions): Promise<void> {
  const release = options.slots.take(options.caller.owner); // 429 before anything reaches Temporal
  const gone = new AbortController();
  const end = () => gone.abort();
  req.on('close', end);
  // The shutdown signal lives as long as the server: its listener must go with the stream.
  options.shutdown.addEventListener('abort', end, { once: true });
  try {
    await options.stores.find(options.storeId, options.caller); // 404 before the stream starts
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    await followStore(res, options, gone.signal);
  } finally {
    options.shutdown.removeEventListener('abort', end);
    release();
  }
}

/** Writes what the store's upstream sees until the client goes, the store is Deleted or the client falls behind. */
async function followStore(res: Response, options: StreamOptions, gone: AbortSignal): Promise<void> {
  const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  let phase: string | undefined;
  let lastEvent: StoreEvent | undefined;
  let lastWrite = Date.now();
  const done = new AbortController();
  const onUpdate = (update: StoreWatchUpdate) => {
    if (done.signal.aborted) return;
    if ('error' in update) {
      send('error', { message: update.error.message });
      return;
    }
    const { view } = update;
    if (view.live) {
      for (const event of eventsAfter(view.status.events, lastEvent)) send('event', event);
      if (view.status.events.length > 0) lastEvent = view.status.events.at(-1);
    }
    const current = view.live ? view.status.phase : view.record.phase;
    if (current !== phase) {
      phase = current;
      send('phase', { storeId: options.storeId, phase, live: view.live });
    }
    lastWrite = Date.now();
    // Nothing more will happen to a deleted store; a client that does not read is not buffered for.
    if (phase === 'Deleted' || res.writableLength > slowClientBytes) done.abort();
  };
  const unwatch = options.watches.watch(options.storeId, onUpdate);
  const keepAlive = setInterval(() => {
    if (Date.now() - lastWrite < keepAliveMs) return;
    res.write(': keep-alive\n\n');
    lastWrite = Date.now();
  }, 1000);
  try {
    await new Promise<void>((resolve) => {
      if (gone.aborted || done.signal.aborted) return resolve();
      gone.addEventListener('abort', () => resolve(), { once: true });
      done.signal.addEventListener('abort', () => resolve(), { once: true });
    });
  } finally {
    clearInterval(keepAlive);
    unwatch();
    res.end();
  }
}
