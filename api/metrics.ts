// /metrics: request durations by route and status, and stores by phase (counted from visibility on
// each scrape, so it is right whichever API replica is scraped).
import type { RequestHandler } from 'express';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { phases } from '../core/status.js';

export function createMetrics(countByPhase: (phase: string) => Promise<number>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const duration = new Histogram({
    name: 'storefleet_api_request_duration_seconds',
    help: 'API request durations by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'storefleet_stores',
    help: 'Stores by phase',
    labelNames: ['phase'] as const,
    registers: [registry],
    async collect() {
      for (const phase of Object.keys(phases)) {
        // A scrape while Temporal is down leaves the last values rather than failing the scrape.
        const count = await countByPhase(phase).catch(() => undefined);
        if (count !== undefined) this.set({ phase }, count);
      }
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
