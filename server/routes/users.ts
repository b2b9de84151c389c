/**
 * /api/v1/users: accounts. The 秘书处 manages every account; a 旗县区 manages the 填报单位 accounts of its own
 * district (create, bulk-create from a unit list, revoke, re-issue a lost token).
 */
import { Router, type Request } from 'express';
import multer from 'multer';
import type { Context } from '../context';
import { fail, parseOrFail } from '../errors';
import { authorize } from '../policy';
import { can } from '../../core/policy';
import { UserCreateSchema } from '../model';
import { listUsers, revokeUser, findUser, reissueToken } from '../auth';
import { audit } from '../audit';
import { jobOptions } from '../jobs';
import { excerpt } from '../../core/text';
import { foreignUnits, readRosterFile } from '../roster';
import { writeAccountSheet } from '../../core/node/workbook/accounts-export';
import { createAccount, createUnitAccounts } from '../accounts';

/**
 * Where people sign in, as this request reached the server (the address a district hands out). Behind a reverse proxy
 * on this machine (README “局域网部署”), the address the browser used, as the proxy forwards it (X-Forwarded-Proto,
 * X-Forwarded-Host; `trust proxy` is loopback) — not the proxy's own request to 127.0.0.1.
 */
export function loginUrl(req: Request): string {
  return `${req.protocol}://${req.host ?? 'localhost'}/`;
}

export const ACCOUNT_SHEET_NAME = '账号清单.xlsx';

export function usersRouter(ctx: Context): Router {
  const r = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: ctx.limits.rosterBytes, files: 1 }, defParamCharset: 'utf8' });

  const target = (req: Request) => {
    const id = Number(req.params.id);
    const user = (Number.isInteger(id) ? findUser(ctx.db, id) : undefined) ?? fail('NOT_FOUND', `找不到编号为 ${excerpt(String(req.params.id), 20)} 的账号`);
    const actor = authorize(req.actor, 'manageUsers', { district: user.district, role: user.role });
    return { actor, user };
  };

  r.get('/', (req, res) => {
    const actor = req.actor!;
    if (actor.role !== 'secretariat') authorize(actor, 'manageUsers', { district: actor.district, role: 'unit' });
    res.json({ items: listUsers(ctx.db).filter((u) => can(actor, 'manageUsers', { district: u.district, role: u.role })) });
  });

  // One account. A unit that already has an active account (by unit key) gets 409 naming it, not a second one.
  r.post('/', (req, res) => {
    const input = parseOrFail(UserCreateSchema, req.body ?? {});
    const actor = authorize(req.actor, 'manageUsers', { district: input.district, role: input.role });
    const created = createAccount(ctx.db, input, actor.id);
    audit(ctx.db, actor, '创建账号', `user:${created.user.id}`, { name: created.user.name, role: created.user.role, district: created.user.district, unit: created.user.unit }, req.ip);
    res.status(201).json(created);
  });

  // A unit list (单位名称, 旗县区, 联系人, 电话) → one 填报单位 account per unit that has none yet, and 账号清单.xlsx
  // with the new tokens: the only time they are shown. The units join the roster (应报) as well.
  r.post('/bulk', upload.single('file'), async (req, res) => {
    const actor = req.actor!;
    const own = actor.role === 'district' ? actor.district : undefined;
    if (actor.role !== 'secretariat') authorize(actor, 'manageUsers', { district: own, role: 'unit' });
    const file = req.file ?? fail('BAD_REQUEST', '请在 file 字段上传单位名单（.xlsx 或 .csv，列：单位名称、旗县区、联系人、电话）');
    const { entries, issues, busy } = await readRosterFile(file.buffer, file.originalname, ctx.pool, jobOptions(req, res));
    if (busy) fail('BUSY', issues[0]!.message);
    if (issues.some((i) => i.severity === 'error')) fail('INVALID', `单位名单有 ${issues.length} 处问题，没有创建任何账号`, issues);
    if (!entries.length) fail('INVALID', '单位名单中没有单位：第一行应为 单位名称、旗县区、联系人、电话，从第二行起每行一个单位');
    // A district's list may hold only its own units: each other one is listed at its row, as a roster import does.
    const foreign = entries.filter((e) => !can(actor, 'manageUsers', { district: e.district, role: 'unit' }));
    if (foreign.length) {
      const first = foreign[0]!;
      const at = first.at ? `，${first.at.sheet}!${first.at.cell}` : '';
      fail('FORBIDDEN', `只能为本旗县区（${own}）的单位创建账号，名单中有 ${foreign.length} 个其他旗县区的单位（如“${excerpt(first.unit, 30)}”，${first.district}${at}），没有创建任何账号：请删除这些行后重新上传`, foreignUnits(foreign, own!)?.issues);
    }
    const { created, skipped, rows } = createUnitAccounts(ctx.db, actor, entries, { ip: req.ip, file: file.originalname });
    const workbook = rows.length ? await writeAccountSheet(rows, loginUrl(req)) : undefined;
    res.status(created.length ? 201 : 200).json({
      created: created.map((c) => ({ user: c.user, unit: c.unit, district: c.district })),
      skipped,
      ...(workbook ? { fileName: ACCOUNT_SHEET_NAME, workbook: workbook.toString('base64') } : {}),
    });
  });

  r.post('/:id/revoke', (req, res) => {
    const { actor, user } = target(req);
    if (user.id === actor.id) fail('CONFLICT', '不能停用自己正在使用的账号');
    revokeUser(ctx.db, user.id);
    audit(ctx.db, actor, '停用账号', `user:${user.id}`, { name: user.name }, req.ip);
    res.json({ user: findUser(ctx.db, user.id) });
  });

  r.post('/:id/reissue', (req, res) => {
    const { actor, user } = target(req);
    const again = reissueToken(ctx.db, user.id)!;
    audit(ctx.db, actor, '重新签发令牌', `user:${user.id}`, { name: user.name }, req.ip);
    res.json(again);
  });
  return r;
}
