// /metrics: request durations by route and status, open event streams, stores by engine and phase and whether
// store creation is paused. The store counts come from visibility and the pause from the installation
// workflow (so every API replica reports the same), refreshed in the background: a scrape never waits
// for Temporal, and scrapes cost Temporal nothing.
import type { RequestHandler } from 'express';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { CreationPause } from '../core/creation-pause.js';
import { phases } from '../core/status.js';
import { engines } from '../core/store-spec.js';

/** How often the store counts are refreshed by default: one count query per engine and phase each time. */
const defaultRefreshMs = 15_000;

export interface MetricsOptions {
  countStores: (engine: string, phase: string) => Promise<number>;
  openStreams: () => number;
  /** The creation pause: read again with each refresh; a pause or resume on this process shows at once. */
  creationPause?: { state(): Promise<CreationPause>; lastKnown(): CreationPause | undefined };
  /** Aborted when the app shuts down: the background refresh stops. */
  shutdown: AbortSignal;
  storeCountRefreshMs?: number;
}

/**
 * The last counts by engine and phase (keyed `engine/phase`), refreshed now and every refreshMs until
 * shutdown. A count that fails (Temporal down) keeps its last value. The timer does not keep the process
 * alive.
 */
function storeCountsInBackground(options: MetricsOptions, refreshMs: number): Map<string, number> {
  const counts = new Map<string, number>();
  const pairs = engines.flatMap((engine) => Object.keys(phases).map((phase) => [engine, phase] as const));
  let refreshing = false;
  const refresh = async () => {
    // A refresh slower than the interval is not joined by another.
    if (refreshing || options.shutdown.aborted) return;
    refreshing = true;
    await Promise.all([
      ...pairs.map(async ([engine, phase]) => {
        const count = await options.countStores(engine, phase).catch(() => undefined);
        if (count !== undefined) counts.set(`${engine}/${phase}`, count);
      }),
      // Kept by the pause service itself (lastKnown); a failed read keeps the last one.
      options.creationPause?.state().catch(() => undefined),
    ]);
    refreshing = false;
  };
  const timer = setInterval(() => void refresh(), refreshMs).unref();
  options.shutdown.addEventListener('abort', () => clearInterval(timer), { once: true });
  void refresh();
  return counts;
}

export function createMetrics(options: MetricsOptions) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'storefleet_api_request_duration_seconds',
    help: 'API request durations by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const refreshMs = options.storeCountRefreshMs ?? defaultRefreshMs;
  const storeCounts = storeCountsInBackground(options, refreshMs);
  // One series per engine and phase, never per store: a store's own state is its status in the API.
  new Gauge({
    name: 'storefleet_store_ready',
    help: `Stores by engine and phase, counted every ${refreshMs / 1000} s (phase Ready: provisioned; whether its workloads are ready now is its StoreReady condition)`,
    labelNames: ['engine', 'phase'] as const,
    registers: [registry],
    collect() {
      for (const [key, count] of storeCounts) {
        const [engine = '', phase = ''] = key.split('/');
        this.set({ engine, phase }, count);
      }
    },
  });
  new Gauge({
    name: 'storefleet_api_event_streams',
    help: 'Event streams open on this API process',
    registers: [registry],
    collect() {
      this.set(options.openStreams());
    },
  });

  new Gauge({
    name: 'storefleet_creation_paused',
    help: `1 while the creation of new stores is paused (POST /api/v1/admin/creation-pause), else 0; read every ${refreshMs / 1000} s`,
    registers: [registry],
    collect() {
      // 0 too before the first read succeeded (Temporal away since start-up).
      this.set(options.creationPause?.lastKnown()?.paused ? 1 : 0);
    },
  });

  const timeRequests: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      // The route pattern, not the path, keeps the label set small.
      const pattern = (req.route as { path?: string } | undefined)?.path;
      const route = pattern ? `${req.baseUrl}${pattern}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
  return { registry, timeRequests };
}
