/**
 * Stored submissions: versions, idempotent resends, review states and the queries behind lists, diffs and exports.
 * Every write is one IMMEDIATE transaction that also appends to the audit log and bumps the data version.
 *
 * Identity (core/identity.ts): a submission is keyed by (unit_key, workbook_id). The unit is the account's own for a
 * unit account; for a 旗县区 or the 秘书处 uploading on a unit's behalf (代为上传) it is the 填报单位 read from the
 * file, which the route has checked belongs to the account's 旗县区. The same template copy sent by three units is
 * three submissions; the same unit re-sending its workbook is a new version (identical content: no-op). The first
 * pair to use a workbook id keeps it as the server id (so single-unit workbooks keep their URLs); a later pair with
 * the same workbook id gets a derived, stable id. The API always answers the server id.
 */
import crypto from 'node:crypto';
import type { DB } from './db';
import { bumpDataVersion } from './db';
import { audit, auditFor } from './audit';
import { AppError } from './errors';
import type { Actor, State } from './model';
import type { Submission } from '../core/schema';
import type { Issue } from '../core/issues';
import { scoreSubmission, type ProjectScore } from '../core/score';
import { currentRubric } from '../core/rubric';
import { FIELD_LABELS } from '../core/messages';
import type { MergeEntry } from '../core/node/workbook/merge';
import { derivedSubmissionId, resolveEntries, unitKey, IDENTITY_MSG } from '../core/identity';
import { evidenceCounts } from './evidence';

/** Canonical JSON (sorted keys) of what was submitted, without its channel: the same content from Excel or the add-in is the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(s: Submission): string {
  const { source: _source, ...content } = s;
  return crypto.createHash('sha256').update(canonical(content)).digest('hex');
}

export interface StoreInput {
  submission: Submission;
  issues: Issue[];
  file?: { bytes: Uint8Array; name: string };
  actor: Actor;
  ip?: string;
  deadline: string;
}

export interface StoreResult {
  /** The server's id of the submission (use it in every later request). */
  id: string;
  /** The workbook copy's own id (its _meta UUID). */
  workbookId: string;
  /** Stored by a 旗县区 or the 秘书处 for the unit (代为上传). */
  onBehalf: boolean;
  version: number;
  unchanged: boolean;
  state: State;
  late: boolean;
  unit: string;
  district: string;
  scores: ProjectScore[];
  issues: Issue[];
}

interface SubmissionRow {
  id: string;
  workbook_id: string;
  unit_key: string;
  unit: string;
  district: string;
  state: State;
  return_reason: string | null;
  latest_version: number;
  late: number;
  created_at: string;
  updated_at: string;
}

interface VersionRow {
  submission_id: string;
  version: number;
  content_hash: string;
  body: string;
  scores: string;
  issues: string;
  source: string;
  file_sha256: string | null;
  file_name: string | null;
  late: number;
  created_by_name: string | null;
  created_at: string;
}

/** Who the submission belongs to: the unit account itself, or the unit named in the file (代为上传). */
export function ownerOf(actor: Actor, submission: Submission): { unit: string; district: string; key: string; onBehalf: boolean } {
  if (actor.role === 'unit' && actor.unit && actor.district) return { unit: actor.unit, district: actor.district, key: unitKey(actor.unit, actor.district), onBehalf: false };
  return { unit: submission.reporter.unit, district: submission.reporter.district, key: unitKey(submission.reporter.unit, submission.reporter.district), onBehalf: true };
}

