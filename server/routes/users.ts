/** /api/v1/users (秘书处 only) and /api/v1/me. */
import { Router } from 'express';
import type { Context } from '../context';
import { fail } from '../errors';
import { authorize } from '../policy';
import { UserCreateSchema, ROLE_LABELS } from '../model';
import { createUser, listUsers, revokeUser, findUser } from '../auth';
import { audit } from '../audit';

export function usersRouter(ctx: Context): Router {
  const r = Router();
  r.get('/', (req, res) => {
    authorize(req.actor, 'manageUsers');
    res.json({ items: listUsers(ctx.db) });
  });
  r.post('/', (req, res) => {
    const actor = authorize(req.actor, 'manageUsers');
    const body = UserCreateSchema.safeParse(req.body ?? {});
    if (!body.success) fail('INVALID', body.error.issues.map((i) => i.message).join('；'));
    const created = createUser(ctx.db, body.data!, actor.id);
    audit(ctx.db, actor, '创建账号', `user:${created.user.id}`, { name: created.user.name, role: created.user.role, district: created.user.district, unit: created.user.unit }, req.ip);
    res.status(201).json(created);
  });
  r.post('/:id/revoke', (req, res) => {
    const actor = authorize(req.actor, 'manageUsers');
    const id = Number(req.params.id);
    const user = Number.isInteger(id) ? findUser(ctx.db, id) : undefined;
    if (!user) fail('NOT_FOUND', `找不到编号为 ${req.params.id} 的账号`);
    if (user!.id === actor.id) fail('CONFLICT', '不能停用自己正在使用的账号');
    revokeUser(ctx.db, id);
    audit(ctx.db, actor, '停用账号', `user:${id}`, { name: user!.name }, req.ip);
    res.json({ user: findUser(ctx.db, id) });
  });
  return r;
}

export function meRouter(): Router {
  const r = Router();
  r.get('/', (req, res) => {
    const a = req.actor!;
    res.json({ ...a, roleLabel: ROLE_LABELS[a.role] });
  });
  return r;
}
