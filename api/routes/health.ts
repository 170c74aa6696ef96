// Liveness (the process answers), readiness (Temporal answers and can look up workflows), metrics,
// and the API's own docs.
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { docsPage, docsScript, docsStyle } from '../docs-page.js';
import { openApiDocument } from '../openapi.js';
import type { TemporalReadiness } from '../temporal-errors.js';

/** What /readyz says when Temporal is not ready; never where it is (gRPC messages name addresses). */
const notReady: Record<Exclude<TemporalReadiness, 'reachable'>, string> = {
  unreachable: 'Temporal did not answer',
  failing:
    'Temporal answers but cannot look up workflows: its storage may be full or its database down (its log says which)',
};

export function platformRouter(deps: {
  registry: Registry;
  temporalReadiness: () => Promise<TemporalReadiness>;
}): Router {
  const router = Router();
  const document = openApiDocument();
  router.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', async (req, res) => {
    const temporal = await deps.temporalReadiness();
    if (temporal === 'reachable') {
      res.json({ status: 'ok', temporal });
      return;
    }
    req.log.warn({ temporal }, `not ready: ${notReady[temporal]}`);
    res.status(503).json({ status: 'unavailable', temporal, detail: notReady[temporal] });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });
  router.get('/openapi.json', (_req, res) => void res.json(document));
  router.get('/docs', (_req, res) => void res.type('html').send(docsPage));
  router.get('/docs.css', (_req, res) => void res.type('css').send(docsStyle));
  router.get('/docs.js', (_req, res) => void res.type('js').send(docsScript));
  return router;
}
