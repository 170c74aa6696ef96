// Liveness (the process answers), readiness (Temporal answers), metrics, and the API's own docs.
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { docsPage, docsScript, docsStyle } from '../docs-page.js';
import { openApiDocument } from '../openapi.js';

export function platformRouter(deps: { registry: Registry; temporalReachable: () => Promise<void> }): Router {
  const router = Router();
  const document = openApiDocument();
  router.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', async (req, res) => {
    try {
      await deps.temporalReachable();
      res.json({ status: 'ok', temporal: 'reachable' });
    } catch (error) {
      // What is down, not where or how: gRPC messages name internal addresses. The log has them.
      req.log.warn({ err: error }, 'not ready: Temporal unreachable');
      res.status(503).json({ status: 'unavailable', temporal: 'unreachable' });
    }
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
