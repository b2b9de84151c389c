/** /api/v1/submissions: upload (xlsx or JSON), list, detail, diff, original file, return and approve. */
import { Router } from 'express';
import multer from 'multer';
import path from 'node:path';
import type { Context } from '../context';
import { AppError, fail, parseOrFail } from '../errors';
import { authorize, visibleAudit } from '../policy';
import { writeRefusalIssues, type ReporterPlaces } from '../../core/policy';
import { REPORTER_CELLS, SHEETS } from '../../core/workbook/contract';
import { ApproveSchema, ReturnSchema, STATES, UploadTargetSchema, listPageSchema } from '../model';
import { storeSubmission, submissionDetail, listSubmissions, review, originalFile } from '../submissions';
import { diffVersions } from '../diff';
import { parseUntrusted } from '../../core/node/workbook/guard';
import { BUSY_FIELD } from '../../core/node/workbook/pool';
import { jobOptions } from '../jobs';
import { validateSubmission, hasErrors, blankAnswerIssues, type Issue } from '../../core/issues';
import { currentRubric } from '../../core/rubric';
import { normalizeDistrict } from '../../core/districts';
import type { Submission } from '../../core/schema';
import { annotatedWorkbook } from '../annotate';
import { unitKey } from '../../core/identity';
import { parseBoundedJson } from '../../core/json';
import { returnWithCriteria } from '../criterion-returns';
import { readableSubmission } from './common';

/** A file name as the user's computer gave it, minus any path or control characters. */
export function safeFileName(name: string): string {
  const base = path.posix.basename(path.win32.basename(name || 'upload.xlsx'));
  // eslint-disable-next-line no-control-regex
  return base.replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_').slice(0, 120) || 'upload.xlsx';
}

const invalid = (issues: Issue[]) => {
  const errors = issues.filter((i) => i.severity === 'error').length;
  return new AppError('INVALID', `申报内容有 ${errors} 处需要修改，请按问题清单逐条修改后重新提交`, issues);
};

const CONTRACT_PLACES: ReporterPlaces = Object.fromEntries(
  REPORTER_CELLS.filter((r) => r.field === 'unit' || r.field === 'district').map((r) => [r.field, { sheet: SHEETS.form, cell: r.cell }]),
);

const bool = (v: unknown) => (v === 'true' ? true : v === 'false' ? false : undefined);

/** `&latest=N` beside `restore=1`: the latest version the person saw when deciding to restore (optional). */
function restoreOver(v: unknown): { restoreOver?: number } {
  if (v === undefined || v === '') return {};
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isInteger(n) || n < 1) fail('BAD_REQUEST', 'latest 须为确认恢复时看到的最新版本号（正整数）');
  return { restoreOver: n };
}

