// Thin HTTP handlers over the store use cases: parse, call, present.
import { Router, type Request } from 'express';
import { storeWorkflowId } from '../../core/names.js';
import { callerOf } from '../auth.js';
import { ApiError, methodNotAllowed, parseOr400 } from '../errors.js';
import { storeLinks, storeResponse, storeSummary, storeUsageResponse, type LinkSettings } from '../present.js';
import {
  changeStoreBody,
  createStoreBody,
  dryRunQuery,
  fleetUsageQuery,
  listStoresQuery,
  storeIdParams,
} from '../schemas.js';
import type { StoreService } from '../stores.js';
import type { StreamSlots } from '../stream-slots.js';
import { streamStore } from './stream.js';
import { createStoreWatches } from '../store-watches.js';

export interface StoresRouterDeps {
  stores: StoreService;
  links: LinkSettings;
  streamPollMs: number;
  shutdown: AbortSignal;
  streamSlots: StreamSlots;
}

const storeIdOf = (req: Request) => parseOr400(storeIdParams, req.params, 'path').id;

export function storesRouter({ stores, links, streamPollMs, shutdown, streamSlots }: StoresRouterDeps): Router {
  // At most one upstream per store followed by this process's streams.
  const watches = createStoreWatches(stores, streamPollMs);
  const router = Router();

  router.param('id', (req, res, next, id: string) => {
    // Every log line about a store names it (pino-http adds these to its request log).
    res.locals.storeId = id;
    res.locals.workflowId = storeWorkflowId(id);
    req.log = req.log.child({ storeId: id, workflowId: storeWorkflowId(id) });
    next();
  });

  router
    .route('/stores')
    .post(async (req, res) => {
      if (!req.is('application/json'))
        throw new ApiError(415, 'unsupported_media_type', 'send the store as JSON (Content-Type: application/json)');
      const body = parseOr400(createStoreBody, req.body, 'body');
      const spec = { ...body, plan: body.plan ?? 'small' };
      if (parseOr400(dryRunQuery, req.query, 'query').dryRun === 'true') {
        const { existing, plan } = await stores.dryRunCreate(spec, callerOf(req));
        res.json({
          dryRun: true,
          ...spec,
          owner: callerOf(req).owner,
          ...(existing ? { existingPhase: existing.phase } : {}),
          ...plan,
        });
        return;
      }
      const { created, record } = await stores.create(spec, callerOf(req));
      req.log.info(
        { storeId: body.storeId, workflowId: storeWorkflowId(body.storeId), created },
        created ? 'store created' : 'store already exists',
      );
      const summary = storeSummary(record, links);
      if (created) res.status(201).location(summary.links.self);
      res.json(summary);
    })
    .get(async (req, res) => {
      const page = await stores.list(parseOr400(listStoresQuery, req.query, 'query'), callerOf(req));
      res.json({
        stores: page.records.map((r) => storeSummary(r, links)),
        ...(page.nextPageToken ? { nextPageToken: page.nextPageToken } : {}),
      });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router
    .route('/stores/:id')
    .get(async (req, res) => {
      res.json(storeResponse(await stores.read(storeIdOf(req), callerOf(req)), links));
    })
    .patch(async (req, res) => {
      const storeId = storeIdOf(req);
      if (!req.is('application/json'))
        throw new ApiError(415, 'unsupported_media_type', 'send the change as JSON (Content-Type: application/json)');
      const target = parseOr400(changeStoreBody, req.body, 'body');
      if (parseOr400(dryRunQuery, req.query, 'query').dryRun === 'true') {
        const { status, plan } = await stores.dryRunChange(storeId, callerOf(req), target);
        const from = { plan: status.plan, ...(status.chartVersion ? { chartVersion: status.chartVersion } : {}) };
        const to = {
          plan: target.plan ?? status.plan,
          ...((target.chartVersion ?? status.chartVersion)
            ? { chartVersion: target.chartVersion ?? status.chartVersion }
            : {}),
        };
        res.json({ dryRun: true, storeId, engine: status.engine, phase: status.phase, from, to, ...plan });
        return;
      }
      const status = await stores.changeRelease(storeId, callerOf(req), target);
      req.log.info({ storeId, workflowId: storeWorkflowId(storeId), ...target }, 'store change requested');
      res.status(202).json({
        storeId,
        phase: status.phase,
        message: `change accepted: ${status.events.at(-1)?.message ?? ''}`,
        links: storeLinks(storeId, links),
      });
    })
    .delete(async (req, res) => {
      const record = await stores.remove(storeIdOf(req), callerOf(req));
      const message = record.running
        ? 'deletion requested'
        : record.ended
          ? `its workflow was ${record.ended}; a new run deletes what is left`
          : 'the store is already deleted';
      res.status(202).json({
        storeId: record.storeId,
        phase: record.running ? record.phase : record.ended ? 'Deleting' : 'Deleted',
        message,
        links: storeSummary(record, links).links,
      });
    })
    .all(methodNotAllowed(['GET', 'PATCH', 'DELETE']));

  router
    .route('/stores/:id/events')
    .get(async (req, res) => {
      const view = await stores.view(storeIdOf(req), callerOf(req));
      res.json(
        view.live
          ? { storeId: view.record.storeId, live: true, events: view.status.events }
          : { storeId: view.record.storeId, live: false, detail: view.detail, events: [] },
      );
    })
    .all(methodNotAllowed(['GET']));

  for (const [direction, message] of [
    ['hibernate', 'hibernation requested'],
    ['wake', 'wake-up requested'],
  ] as const) {
    router
      .route(`/stores/:id/${direction}`)
      .post(async (req, res) => {
        const record = await stores.change(storeIdOf(req), callerOf(req), direction);
        res
          .status(202)
          .json({ storeId: record.storeId, phase: record.phase, message, links: storeSummary(record, links).links });
      })
      .all(methodNotAllowed(['POST']));
  }

  router
    .route('/stores/:id/checks/order')
    .post(async (req, res) => {
      const storeId = storeIdOf(req);
      const check = await stores.checkOrder(storeId, callerOf(req));
      req.log.info(
        { storeId, workflowId: storeWorkflowId(storeId), ok: check.ok, orderId: check.orderId },
        'order check done',
      );
      res.json({ storeId, ...check });
    })
    .all(methodNotAllowed(['POST']));

  router
    .route('/stores/:id/history')
    .get(async (req, res) => {
      const { record, timeline, runs, truncated } = await stores.history(storeIdOf(req), callerOf(req));
      res.json({ storeId: record.storeId, runs, truncated, timeline });
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/stores/:id/usage')
    .get(async (req, res) => {
      const { record, usage } = await stores.usage(storeIdOf(req), callerOf(req));
      res.json(storeUsageResponse(record, usage));
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/fleet/usage')
    .get(async (req, res) => {
      const { owner } = parseOr400(fleetUsageQuery, req.query, 'query');
      res.json(await stores.fleetUsage(callerOf(req), owner));
    })
    .all(methodNotAllowed(['GET']));

  router
    .route('/stores/:id/stream')
    .get((req, res) =>
      streamStore(req, res, {
        stores,
        storeId: storeIdOf(req),
        caller: callerOf(req),
        watches,
        shutdown,
        slots: streamSlots,
      }),
    )
    .all(methodNotAllowed(['GET']));

  router
    .route('/stores/:id/retry')
    .post(async (req, res) => {
      const record = await stores.retry(storeIdOf(req), callerOf(req));
      res.status(202).json({
        storeId: record.storeId,
        phase: 'Failed',
        message: 'retry requested',
        links: storeSummary(record, links).links,
      });
    })
    .all(methodNotAllowed(['POST']));

  return router;
}
