/**
 * /api/v1/users: accounts. The 秘书处 manages every account; a 旗县区 manages the 填报单位 accounts of its own
 * district (create, bulk-create from a unit list, revoke, re-issue a lost token). /api/v1/me: who is signed in.
 */
import { Router, type Request } from 'express';
import multer from 'multer';
import type { Context } from '../context';
import { fail } from '../errors';
import { authorize } from '../policy';
import { can } from '../../core/policy';
import { UserCreateSchema, ROLE_LABELS } from '../model';
import { createUser, listUsers, revokeUser, findUser, reissueToken, activeUnitAccounts } from '../auth';
import { audit } from '../audit';
import { readRosterFile, upsertRoster } from '../roster';
import { prefilledTemplate } from '../../core/node/workbook/prefill';
import { checkProjectCount, TemplateOptionsError } from '../../core/node/workbook/build';
import { attachment } from './reports';
import { writeAccountSheet, type AccountSheetRow } from '../../core/node/workbook/accounts-export';

/** Where people sign in, as this request reached the server (the address a district hands out). */
export function loginUrl(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}/`;
}

export const ACCOUNT_SHEET_NAME = '账号清单.xlsx';

export function usersRouter(ctx: Context): Router {
  const r = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 5 * 1024 * 1024, files: 1 }, defParamCharset: 'utf8' });

  const target = (req: Request) => {
    const id = Number(req.params.id);
    const user = Number.isInteger(id) ? findUser(ctx.db, id) : undefined;
    if (!user) fail('NOT_FOUND', `找不到编号为 ${String(req.params.id)} 的账号`);
    const actor = authorize(req.actor, 'manageUsers', { district: user!.district, role: user!.role });
    return { actor, user: user! };
  };

  r.get('/', (req, res) => {
    const actor = req.actor!;
    if (actor.role !== 'secretariat') authorize(actor, 'manageUsers', { district: actor.district, role: 'unit' });
    res.json({ items: listUsers(ctx.db).filter((u) => can(actor, 'manageUsers', { district: u.district, role: u.role })) });
  });

  r.post('/', (req, res) => {
    const body = UserCreateSchema.safeParse(req.body ?? {});
    if (!body.success) fail('INVALID', body.error.issues.map((i) => i.message).join('；'));
    const input = body.data!;
    const actor = authorize(req.actor, 'manageUsers', { district: input.district, role: input.role });
    const created = createUser(ctx.db, input, actor.id);
    audit(ctx.db, actor, '创建账号', `user:${created.user.id}`, { name: created.user.name, role: created.user.role, district: created.user.district, unit: created.user.unit }, req.ip);
    res.status(201).json(created);
  });

  // A unit list (单位名称, 旗县区, 联系人, 电话) → one 填报单位 account per unit that has none yet, and 账号清单.xlsx
  // with the new tokens: the only time they are shown. The units join the roster (应报) as well.
  r.post('/bulk', upload.single('file'), async (req, res) => {
    const actor = req.actor!;
    const own = actor.role === 'district' ? actor.district : undefined;
    if (actor.role !== 'secretariat') authorize(actor, 'manageUsers', { district: own, role: 'unit' });
    if (!req.file) fail('BAD_REQUEST', '请在 file 字段上传单位名单（.xlsx 或 .csv，列：单位名称、旗县区、联系人、电话）');
    const { entries, issues } = await readRosterFile(req.file!.buffer, req.file!.originalname);
    if (issues.some((i) => i.severity === 'error')) fail('INVALID', `单位名单有 ${issues.length} 处问题，没有创建任何账号`, issues);
    if (!entries.length) fail('INVALID', '单位名单中没有单位：第一行应为 单位名称、旗县区、联系人、电话，从第二行起每行一个单位');
    const foreign = entries.filter((e) => !can(actor, 'manageUsers', { district: e.district, role: 'unit' }));
    if (foreign.length) fail('FORBIDDEN', `只能为本旗县区（${own}）的单位创建账号，名单中有 ${foreign.length} 个其他旗县区的单位（如“${foreign[0]!.unit}”，${foreign[0]!.district}）`);
    const rows: AccountSheetRow[] = [];
    const created: Array<{ user: ReturnType<typeof findUser>; unit: string; district: string }> = [];
    const skipped: Array<{ unit: string; district: string; reason: string }> = [];
    const seen = new Set<string>();
    // One transaction: either every new account (and the roster update) is stored, or none is.
    ctx.db.transaction(() => {
      for (const e of entries) {
        const k = `${e.district}\u0000${e.unit}`;
        if (seen.has(k)) {
          skipped.push({ unit: e.unit, district: e.district, reason: '名单中重复出现' });
          continue;
        }
        seen.add(k);
        const existing = activeUnitAccounts(ctx.db, e.district, e.unit);
        if (existing.length) {
          skipped.push({ unit: e.unit, district: e.district, reason: `已有账号 #${existing[0]!.id}（令牌遗失请在账号列表中点“重新签发”）` });
          continue;
        }
        const c = createUser(ctx.db, { name: e.unit, role: 'unit', district: e.district, unit: e.unit }, actor.id);
        audit(ctx.db, actor, '创建账号', `user:${c.user.id}`, { name: c.user.name, role: 'unit', district: e.district, unit: e.unit, bulk: true }, req.ip);
        created.push({ user: c.user, unit: e.unit, district: e.district });
        rows.push({ unit: e.unit, district: e.district, contact: e.contact, phone: e.phone, account: `#${c.user.id} ${c.user.name}`, token: c.token });
      }
      upsertRoster(ctx.db, entries);
      audit(ctx.db, actor, '批量创建账号', 'users', { created: created.length, skipped: skipped.length, file: req.file!.originalname }, req.ip);
    }).immediate();
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

export function meRouter(): Router {
  const r = Router();
  r.get('/', (req, res) => {
    const a = req.actor!;
    res.json({ ...a, roleLabel: ROLE_LABELS[a.role] });
  });
  // The blank workbook for the signed-in account: a unit's carries its 填报单位 and 旗县区, a district's its 旗县区.
  r.get('/template.xlsx', async (req, res) => {
    const a = req.actor!;
    let projects: number;
    try {
      projects = checkProjectCount(req.query.projects ?? undefined);
    } catch (e) {
      if (e instanceof TemplateOptionsError) fail('BAD_REQUEST', e.message);
      throw e;
    }
    const bytes = await prefilledTemplate({ unit: a.role === 'unit' ? a.unit : undefined, district: a.district, projects: projects! });
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    attachment(res, a.role === 'unit' && a.unit ? `红色工地申报工作簿（${a.unit}）.xlsx` : '红色工地申报工作簿.xlsx');
    res.send(bytes);
  });
  return r;
}