export function submissionsRouter(ctx: Context): Router {
  const r = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: ctx.limits.uploadBytes, files: 1, fields: 4, fieldSize: ctx.limits.jsonBytes }, defParamCharset: 'utf8' });

  r.post('/', (req, res, next) => (req.is('multipart/form-data') ? upload.single('file')(req, res, next) : next()), async (req, res) => {
    const actor = req.actor!;
    // Uploaded on one 申报's page (after a 退回): the file must be that 申报's workbook.
    const target = parseOrFail(UploadTargetSchema, req.body?.target ?? undefined);
    let submission: Submission | undefined;
    let issues: Issue[] = [];
    let file: { bytes: Uint8Array; name: string } | undefined;
    let parsedHere = false;
    // Where the 填报单位 and 所属旗县区 are: as the reader found them in an uploaded file, else the workbook's cells
    // (the add-in's JSON comes from a workbook laid out by the contract).
    let places: ReporterPlaces = CONTRACT_PLACES;
    const rubric = currentRubric();
    if (req.file) {
      file = { bytes: req.file.buffer, name: safeFileName(req.file.originalname) };
      if (typeof req.body?.submission === 'string') {
        // The add-in sends its Submission plus the workbook file as the original.
        const json = parseBoundedJson(req.body.submission, ctx.limits.jsonDepth, 'submission 字段');
        if (!json.ok) fail('BAD_REQUEST', json.message);
        const v = validateSubmission(json.value, rubric);
        if (!v.submission) throw invalid(v.issues);
        submission = v.submission;
      } else {
        // A 附件2 table has no 旗县区 column: it is the account's 旗县区 (a 秘书处 upload may name one in the form).
        const fallback = actor.district ?? normalizeDistrict(req.body?.district);
        const parsed = await parseUntrusted(file.bytes, { fileName: file.name, pool: ctx.pool, limits: ctx.limits, ...jobOptions(req, res), ...(fallback ? { district: fallback } : {}) });
        if (parsed.kind === 'rejected') throw new AppError(parsed.issues[0]!.field === BUSY_FIELD ? 'BUSY' : 'INVALID', parsed.issues[0]!.message, parsed.issues);
        if (!parsed.submission || hasErrors(parsed.issues)) throw invalid(parsed.issues);
        submission = parsed.submission;
        issues = parsed.issues;
        places = parsed.places ?? {};
        parsedHere = true;
      }
    } else if (req.is('application/json')) {
      const v = validateSubmission(req.body, rubric);
      if (!v.submission) throw invalid(v.issues);
      submission = v.submission;
    } else {
      fail('UNSUPPORTED', '请以 JSON（application/json）提交申报数据，或以表单（multipart/form-data）的 file 字段上传 .xlsx 申报工作簿');
    }
    const sub: Submission = submission;
    // JSON (the add-in) gets the same 提醒 as a workbook read here: partly blank self-assessments.
    if (!parsedHere) issues = blankAnswerIssues(sub.projects, rubric);
    // A unit account sends its own workbooks; a 旗县区 may upload for a unit of its own 旗县区 (代为上传), the unit
    // being the 填报单位 in the file. The answer names the unit it was stored for.
    // A refusal names the cells (填报单位, 所属旗县区) to fix; nothing is stored.
    const scope = { district: sub.reporter.district, unit: sub.reporter.unit };
    authorize(actor, 'write', scope, (a) => writeRefusalIssues(a, scope, places));
    const stored = ctx.commits.write(() => storeSubmission(ctx.db, { submission: sub, issues, file, actor, ip: req.ip, deadline: ctx.deadline(), limits: ctx.limits, ...(target ? { target } : {}), ...(req.query.restore === '1' ? { restore: true, ...restoreOver(req.query.latest) } : {}) }));
    // Answered once the WAL holding it is on disk; the uploads committed meanwhile share that fsync (group commit).
    await ctx.commits.durable();
    res.status(stored.unchanged ? 200 : 201).json(stored);
  });

  r.get('/', (req, res) => {
    const actor = req.actor!;
    const q = req.query;
    const district = actor.role === 'secretariat' ? (typeof q.district === 'string' && q.district ? normalizeDistrict(q.district) ?? q.district : undefined) : actor.district;
    if (actor.role !== 'secretariat' && typeof q.district === 'string' && q.district && normalizeDistrict(q.district) !== actor.district) authorize(actor, 'read', { district: q.district });
    const state = typeof q.state === 'string' && q.state ? q.state : undefined;
    if (state && !(STATES as readonly string[]).includes(state)) fail('BAD_REQUEST', `状态只能是：${STATES.join('、')}`);
    const page = parseOrFail(listPageSchema(ctx.limits.listPage, ctx.limits.listPageMax), { limit: q.limit || undefined, offset: q.offset || undefined });
    const { items, total } = listSubmissions(ctx.db, {
      district, state, met: bool(q.met), late: bool(q.late), q: typeof q.q === 'string' ? q.q : undefined,
      unitKey: actor.role === 'unit' ? unitKey(actor.unit, actor.district) : undefined,
    }, page);
    res.json({ items, total, ...page });
  });

  const scoped = (req: Parameters<typeof readableSubmission>[1], action: 'read' | 'review') => readableSubmission(ctx.db, req, action);

  r.get('/:id', (req, res) => {
    scoped(req, 'read');
    const detail = submissionDetail(ctx.db, String(req.params.id));
    res.json({ ...detail, audit: visibleAudit(req.actor!, detail.audit) });
  });

  r.get('/:id/diff', (req, res) => {
    const row = scoped(req, 'read');
    const to = Number(req.query.to ?? row.latest_version);
    const from = Number(req.query.from ?? to - 1);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < 1) fail('BAD_REQUEST', '请用 from 和 to 指定要比较的两个版本号（正整数）');
    res.json(diffVersions(ctx.db, row.id, from, to));
  });

  r.get('/:id/original', (req, res) => {
    scoped(req, 'read');
    const f = originalFile(ctx.db, String(req.params.id), req.query.version ? Number(req.query.version) : undefined);
    if (!f) fail('NOT_FOUND', '该版本是通过加载项或 JSON 提交的，没有上传的原始文件');
    // The original may be a workbook, a CSV or a Word 回执: its own content type, by its name.
    res.attachment(f.name).send(f.bytes);
  });

  r.get('/:id/annotated.xlsx', async (req, res) => {
    scoped(req, 'read');
    const f = await annotatedWorkbook(ctx.db, ctx.pool, String(req.params.id), ctx.limits, jobOptions(req, res));
    res.attachment(f.name).send(Buffer.from(f.bytes));
  });

  r.post('/:id/return', (req, res) => {
    scoped(req, 'review');
    const body = parseOrFail(ReturnSchema, req.body ?? {});
    // The unit's workbook with the issues marked and this reason on top is ready to download at once.
    res.json({ ...returnWithCriteria(ctx.db, String(req.params.id), req.actor!, req.ip, body.reason, body.criteria, body.version), annotated: `/api/v1/submissions/${encodeURIComponent(String(req.params.id))}/annotated.xlsx` });
  });

  r.post('/:id/approve', (req, res) => {
    scoped(req, 'review');
    const body = parseOrFail(ApproveSchema, req.body ?? {});
    res.json(review(ctx.db, String(req.params.id), 'approve', req.actor!, req.ip, { version: body.version }));
  });
  return r;
}
