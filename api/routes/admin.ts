// Admin switches for the whole platform: the creation pause (read by every key, changed by admin keys).
import { Router, type Request } from 'express';
import { callerOf } from '../auth.js';
import type { CreationPauseService } from '../creation-pause.js';
import { ApiError, methodNotAllowed, parseOr400 } from '../errors.js';
import type { Caller } from '../store-records.js';
import { creationPauseBody } from '../schemas.js';

function adminOnly(req: Request, what: string): Caller {
  const caller = callerOf(req);
  if (!caller.admin) throw new ApiError(403, 'forbidden', `only an admin key may ${what}`);
  return caller;
}

export function adminRouter({ creationPause }: { creationPause: CreationPauseService }): Router {
  const router = Router();
  router
    .route('/admin/creation-pause')
    .get(async (_req, res) => {
      res.json(await creationPause.state());
    })
    .post(async (req, res) => {
      const caller = adminOnly(req, 'pause store creation');
      if (!req.is('application/json'))
        throw new ApiError(415, 'unsupported_media_type', 'send the reason as JSON (Content-Type: application/json)');
      const { reason } = parseOr400(creationPauseBody, req.body, 'body');
      const { after } = await creationPause.pause(reason, caller);
      // The key's id only: the request log's serializer keeps the key itself out too.
      req.log.info({ reason, keyId: caller.keyId }, 'store creation paused');
      res.json(after);
    })
    .delete(async (req, res) => {
      const caller = adminOnly(req, 'resume store creation');
      const { before, after } = await creationPause.resume();
      req.log.info(
        { reason: before.paused ? before.reason : undefined, keyId: caller.keyId, wasPaused: before.paused },
        'store creation resumed',
      );
      res.json(after);
    })
    .all(methodNotAllowed(['GET', 'POST', 'DELETE']));
  return router;
}
