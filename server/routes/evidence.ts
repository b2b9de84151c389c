/**
 * 佐证材料 over HTTP: list and attach a submission's evidence (multipart, streamed to disk), open a file or its
 * thumbnail, remove one. Who may: the owner unit, its 旗县区 (代为上传) and the 秘书处 attach and remove (policy
 * `write`); reviewers read within their district (policy `read`). A submission or evidence the caller may not read
 * answers 404, like one that does not exist.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import path from 'node:path';
import type { Context } from '../context';
import { AppError, fail } from '../errors';
import { authorize, can } from '../policy';
import { findSubmissionRow } from '../submissions';
import { evidenceJson, evidenceRow, listEvidence, unitUsage, type EvidenceRow } from '../evidence';
import { currentReturns } from '../criterion-returns';
import { receiving, type ReceivedFile } from '../evidence-files';
import { EVIDENCE_KINDS, EVIDENCE_MSG, evidenceDownloadName } from '../../core/evidence';
import { safeFileName } from './submissions';
import { readableSubmission } from './common';

type Received = Express.Multer.File & ReceivedFile;

function sendFile(res: Response, file: string, headers: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => res.sendFile(file, { headers, dotfiles: 'allow', cacheControl: false }, (err) => (err ? reject(err) : resolve())));
}

export function evidenceRouter(ctx: Context): Router {
  const r = Router();
  const upload = multer({
    storage: ctx.evidence.files.storage(),
    limits: { fileSize: ctx.limits.evidenceFileBytes, files: ctx.limits.evidenceFilesPerRequest, fields: 10, fieldSize: 4096, parts: ctx.limits.evidenceFilesPerRequest + 10 },
    defParamCharset: 'utf8',
  }).any();
  const receive: RequestHandler = (req, res, next) =>
    upload(req, res, (err?: unknown) => {
      const code = (err as { code?: string } | undefined)?.code;
      if (code === 'LIMIT_FILE_SIZE') return next(new AppError('TOO_LARGE', EVIDENCE_MSG.tooLarge(receiving.get(req) ?? '文件', ctx.limits.evidenceFileBytes)));
      if (code === 'LIMIT_FILE_COUNT' || code === 'LIMIT_PART_COUNT') return next(new AppError('TOO_LARGE', EVIDENCE_MSG.tooMany(ctx.limits.evidenceFilesPerRequest)));
      next(err);
    });

  const submission = (req: Request, action: 'read' | 'write') => readableSubmission(ctx.db, req, action);

  /** The evidence row and its submission, if the caller may read it; 404 otherwise (no hint that it exists). */
  const evidence = (req: Request): { row: EvidenceRow; sub: ReturnType<typeof findSubmissionRow> } => {
    const id = Number(req.params.eid);
    const row = Number.isSafeInteger(id) && id > 0 ? evidenceRow(ctx.db, id) : undefined;
    if (!row) throw new AppError('NOT_FOUND', EVIDENCE_MSG.notFound);
    const sub = findSubmissionRow(ctx.db, row.submission_id);
    if (!req.actor || !can(req.actor, 'read', { district: sub.district, unit: sub.unit })) throw new AppError('NOT_FOUND', EVIDENCE_MSG.notFound);
    return { row, sub };
  };

  r.get('/submissions/:id/evidence', (req, res) => {
    const sub = submission(req, 'read');
    const v = req.query.version;
    const version = v === undefined || v === '' ? undefined : Number(v);
    if (version !== undefined && (!Number.isInteger(version) || version < 1 || version > sub.latest_version)) fail('BAD_REQUEST', `版本号须为 1 到 ${sub.latest_version} 的整数`);
    const usage = unitUsage(ctx.db, sub.unit, sub.district);
    res.json({
      id: sub.id, version: version ?? sub.latest_version,
      items: listEvidence(ctx.db, sub.id, version).map(evidenceJson),
      returns: currentReturns(ctx.db, sub.id),
      usage: { bytes: usage.bytes, unitLimit: ctx.limits.evidenceUnitBytes, fileLimit: ctx.limits.evidenceFileBytes, filesPerUpload: ctx.limits.evidenceFilesPerRequest },
      accepted: Object.values(EVIDENCE_KINDS).map((k) => k.label),
    });
  });

  r.post(
    '/submissions/:id/evidence',
    (req, _res, next) => {
      // Who may attach, and whether the submission can take evidence now, before a byte of the files is stored.
      const sub = submission(req, 'write');
      if (sub.state === '已审核' && req.actor!.role === 'unit') throw new AppError('CONFLICT', EVIDENCE_MSG.approved);
      next();
    },
    receive,
    async (req, res) => {
      const files = (Array.isArray(req.files) ? req.files : []) as Received[];
      try {
        if (!files.length) fail('BAD_REQUEST', EVIDENCE_MSG.noFile);
        const project = Number(req.body?.project);
        const criterion = String(req.body?.criterion ?? '').trim().toUpperCase();
        if (!Number.isInteger(project) || project < 1 || !criterion) fail('BAD_REQUEST', EVIDENCE_MSG.fields);
        const sub = submission(req, 'write');
        const items = await ctx.evidence.attach({ submission: sub, project, criterion, files: files.map((f) => ({ ...f, name: safeFileName(f.originalname) })), actor: req.actor!, ip: req.ip });
        res.status(201).json({ items });
      } finally {
        await ctx.evidence.files.discard(files.map((f) => f.tmp));
      }
    },
  );

  r.get('/evidence/:eid/file', async (req, res) => {
    const { row } = evidence(req);
    const file = await ctx.evidence.exportFile(row);
    const kind = EVIDENCE_KINDS[row.kind];
    // Express writes the (UTF-8) file name; opened in the browser unless a download was asked for.
    res.attachment(evidenceDownloadName(row.name, row.criterion, row.kind));
    if (!req.query.download) res.set('Content-Disposition', res.get('Content-Disposition')!.replace(/^attachment/, 'inline'));
    await sendFile(res, path.resolve(file), {
      'Content-Type': kind.mime,
      'Cache-Control': 'private, max-age=86400',
      'X-Content-Type-Options': 'nosniff',
    });
  });

  r.get('/evidence/:eid/thumb', async (req, res) => {
    const { row } = evidence(req);
    if (row.kind !== 'jpeg' && row.kind !== 'png') fail('NOT_FOUND', `${EVIDENCE_KINDS[row.kind].label}没有缩略图，请打开文件查看`);
    await sendFile(res, path.resolve(await ctx.evidence.thumb(row)), { 'Content-Type': 'image/webp', 'Cache-Control': 'private, max-age=86400' });
  });

  r.delete('/evidence/:eid', async (req, res) => {
    const { row, sub } = evidence(req);
    authorize(req.actor, 'write', { district: sub.district, unit: sub.unit });
    const out = await ctx.evidence.remove(row, sub, req.actor!, req.ip);
    res.json({ ...out, usage: { bytes: unitUsage(ctx.db, sub.unit, sub.district).bytes, unitLimit: ctx.limits.evidenceUnitBytes } });
  });
  return r;
}
