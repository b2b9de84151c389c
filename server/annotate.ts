/**
 * The annotated return workbook of a submission: the unit's latest uploaded file (or, for JSON submissions, a fresh
 * template filled from the Submission), with the stored issues marked in place and the return reason on top.
 * Annotation runs in a worker thread with the parser's heap cap and time limit, so a large file never stalls the API.
 */
import type { DB } from './db';
import type { Limits } from '../core/limits';
import { AppError } from './errors';
import { originalFile, submissionDetail } from './submissions';
import { compiledScript, type JobOptions, type ParsePool } from '../core/node/workbook/pool';
import { fillTemplate } from '../core/node/workbook/fill';
import type { Issue } from '../core/issues';
import { parseWorkbook } from '../core/node/workbook/parse';
import type { AnnotateOptions } from '../core/node/workbook/annotate';
import type { AnnotateJob, AnnotateReply } from './annotate-worker';
import { returnMarks } from './criterion-returns';
import { RETURN_REASON_ACTIONS } from './audit';

const MSG = {
  timeout: '标注工作簿超时：文件过大或过于复杂，请下载原始文件查看问题清单',
  busy: '服务器正在处理较多文件，请稍后再下载标注的工作簿',
  failed: '标注工作簿失败，请稍后重试；如果一直出现，请联系联盟秘书处',
};

/** Annotates in the shared worker pool (heap cap, time limit, fair queue); refusals are Chinese 4xx/503 errors. */
export async function annotateOffThread(pool: ParsePool, bytes: Uint8Array, issues: Issue[], opts: AnnotateOptions, limits: Limits, job: JobOptions = {}): Promise<Uint8Array> {
  const payload: AnnotateJob = { bytes, issues, opts, limits };
  const out = await pool.run<AnnotateReply>({ handler: compiledScript(__filename, 'annotate-worker.js'), payload, timeMs: limits.parseMs, bytes: bytes.byteLength, ...job });
  if (out.ok) {
    if (out.value instanceof Uint8Array) return out.value;
    throw new AppError('INVALID', out.value.refused);
  }
  if (out.reason === 'timeout' || out.reason === 'memory') throw new AppError('INVALID', MSG.timeout);
  if (out.reason === 'busy' || out.reason === 'closed') throw new AppError('BUSY', MSG.busy);
  throw new Error(`${MSG.failed}（${out.reason}${out.message ? `：${out.message}` : ''}）`);
}

const beijingTime = (iso: string) => new Date(iso).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

export interface AnnotatedFile {
  bytes: Uint8Array;
  name: string;
}

/** Builds the annotated workbook for the latest version of a submission. */
export async function annotatedWorkbook(db: DB, pool: ParsePool, id: string, limits: Limits, job: JobOptions = {}): Promise<AnnotatedFile> {
  const d = submissionDetail(db, id);
  // Who set the reason standing, and when: the return, or the latest new reason for it.
  const returned = d.audit.filter((a) => (RETURN_REASON_ACTIONS as readonly string[]).includes(a.action)).at(-1);
  const opts: AnnotateOptions = {
    reason: d.state === '退回修改' ? d.returnReason : undefined,
    reviewer: d.state === '退回修改' ? returned?.actor : undefined,
    at: d.state === '退回修改' && returned ? beijingTime(returned.at) : undefined,
    marks: returnMarks(db, id),
  };
  // eslint-disable-next-line no-control-regex
  const unit = d.submission.reporter.unit.replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_').slice(0, 60);
  const f = originalFile(db, id);
  if (f && /\.xlsx$/i.test(f.name)) return { bytes: await annotateOffThread(pool, f.bytes, d.issues, opts, limits, job), name: `${f.name.replace(/\.xlsx$/i, '')}（标注）.xlsx` };
  // Sent as JSON (add-in without the file), or as a CSV / Word 回执: the same data in a fresh workbook, issues placed on its cells.
  const filled = await fillTemplate(d.submission);
  // The checks a unit gets when it uploads this workbook (e.g. 尚未自评), on their cells, plus what was stored.
  const checked = (await parseWorkbook(filled.bytes)).issues;
  // A stored issue without a cell takes the re-read one's place (and its further cells, e.g. blank answers) when they say the same.
  const located = new Map(checked.map((i) => [`${i.field}|${i.message}`, i]));
  const stored = d.issues.map((i) => (i.cell ? i : located.get(`${i.field}|${i.message}`) ?? { ...i, ...(filled.locate(i.field.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s))) ?? {}) }));
  const seen = new Set(stored.map((i) => `${i.field}|${i.message}`));
  const issues = [...stored, ...checked.filter((i) => !seen.has(`${i.field}|${i.message}`))];
  return { bytes: await annotateOffThread(pool, filled.bytes, issues, opts, limits, job), name: `${unit}（标注）.xlsx` };
}
