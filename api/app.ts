// createApp(deps): the whole HTTP API without listening, so tests and main.ts build the same thing.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';
import { ipKeyGenerator, rateLimit, type AugmentedRequest } from 'express-rate-limit';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { authenticate, type AuthSettings } from './auth.js';
import { ApiError, errorHandler, tooManyRequests } from './errors.js';
import { requestLogSerializer } from './log-redaction.js';
import { createMetrics } from './metrics.js';
import type { LinkSettings } from './present.js';
import { adminRouter } from './routes/admin.js';
import { platformRouter } from './routes/health.js';
import { fleetRouter } from './routes/fleet.js';
import { storesRouter } from './routes/stores.js';
import { securityHeaders } from './security-headers.js';
import type { StoreService } from './stores.js';
import { createStreamSlots, defaultStreamsPerOwner } from './stream-slots.js';
import type { TemporalReadiness } from './temporal-errors.js';

export interface AppDeps {
  stores: StoreService;
  log: Logger;
  auth: AuthSettings;
  links: LinkSettings;
  rateLimitPerMinute: number;
  temporalReadiness: () => Promise<TemporalReadiness>;
  /** How often a stream looks at the store. */
  streamPollMs?: number;
  /** Aborted on shutdown: open event streams end, the store counts stop refreshing. */
  shutdown?: AbortSignal;
  /** Event streams one owner may hold open at once. */
  streamsPerOwner?: number;
  /** How often /metrics' store counts are refreshed (default 15 s). */
  storeCountRefreshMs?: number;
  /** The dashboard's files, served at `/`. */
  webDir?: string;
}

const defaultWebDir = fileURLToPath(new URL('../web', import.meta.url));

const requestIdPattern = /^[\w.-]{8,128}$/;

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const shutdown = deps.shutdown ?? new AbortController().signal;
  // Every open event stream listens on it until the stream ends: hundreds at once are normal, not a leak
  // (Node warns of one from the 11th listener on).
  setMaxListeners(0, shutdown);
  const streamSlots = createStreamSlots(deps.streamsPerOwner ?? defaultStreamsPerOwner);
  const metrics = createMetrics({
    countStores: (engine, phase) => deps.stores.countStores(engine, phase),
    openStreams: streamSlots.open,
    creationPause: deps.stores.creationPause,
    shutdown,
    storeCountRefreshMs: deps.storeCountRefreshMs,
  });

  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      serializers: { req: requestLogSerializer([...deps.auth.keys.keys(), ...deps.auth.adminKeys]) },
      customProps: (_req, res) => ({
        storeId: res.locals?.storeId as unknown,
        workflowId: res.locals?.workflowId as unknown,
      }),
    }),
  );
  app.use(securityHeaders);
  app.use(metrics.timeRequests);
  app.use(platformRouter({ registry: metrics.registry, temporalReadiness: deps.temporalReadiness }));

  const api = Router();
  api.use(authenticate(deps.auth));
  api.use(
    rateLimit({
      windowMs: 60_000,
      limit: deps.rateLimitPerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      keyGenerator: (req) =>
        deps.auth.enabled && req.caller ? `owner:${req.caller.owner}` : ipKeyGenerator(req.ip ?? 'unknown'),
      handler: (req, _res, next, options) =>
        next(
          tooManyRequests(
            'rate_limited',
            `more than ${deps.rateLimitPerMinute} requests a minute; slow down`,
            (req as AugmentedRequest).rateLimit?.resetTime ?? new Date(Date.now() + options.windowMs),
          ),
        ),
    }),
  );
  api.use(express.json({ limit: '16kb' }));
  api.use(
    storesRouter({
      stores: deps.stores,
      links: deps.links,
      streamPollMs: deps.streamPollMs ?? 1000,
      shutdown,
      streamSlots,
    }),
  );
  api.use(fleetRouter({ upgrades: deps.stores.fleetUpgrades }));
  api.use(adminRouter({ creationPause: deps.stores.creationPause }));

  app.use('/api/v1', api);
  // The dashboard: plain files, no build step; it talks to the API above like any client. After the API,
  // so an API request costs no file lookup.
  app.use(express.static(deps.webDir ?? defaultWebDir, { index: 'index.html', fallthrough: true, redirect: false }));
  // The alias without the prefix covers only the API's routes, so a missing file is a 404, not a 401.
  app.use((req, res, next) => (/^\/(stores|fleet|admin)(\/|$)/.test(req.path) ? api(req, res, next) : next()));
  app.use((req, _res, next) => next(new ApiError(404, 'not_found', `no route ${req.method} ${req.path}`)));
  app.use(errorHandler);
  return app;
}
