/** /api/v1/roster: the units expected to report (报送名单) and their standing; importing a roster file. */
import { Router } from 'express';
import multer from 'multer';
import type { Context } from '../context';
import { fail } from '../errors';
import { authorize } from '../policy';
import { foreignUnits, rosterStatus, readRosterFile, replaceRoster } from '../roster';
import { audit } from '../audit';
import { jobOptions } from '../jobs';
import { districtParam } from './common';
import { writeMissingSheet } from '../../core/node/workbook/missing-export';

export function rosterRouter(ctx: Context): Router {
  const r = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: ctx.limits.rosterBytes, files: 1 }, defParamCharset: 'utf8' });

  r.get('/', (req, res) => {
    const actor = authorize(req.actor, 'roster', { district: req.actor?.district });
    res.json({ deadline: ctx.deadline(), items: rosterStatus(ctx.db, actor.role === 'district' ? actor.district : undefined) });
  });

  // 未报送名单.xlsx: the units of rosterStatus still 未报送, scoped like the roster (a 旗县区 sees its own;
  // the 秘书处 all, or one with ?district=).
  r.get('/missing.xlsx', async (req, res) => {
    const actor = authorize(req.actor, 'roster', { district: req.actor?.district });
    const district = actor.role === 'district' ? actor.district : req.query.district ? districtParam(req.query.district) : undefined;
    const rows = rosterStatus(ctx.db, district).flatMap((d) => d.missing.map((u) => ({ district: d.district, ...u, state: '未报送' })));
    const bytes = await writeMissingSheet(rows, district ?? '全市');
    res.attachment(`红色工地未报送名单（${district ?? '全市'}）.xlsx`).send(bytes);
  });

  r.post('/', upload.single('file'), async (req, res) => {
    const actor = authorize(req.actor, 'roster', { district: req.actor?.district });
    const file = req.file ?? fail('BAD_REQUEST', '请在 file 字段上传名单文件（.xlsx 或 .csv，列：单位名称、旗县区、联系人、电话）');
    const { entries, issues, busy } = await readRosterFile(file.buffer, file.originalname, ctx.pool, jobOptions(req, res));
    if (busy) fail('BUSY', issues[0]!.message);
    if (issues.some((i) => i.severity === 'error')) fail('INVALID', `名单有 ${issues.length} 处问题，未导入`, issues);
    const district = actor.role === 'district' ? actor.district : undefined;
    const foreign = district ? foreignUnits(entries, district) : undefined;
    if (foreign) fail('FORBIDDEN', foreign.message, foreign.issues);
    const n = replaceRoster(ctx.db, entries, district);
    audit(ctx.db, actor, '导入报送名单', 'roster', { units: n, district: district ?? '全部' }, req.ip);
    res.json({ imported: n, items: rosterStatus(ctx.db, district) });
  });
  return r;
}
