// Thin HTTP handlers over the fleet upgrade use cases.
import { Router, type Request } from 'express';
import { fleetUpgradeWorkflowId } from '../../core/names.js';
import { callerOf } from '../auth.js';
import { ApiError, methodNotAllowed, parseOr400 } from '../errors.js';
import type { FleetUpgrades } from '../fleet-upgrades.js';
import { fleetUpgradeBody, fleetUpgradeParams } from '../schemas.js';

export const fleetUpgradeLinks = (id: string) => {
  const self = `/api/v1/fleet/upgrades/${id}`;
  return { self, pause: `${self}/pause`, resume: `${self}/resume`, cancel: `${self}/cancel` };
};

const upgradeIdOf = (req: Request) => parseOr400(fleetUpgradeParams, req.params, 'path').upgradeId;

export function fleetRouter({ upgrades }: { upgrades: FleetUpgrades }): Router {
  const router = Router();

  router.param('upgradeId', (req, res, next, id: string) => {
    res.locals.workflowId = fleetUpgradeWorkflowId(id);
    req.log = req.log.child({ workflowId: fleetUpgradeWorkflowId(id) });
    next();
  });

  router
    .route('/fleet/upgrades')
    .post(async (req, res) => {
      if (!req.is('application/json'))
        throw new ApiError(415, 'unsupported_media_type', 'send the upgrade as JSON (Content-Type: application/json)');
      const request = parseOr400(fleetUpgradeBody, req.body, 'body');
      const { id } = await upgrades.start(request, callerOf(req));
      req.log.info(
        { workflowId: fleetUpgradeWorkflowId(id), engine: request.engine, chartVersion: request.chartVersion },
        'fleet upgrade started',
      );
      res
        .status(202)
        .location(fleetUpgradeLinks(id).self)
        .json({
          id,
          message: `fleet upgrade of ${request.engine} to chart ${request.chartVersion} started`,
          links: fleetUpgradeLinks(id),
        });
    })
    .get(async (req, res) => {
      const list = await upgrades.list(callerOf(req));
      res.json({ upgrades: list.map((upgrade) => ({ ...upgrade, links: fleetUpgradeLinks(upgrade.id) })) });
    })
    .all(methodNotAllowed(['GET', 'POST']));

  router
    .route('/fleet/upgrades/:upgradeId')
    .get(async (req, res) => {
      const id = upgradeIdOf(req);
      res.json({ ...(await upgrades.get(id, callerOf(req))), links: fleetUpgradeLinks(id) });
    })
    .all(methodNotAllowed(['GET']));

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    router
      .route(`/fleet/upgrades/:upgradeId/${action}`)
      .post(async (req, res) => {
        const id = upgradeIdOf(req);
        await upgrades.act(id, callerOf(req), action);
        res.status(202).json({
          id,
          message: `${action} requested; it takes effect before the next wave`,
          links: fleetUpgradeLinks(id),
        });
      })
      .all(methodNotAllowed(['POST']));
  }
  return router;
}
