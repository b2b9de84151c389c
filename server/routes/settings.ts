/** /api/v1/settings: the campaign settings (the deadline); the 秘书处 changes them. */
import { Router } from 'express';
import type { Context } from '../context';
import { parseOrFail } from '../errors';
import { authorize } from '../policy';
import { audit } from '../audit';
import { setSetting } from '../db';
import { SettingsSchema } from '../model';

export function settingsRouter(ctx: Context): Router {
  const r = Router();
  r.get('/', (req, res) => {
    authorize(req.actor, 'read', { district: req.actor?.district, unit: req.actor?.unit });
    res.json({ deadline: ctx.deadline() });
  });

  r.put('/', (req, res) => {
    const actor = authorize(req.actor, 'settings');
    const body = parseOrFail(SettingsSchema, req.body ?? {});
    setSetting(ctx.db, 'deadline', body.deadline);
    audit(ctx.db, actor, '修改设置', 'settings', body, req.ip);
    res.json({ deadline: ctx.deadline() });
  });
  return r;
}
