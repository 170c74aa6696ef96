// Liveness (the process answers), readiness (Temporal answers), metrics, and the API's own docs.
import { Router } from 'express';
import type { Registry } from 'prom-client';
import { docsPage, docsScript, docsStyle } from '../docs-page.js';
import { openApiDocument } from '../openapi.js';

export function platformRouter(deps: { registry: Registry; temporalReachable: () => Promise<void> }): Router {
  const router = Router();
  const document = openApiDocument();
  router.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  router.get('/readyz', async (_req, res) => {
    try {
      await deps.temporalReachable();
      res.json({ status: 'ok' });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', detail: `Temporal not reachable: ${error instanceof Error ? error.message : String(error)}` });
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