export function storeSubmission(db: DB, input: StoreInput): StoreResult {
  const { submission, actor } = input;
  const hash = contentHash(submission);
  const scores = scoreSubmission(submission, currentRubric());
  const now = new Date().toISOString();
  const late = now > new Date(input.deadline).toISOString();
  const owner = ownerOf(actor, submission);
  const workbookId = submission.submissionId;
  const behalf = owner.onBehalf ? { onBehalfOf: owner.unit } : {};
  return db.transaction((): StoreResult => {
    const existing = db.prepare('SELECT * FROM submissions WHERE unit_key = ? AND workbook_id = ?').get(owner.key, workbookId) as SubmissionRow | undefined;
    const result = (row: SubmissionRow, version: number, unchanged: boolean): StoreResult => ({
      id: row.id, workbookId, onBehalf: owner.onBehalf, version, unchanged, state: row.state, late: row.late === 1, unit: row.unit, district: row.district, scores,
      issues: [...input.issues, ...duplicateIssues(db, row.id)],
    });
    if (existing) {
      const latest = db.prepare('SELECT content_hash FROM versions WHERE submission_id = ? AND version = ?').get(existing.id, existing.latest_version) as { content_hash: string };
      if (latest.content_hash === hash) {
        audit(db, actor, owner.onBehalf ? '代为上传（内容未变）' : '重复提交（内容未变）', existing.id, { version: existing.latest_version, ...behalf }, input.ip);
        return result(existing, existing.latest_version, true);
      }
    }
    let fileSha: string | null = null;
    if (input.file) {
      fileSha = crypto.createHash('sha256').update(input.file.bytes).digest('hex');
      db.prepare('INSERT OR IGNORE INTO files (sha256, size, bytes, created_at) VALUES (?, ?, ?, ?)').run(fileSha, input.file.bytes.byteLength, Buffer.from(input.file.bytes), now);
    }
    const version = (existing?.latest_version ?? 0) + 1;
    const state: State = '已提交';
    let id: string;
    if (existing) {
      id = existing.id;
      db.prepare('UPDATE submissions SET state = ?, return_reason = NULL, latest_version = ?, late = ?, updated_at = ? WHERE id = ?').run(state, version, late ? 1 : existing.late, now, id);
    } else {
      const taken = db.prepare('SELECT 1 FROM submissions WHERE id = ?').get(workbookId);
      id = taken ? derivedSubmissionId(owner.key, workbookId) : workbookId;
      db.prepare('INSERT INTO submissions (id, workbook_id, unit_key, unit, district, state, latest_version, late, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        id, workbookId, owner.key, owner.unit, owner.district, state, version, late ? 1 : 0, now, now,
      );
    }
    db.prepare(
      'INSERT INTO versions (submission_id, version, content_hash, body, scores, issues, source, file_sha256, file_name, late, created_by, created_by_name, created_at, on_behalf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ).run(id, version, hash, JSON.stringify(submission), JSON.stringify(scores), JSON.stringify(input.issues), submission.source, fileSha, input.file?.name ?? null, late ? 1 : 0, actor.id, actor.name, now, owner.onBehalf ? 1 : 0);
    const action = owner.onBehalf ? '代为上传' : version === 1 ? '提交申报' : existing?.state === '退回修改' ? '退回后重新提交' : '提交新版本';
    audit(db, actor, action, id, {
      version, projects: submission.projects.length, source: submission.source, file: input.file?.name, late, contentHash: hash, ...behalf,
      ...(id !== workbookId ? { workbookId } : {}),
    }, input.ip);
    bumpDataVersion(db);
    return result(db.prepare('SELECT * FROM submissions WHERE id = ?').get(id) as SubmissionRow, version, false);
  }).immediate();
}

export interface UnitEntry extends MergeEntry {
  id: string;
  label: string;
}

/** Latest versions of every submission of the given units, as consolidation entries. */
function unitEntries(db: DB, keys: readonly string[]): UnitEntry[] {
  if (keys.length === 0) return [];
  // Many units (the 秘书处's list): read all rather than bind hundreds of parameters.
  const some = keys.length <= 200;
  const rows = db
    .prepare(`SELECT s.id, s.unit_key, s.state, s.latest_version, s.late, v.created_at, v.body, v.file_name FROM submissions s JOIN versions v ON v.submission_id = s.id AND v.version = s.latest_version ${some ? `WHERE s.unit_key IN (${keys.map(() => '?').join(',')})` : ''}`)
    .all(...(some ? keys : [])) as Array<EntryRow & { unit_key: string }>;
  const wanted = new Set(keys);
  return rows.filter((r) => wanted.has(r.unit_key)).map(toEntry);
}

interface EntryRow {
  id: string;
  state: string;
  latest_version: number;
  late: number;
  created_at: string;
  body: string;
  file_name: string | null;
}

const toEntry = (r: EntryRow): UnitEntry => ({
  id: r.id, submission: JSON.parse(r.body) as Submission, state: r.state, version: r.latest_version, late: r.late === 1, submittedAt: r.created_at,
  sourceFile: r.file_name ?? '加载项／JSON', label: `${r.file_name ?? '加载项／JSON'}（提交编号 ${r.id}）`,
});

/**
 * 重复项目 of one submission: projects that also appear in another submission of the same unit, with where each
 * counts (the later submission). Shown to the unit and its reviewer only; both submissions are that unit's own.
 */
export function duplicatesOf(db: DB, id: string): Array<{ seq: number; projectName: string; otherId: string; counted: boolean }> {
  const row = db.prepare('SELECT unit_key FROM submissions WHERE id = ?').get(id) as { unit_key: string } | undefined;
  if (!row) return [];
  const entries = unitEntries(db, [row.unit_key]);
  if (entries.length < 2) return [];
  const { duplicates } = resolveEntries(entries);
  return duplicates
    .filter((d) => d.entry.id === id || d.keptIn.id === id)
    .map((d) => (d.entry.id === id ? { seq: d.project.seq, projectName: d.project.projectName, otherId: d.keptIn.id, counted: false } : {
      seq: d.keptIn.submission.projects.find((p) => p.projectName === d.project.projectName)?.seq ?? d.project.seq, projectName: d.project.projectName, otherId: d.entry.id, counted: true,
    }));
}

function duplicateIssues(db: DB, id: string): Issue[] {
  return duplicatesOf(db, id).map((d) => ({ severity: 'warning', field: 'projects', message: IDENTITY_MSG.duplicateIssue(d.seq, d.projectName, `提交编号 ${d.otherId}`, d.counted) }));
}

export function findSubmissionRow(db: DB, id: string): SubmissionRow {
  const row = db.prepare('SELECT * FROM submissions WHERE id = ?').get(id) as SubmissionRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', `找不到提交编号为 ${id} 的申报`);
  return row;
}

function versionRow(db: DB, id: string, version: number): VersionRow {
  const row = db.prepare('SELECT * FROM versions WHERE submission_id = ? AND version = ?').get(id, version) as VersionRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', `申报 ${id} 没有第 ${version} 版`);
  return row;
}

export function submissionDetail(db: DB, id: string) {
  const row = findSubmissionRow(db, id);
  const latest = versionRow(db, id, row.latest_version);
  const versions = (db.prepare('SELECT version, created_at, content_hash, source, created_by_name, file_name, late, on_behalf FROM versions WHERE submission_id = ? ORDER BY version').all(id) as Array<Record<string, unknown>>).map((v) => ({
    version: v.version, createdAt: v.created_at, contentHash: v.content_hash, source: v.source, byName: v.created_by_name, fileName: v.file_name, late: v.late === 1, onBehalf: v.on_behalf === 1,
  }));
  const duplicates = duplicatesOf(db, id);
  return {
    id: row.id, workbookId: row.workbook_id, unit: row.unit, district: row.district, state: row.state, late: row.late === 1, version: row.latest_version,
    ...(row.return_reason ? { returnReason: row.return_reason } : {}),
    submittedAt: row.created_at, updatedAt: row.updated_at,
    submission: JSON.parse(latest.body) as Submission,
    scores: JSON.parse(latest.scores) as ProjectScore[],
    issues: [...(JSON.parse(latest.issues) as Issue[]), ...duplicateIssues(db, id)],
    /** Projects also in another submission of the same unit (重复项目); `counted` says whether this one counts. */
    duplicates,
    hasFile: Boolean(latest.file_sha256),
    versions,
    audit: auditFor(db, id),
  };
}

export function originalFile(db: DB, id: string, version?: number): { bytes: Buffer; name: string } | undefined {
  const row = findSubmissionRow(db, id);
  const v = versionRow(db, id, version ?? row.latest_version);
  if (!v.file_sha256) return undefined;
  const f = db.prepare('SELECT bytes FROM files WHERE sha256 = ?').get(v.file_sha256) as { bytes: Buffer };
  return { bytes: f.bytes, name: v.file_name ?? `${id}.xlsx` };
}

export interface ListFilters {
  district?: string;
  state?: string;
  met?: boolean;
  late?: boolean;
  q?: string;
  /** Only this unit (a unit account's own submissions), as core/identity.ts's unitKey. */
  unitKey?: string;
}

export function listSubmissions(db: DB, f: ListFilters) {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (clause: string, value: unknown) => {
    where.push(clause);
    args.push(value);
  };
  if (f.district) add('s.district = ?', f.district);
  if (f.unitKey) add('s.unit_key = ?', f.unitKey);
  if (f.state) add('s.state = ?', f.state);
  if (f.late !== undefined) add('s.late = ?', f.late ? 1 : 0);
  const rows = db
    .prepare(`SELECT s.*, v.body, v.scores FROM submissions s JOIN versions v ON v.submission_id = s.id AND v.version = s.latest_version ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.updated_at DESC`)
    .all(...args) as Array<SubmissionRow & { body: string; scores: string }>;
  const q = f.q?.trim().toLowerCase();
  // 重复项目 per listed submission: projects counted in another submission of the same unit.
  const { duplicates } = resolveEntries(unitEntries(db, [...new Set(rows.map((r) => r.unit_key))]));
  const lost = new Map<string, number>();
  for (const d of duplicates) lost.set(d.entry.id, (lost.get(d.entry.id) ?? 0) + 1);
  return rows
    .map((r) => {
      const scores = JSON.parse(r.scores) as ProjectScore[];
      const sub = JSON.parse(r.body) as Submission;
      return {
        item: {
          id: r.id, unit: r.unit, district: r.district, state: r.state, late: r.late === 1, version: r.latest_version,
          projects: scores.length,
          avgRate: scores.length ? Math.round((scores.reduce((n, s) => n + s.rate, 0) / scores.length) * 10000) / 10000 : 0,
          metCount: scores.filter((s) => s.met).length,
          duplicateProjects: lost.get(r.id) ?? 0,
          submittedAt: r.created_at, updatedAt: r.updated_at,
          ...(r.return_reason ? { returnReason: r.return_reason } : {}),
          projectNames: sub.projects.map((p) => p.projectName),
        },
        text: [r.unit, r.district, r.id, ...sub.projects.flatMap((p) => [p.projectName, p.enterprise, p.address, p.leader])].join('\n').toLowerCase(),
      };
    })
    .filter((x) => (f.met === undefined ? true : f.met ? x.item.metCount > 0 : x.item.metCount === 0))
    .filter((x) => !q || x.text.includes(q))
    .map((x) => x.item);
}

export function review(db: DB, id: string, action: 'return' | 'approve', actor: Actor, ip: string | undefined, reason?: string) {
  return db.transaction(() => {
    const row = findSubmissionRow(db, id);
    if (action === 'approve') {
      if (row.state === '退回修改') throw new AppError('CONFLICT', '该申报已退回修改，需等待填报单位重新提交后才能审核通过');
      if (row.state === '已审核') return { id, state: row.state as State };
      db.prepare("UPDATE submissions SET state = '已审核', return_reason = NULL, updated_at = ? WHERE id = ?").run(new Date().toISOString(), id);
      audit(db, actor, '审核通过', id, { version: row.latest_version }, ip);
    } else {
      db.prepare("UPDATE submissions SET state = '退回修改', return_reason = ?, updated_at = ? WHERE id = ?").run(reason, new Date().toISOString(), id);
      audit(db, actor, '退回修改', id, { version: row.latest_version, reason }, ip);
    }
    bumpDataVersion(db);
    const after = findSubmissionRow(db, id);
    return { id, state: after.state, ...(after.return_reason ? { returnReason: after.return_reason } : {}) };
  }).immediate();
}

const PROJECT_FIELDS = ['enterprise', 'projectName', 'address', 'scale', 'leader', 'phone', 'startDate', 'endDate', 'district', 'remark'] as const;
const REPORTER_FIELDS = ['unit', 'district', 'contact', 'phone', 'date'] as const;

export function diffVersions(db: DB, id: string, from: number, to: number) {
  findSubmissionRow(db, id);
  const a = JSON.parse(versionRow(db, id, from).body) as Submission;
  const b = JSON.parse(versionRow(db, id, to).body) as Submission;
  const fields: Array<{ project: number | null; field: string; label: string; before: string; after: string }> = [];
  const answers: Array<{ project: number; criterion: string; before: string; after: string }> = [];
  for (const f of REPORTER_FIELDS) {
    const [x, y] = [a.reporter[f] ?? '', b.reporter[f] ?? ''];
    if (x !== y) fields.push({ project: null, field: `reporter.${f}`, label: `填报信息 · ${FIELD_LABELS[f]}`, before: String(x), after: String(y) });
  }
  const seqs = [...new Set([...a.projects.map((p) => p.seq), ...b.projects.map((p) => p.seq)])].sort((x, y) => x - y);
  for (const seq of seqs) {
    const pa = a.projects.find((p) => p.seq === seq);
    const pb = b.projects.find((p) => p.seq === seq);
    if (!pa || !pb) {
      fields.push({ project: seq, field: 'project', label: `项目 ${seq}`, before: pa ? pa.projectName : '（无）', after: pb ? pb.projectName : '（已删除）' });
      continue;
    }
    for (const f of PROJECT_FIELDS) {
      const [x, y] = [pa[f] ?? '', pb[f] ?? ''];
      if (x !== y) fields.push({ project: seq, field: f, label: FIELD_LABELS[f], before: String(x), after: String(y) });
    }
    for (const c of currentRubric().criteria) {
      const [x, y] = [pa.answers[c.id] ?? '', pb.answers[c.id] ?? ''];
      if (x !== y) answers.push({ project: seq, criterion: c.id, before: x || '未填', after: y || '未填' });
    }
  }
  return { from, to, fields, answers };
}

/** Latest version of every submission (optionally one district), ready for the merge (which counts each project once). */
export function latestEntries(db: DB, district?: string): UnitEntry[] {
  const rows = db
    .prepare(`SELECT s.id, s.state, s.latest_version, s.late, v.created_at, v.body, v.file_name FROM submissions s JOIN versions v ON v.submission_id = s.id AND v.version = s.latest_version ${district ? 'WHERE s.district = ?' : ''}`)
    .all(...(district ? [district] : [])) as EntryRow[];
  // With the 佐证 count per project × criterion (细则明细).
  return rows.map((r) => ({ ...toEntry(r), evidence: evidenceCounts(db, r.id) }));
}
