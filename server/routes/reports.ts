/** Districts, roster, exports (district / master / template), audit log, settings and the rubric. */
import { Router, type Response } from 'express';
import multer from 'multer';
import fs from 'node:fs';
import type { Context } from '../context';
import { fail } from '../errors';
import { authorize } from '../policy';
import { districtStats, rosterStatus, readRosterFile, replaceRoster } from '../roster';
import { auditPage, audit } from '../audit';
import { achievedWithoutEvidence } from '../evidence-stats';
import { setSetting } from '../db';
import { SettingsSchema } from '../model';
import { normalizeDistrict, DISTRICTS } from '../../core/districts';
import { cachedTemplate, checkProjectCount, TemplateOptionsError } from '../../core/node/workbook/build';
import { currentRubric, rubricJson } from '../../core/rubric';
import { excerpt } from '../../core/text';
import { jobOptions } from '../jobs';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function attachment(res: Response, name: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${encodeURIComponent(name).replace(/%/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`);
}

function districtParam(value: unknown): string {
  const d = normalizeDistrict(value);
  if (!d) fail('NOT_FOUND', `旗县区“${excerpt(value, 20)}”不在名单中：${DISTRICTS.join('、')}`);
  return d!;
}

export function reportsRouter(ctx: Context): Router {
  const r = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 5 * 1024 * 1024, files: 1 }, defParamCharset: 'utf8' });

  r.get('/districts', (req, res) => {
    const actor = req.actor!;
    if (actor.role === 'unit') authorize(actor, 'roster');
    const district = actor.role === 'district' ? actor.district : undefined;
    const evidence = achievedWithoutEvidence(ctx.db, district);
    // 达到 answers and how many of them have no 佐证 yet, next to each district's figures.
    res.json({ items: districtStats(ctx.db, district).map((d) => ({ ...d, achieved: evidence.get(d.district)?.achieved ?? 0, achievedWithoutEvidence: evidence.get(d.district)?.withoutEvidence ?? 0 })) });
  });

  r.get('/roster', (req, res) => {
    const actor = authorize(req.actor, 'roster', { district: req.actor?.district });
    res.json({ deadline: ctx.deadline(), items: rosterStatus(ctx.db, actor.role === 'district' ? actor.district : undefined) });
  });

  r.post('/roster', upload.single('file'), async (req, res) => {
    const actor = authorize(req.actor, 'roster', { district: req.actor?.district });
    if (!req.file) fail('BAD_REQUEST', '请在 file 字段上传名单文件（.xlsx 或 .csv，列：单位名称、旗县区、联系人、电话）');
    const { entries, issues, busy } = await readRosterFile(req.file!.buffer, req.file!.originalname, ctx.pool, jobOptions(req, res));
    if (busy) fail('BUSY', issues[0]!.message);
    if (issues.some((i) => i.severity === 'error')) fail('INVALID', `名单有 ${issues.length} 处问题，未导入`, issues);
    const district = actor.role === 'district' ? actor.district : undefined;
    const foreign = district ? entries.filter((e) => e.district !== district) : [];
    if (foreign.length) fail('FORBIDDEN', `只能导入本旗县区（${district}）的名单，文件中有 ${foreign.length} 个其他旗县区的单位`);
    const n = replaceRoster(ctx.db, entries, district);
    audit(ctx.db, actor, '导入报送名单', 'roster', { units: n, district: district ?? '全部' }, req.ip);
    res.json({ imported: n, items: rosterStatus(ctx.db, district) });
  });

  const sendExport = async (req: Parameters<Parameters<Router['get']>[1]>[0], res: Response, district?: string) => {
    const etag = ctx.exporter.etag(ctx.db, district);
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    const out = await ctx.exporter.get(ctx.db, district);
    res.setHeader('ETag', out.etag);
    res.type(XLSX);
    attachment(res, out.name);
    if (out.bytes) res.send(out.bytes); // disk full: built in memory, not cached
    else await new Promise<void>((resolve, reject) => fs.createReadStream(out.file).on('error', reject).pipe(res).on('finish', resolve));
  };

  r.get('/districts/:district/workbook.xlsx', async (req, res) => {
    const district = districtParam(req.params.district);
    authorize(req.actor, 'export', { district });
    await sendExport(req, res, district);
  });

  r.get('/master.xlsx', async (req, res) => {
    authorize(req.actor, 'export', {});
    if (req.actor!.role !== 'secretariat') fail('FORBIDDEN', '全市总表仅限联盟秘书处下载，旗县区请下载本区汇总表');
    await sendExport(req, res);
  });

  r.get('/audit', (req, res) => {
    authorize(req.actor, 'audit');
    const before = req.query.before ? Number(req.query.before) : undefined;
    res.json({ items: auditPage(ctx.db, 200, before) });
  });

  r.get('/settings', (req, res) => {
    authorize(req.actor, 'read', { district: req.actor?.district, unit: req.actor?.unit });
    res.json({ deadline: ctx.deadline() });
  });

  r.put('/settings', (req, res) => {
    const actor = authorize(req.actor, 'settings');
    const body = SettingsSchema.safeParse(req.body ?? {});
    if (!body.success) fail('INVALID', body.error.issues[0]!.message);
    if (body.data!.deadline) setSetting(ctx.db, 'deadline', body.data!.deadline);
    audit(ctx.db, actor, '修改设置', 'settings', body.data, req.ip);
    res.json({ deadline: ctx.deadline() });
  });
  return r;
}

/** Routes that need no sign-in: the blank template and the rubric are public campaign material. */
export function publicRouter(): Router {
  const r = Router();
  r.get('/template.xlsx', async (req, res) => {
    let projects: number;
    try {
      projects = checkProjectCount(req.query.projects ?? undefined);
    } catch (e) {
      if (e instanceof TemplateOptionsError) fail('BAD_REQUEST', e.message);
      throw e;
    }
    const bytes = await cachedTemplate(projects!);
    res.type(XLSX);
    attachment(res, '红色工地申报工作簿.xlsx');
    res.send(bytes);
  });
  r.get('/rubric', (_req, res) => {
    res.json(rubricJson(currentRubric()));
  });
  return r;
}
