/** /api/v1/audit: the append-only audit log, newest first, 200 at a time (`before` = the last id seen).
 * Each entry keeps its raw `target` and adds `targetLabel`, the object in words (账号 #4 王某（东河区）). */
import { Router } from 'express';
import type { Context } from '../context';
import { authorize } from '../policy';
import { auditPage } from '../audit';

export function auditRouter(ctx: Context): Router {
  const r = Router();
  r.get('/', (req, res) => {
    const actor = authorize(req.actor, 'audit');
    const before = req.query.before ? Number(req.query.before) : undefined;
    res.json({ items: auditPage(ctx.db, actor, 200, before) });
  });
  return r;
}
