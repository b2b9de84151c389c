/**
 * Stored submissions: versions, idempotent resends, the per-unit quota, review states and the queries behind lists,
 * details and exports (lists read the summaries of server/versions.ts; diffs are in server/diff.ts).
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
import { bumpDataVersion, stmt } from './db';
import { audit, auditFor, lastReviewReturned } from './audit';
import { AppError } from './errors';
import type { Actor, OlderVersionDetails, State } from './model';
import type { Submission } from '../core/schema';
import type { Issue } from '../core/issues';
import { scoreSubmission, type ProjectScore } from '../core/score';
import { currentRubric } from '../core/rubric';
import type { MergeEntry } from '../core/node/workbook/merge';
import { derivedSubmissionId, resolveEntries, unitKey, IDENTITY_MSG } from '../core/identity';
import { DEFAULT_LIMITS, formatBytes, type Limits } from '../core/limits';
import { evidenceCounts } from './evidence';
import { entryLabel, latestRows, pruneVersions, resolvedSummaries, summarize, summaryEntries, unitStoredBytes, writeSummary } from './versions';

export const QUOTA_MSG = {
  unitBytes: (after: number, max: number) =>
    `保存这一份后，本单位的申报（各份申报最近的版本及其上传的原始文件）将达到 ${formatBytes(after)}，超过每个单位 ${formatBytes(max)} 的上限，本次未保存（已保存的申报不受影响）：请删除工作簿中无关的工作表和图片后重新上传，或联系联盟秘书处调整上限`,
  pruned: (id: string, version: number, kept: number) =>
    `申报 ${id} 的第 ${version} 版只保留了记录（时间、提交人、得分），内容已按保留规则清除：每份申报保留最近 ${kept} 个版本的内容`,
} as const;

export const STORE_MSG = {
  /** A file uploaded on one 申报's page (after a 退回) that belongs to another 申报, or is a new one. */
  otherWorkbook:
    `这个文件不是这份申报的工作簿，本次未保存：它是另一份工作簿（例如重新下载的空白申报工作簿）。请在本页点“下载标注问题的工作簿”，在下载的工作簿中修改、保存后再上传；如果它本来就是另一份申报，请回到首页上传（单位在“我的申报”，旗县区在“代为上传”）`,
  /**
   * The upload repeats an older version's content while a newer one is stored (a stale e-mail attachment). The answer
   * carries the same facts as `details` (server/model.ts OlderVersionDetailsSchema).
   */
  olderVersion: ({ unit, olderVersion: older, latestVersion: latest, state }: OlderVersionDetails) =>
    `这个文件与“${unit}”这份申报的第 ${older} 版内容相同，而服务器上已有更新的第 ${latest} 版（${state}）：本次未保存，以免旧文件替换新版本${state === '已审核' ? '、撤销审核' : ''}。请上传最新的文件；如确实要改回第 ${older} 版的内容，请在文件中改好后重新上传`,
  /** A restore confirmed while the 申报 was at `seen`, which has moved on since (another upload in between). */
  restoreMoved: (unit: string, seen: number, latest: number) =>
    `恢复未进行，本次未保存：确认恢复时“${unit}”这份申报最新是第 ${seen} 版，其间又上传了第 ${latest} 版。请先查看第 ${latest} 版，需要时再上传这个文件重新决定`,
} as const;

/** Canonical JSON (sorted keys) of what was submitted, without its channel: the same content from Excel or the add-in is the same. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    // One pass over sorted keys (no intermediate arrays): this runs on every upload.
    const o = value as Record<string, unknown>;
    let out = '{';
    for (const k of Object.keys(o).sort()) {
      const v = o[k];
      if (v === undefined) continue;
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(k)}:${canonical(v)}`;
    }
    return `${out}}`;
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
  /** Versions kept in full and bytes stored per unit (default: core/limits.ts). */
  limits?: Pick<Limits, 'versionsKept' | 'unitStoredBytes'>;
  /**
   * The submission the file was uploaded for (the upload on a returned 申报's page): a file that would be stored as
   * another submission, or as a new one, is refused and nothing is stored.
   */
  target?: string;
  /**
   * Store content equal to an older version (not the latest) as a new version anyway (`?restore=1`): without it such
   * an upload made for a unit (代为上传) is refused (OLDER_VERSION), so a stale attachment sent again never replaces a
   * newer or approved version. A unit's own uploads are not checked.
   */
  restore?: boolean;
  /**
   * With `restore`: the latest version the person saw when they decided to restore (`&latest=N`, the refusal's
   * latestVersion). When another version has come since, nothing is stored (CONFLICT): the restore would replace
   * a version nobody looked at.
   */
  restoreOver?: number;
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
  /** This new version replaced one that had been approved (已审核): the 申报 is to be reviewed again. */
  reopened: boolean;
  /**
   * Stored deliberately with the content of this older version (`?restore=1` on an upload made for the unit whose
   * content equals an older version): the versions in between are kept.
   */
  restoredFrom?: number;
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
  pruned_at: string | null;
}

/** Who the submission belongs to: the unit account itself, or the unit named in the file (代为上传). */
export function ownerOf(actor: Actor, submission: Submission): { unit: string; district: string; key: string; onBehalf: boolean } {
  if (actor.role === 'unit' && actor.unit && actor.district) return { unit: actor.unit, district: actor.district, key: unitKey(actor.unit, actor.district), onBehalf: false };
  return { unit: submission.reporter.unit, district: submission.reporter.district, key: unitKey(submission.reporter.unit, submission.reporter.district), onBehalf: true };
}

/** What storing a submission computes before its transaction (hash, scores, stored JSON): no database needed. */
interface Prepared {
  input: StoreInput;
  hash: string;
  scores: ProjectScore[];
  body: string;
  scoresJson: string;
  issuesJson: string;
  fileSha: string | null;
  late: boolean;
  owner: ReturnType<typeof ownerOf>;
}

function prepareStore(input: StoreInput): Prepared {
  const { submission } = input;
  const scores = scoreSubmission(submission, currentRubric());
  return {
    input, scores,
    hash: contentHash(submission),
    body: JSON.stringify(submission),
    scoresJson: JSON.stringify(scores),
    issuesJson: JSON.stringify(input.issues),
    fileSha: input.file ? crypto.createHash('sha256').update(input.file.bytes).digest('hex') : null,
    late: new Date().toISOString() > new Date(input.deadline).toISOString(),
    owner: ownerOf(input.actor, submission),
  };
}

/** The writes of one store, inside the caller's transaction (all of it rolls back when this throws). */
function storeIn(db: DB, p: Prepared): StoreResult {
  const { input, owner, hash, scores, late, fileSha } = p;
  const { submission, actor } = input;
  const now = new Date().toISOString();
  const workbookId = submission.submissionId;
  const behalf = owner.onBehalf ? { onBehalfOf: owner.unit } : {};
  const existing = stmt(db, 'SELECT * FROM submissions WHERE unit_key = ? AND workbook_id = ?').get(owner.key, workbookId) as SubmissionRow | undefined;
  // The message names nothing of the target: the caller may not be allowed to read it.
  if (input.target !== undefined && existing?.id !== input.target) throw new AppError('CONFLICT', STORE_MSG.otherWorkbook);
  let restoredFrom: number | undefined;
  const result = (row: SubmissionRow, version: number, unchanged: boolean): StoreResult => ({
    id: row.id, workbookId, onBehalf: owner.onBehalf, version, unchanged, reopened: !unchanged && existing?.state === '已审核', state: row.state, late: row.late === 1, unit: row.unit, district: row.district, scores,
    ...(restoredFrom ? { restoredFrom } : {}),
    issues: [...input.issues, ...duplicateIssues(db, row.id)],
  });
  if (existing) {
    if (input.restore && input.restoreOver !== undefined && input.restoreOver !== existing.latest_version) {
      throw new AppError('CONFLICT', STORE_MSG.restoreMoved(existing.unit, input.restoreOver, existing.latest_version));
    }
    const latest = stmt(db, 'SELECT content_hash FROM versions WHERE submission_id = ? AND version = ?').get(existing.id, existing.latest_version) as { content_hash: string };
    if (latest.content_hash === hash) {
      audit(db, actor, owner.onBehalf ? '代为上传（内容未变）' : '重复提交（内容未变）', existing.id, { version: existing.latest_version, ...behalf }, input.ip);
      return result(existing, existing.latest_version, true);
    }
    // Only an upload made for the unit (代为上传: `import --server`, the dashboard's 代为上传) is checked: that is
    // where stale e-mail attachments come from. A unit's own upload or sync is its current intent, and going back to
    // what it had before (an answer changed and changed back) is a new version like any other.
    const older = !owner.onBehalf ? undefined : stmt(db, 'SELECT MAX(version) AS version FROM versions WHERE submission_id = ? AND content_hash = ? AND version < ?').get(existing.id, hash, existing.latest_version) as { version: number | null } | undefined;
    // Thrown inside the store's transaction: nothing of this upload is written (the file neither).
    if (older?.version && !input.restore) {
      const details = { unit: existing.unit, olderVersion: older.version, latestVersion: existing.latest_version, state: existing.state };
      throw new AppError('OLDER_VERSION', STORE_MSG.olderVersion(details), undefined, details);
    }
    // Restored on purpose (`?restore=1`): the answer and the audit row say which version's content this is.
    if (older?.version) restoredFrom = older.version;
  }
  if (input.file && fileSha) {
    stmt(db, 'INSERT OR IGNORE INTO files (sha256, size, bytes, created_at) VALUES (?, ?, ?, ?)').run(fileSha, input.file.bytes.byteLength, Buffer.from(input.file.bytes.buffer, input.file.bytes.byteOffset, input.file.bytes.byteLength), now);
  }
  const version = (existing?.latest_version ?? 0) + 1;
  const state: State = '已提交';
  let row: SubmissionRow;
  if (existing) {
    row = { ...existing, state, return_reason: null, latest_version: version, late: late ? 1 : existing.late, updated_at: now };
    stmt(db, 'UPDATE submissions SET state = ?, return_reason = NULL, latest_version = ?, late = ?, updated_at = ? WHERE id = ?').run(state, version, row.late, now, row.id);
  } else {
    const taken = stmt(db, 'SELECT 1 FROM submissions WHERE id = ?').get(workbookId);
    row = {
      id: taken ? derivedSubmissionId(owner.key, workbookId) : workbookId, workbook_id: workbookId, unit_key: owner.key, unit: owner.unit, district: owner.district,
      state, return_reason: null, latest_version: version, late: late ? 1 : 0, created_at: now, updated_at: now,
    };
    stmt(db, 'INSERT INTO submissions (id, workbook_id, unit_key, unit, district, state, latest_version, late, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
      row.id, workbookId, owner.key, owner.unit, owner.district, state, version, row.late, now, now,
    );
  }
  const id = row.id;
  stmt(
    db,
    'INSERT INTO versions (submission_id, version, content_hash, body, scores, issues, source, file_sha256, file_name, late, created_by, created_by_name, created_at, on_behalf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  ).run(id, version, hash, p.body, p.scoresJson, p.issuesJson, submission.source, fileSha, input.file?.name ?? null, late ? 1 : 0, actor.id, actor.name, now, owner.onBehalf ? 1 : 0);
  writeSummary(db, id, version, summarize(submission, scores, p.body, { id, unit: owner.unit, district: owner.district, created_at: now, file_name: input.file?.name ?? null, file_sha256: fileSha }));
  // Per-unit quota, after the version is in place and older content beyond the versions kept is cleared: a refusal
  // throws, and the transaction leaves everything as it was.
  const limits = input.limits ?? DEFAULT_LIMITS;
  const pruned = pruneVersions(db, id, version, limits.versionsKept, now);
  const stored = unitStoredBytes(db, owner.key);
  if (stored > limits.unitStoredBytes) throw new AppError('QUOTA_EXCEEDED', QUOTA_MSG.unitBytes(stored, limits.unitStoredBytes));
  const action = owner.onBehalf ? '代为上传' : version === 1 ? '提交申报' : existing?.state === '退回修改' ? '退回后重新提交' : existing?.state === '已审核' ? '审核通过后提交新版本' : '提交新版本';
  audit(db, actor, action, id, {
    version, projects: submission.projects.length, source: submission.source, file: input.file?.name, late, contentHash: hash, ...behalf, ...(restoredFrom ? { restoredFrom } : {}),
    ...(id !== workbookId ? { workbookId } : {}), ...(pruned.length ? { prunedVersions: pruned } : {}),
  }, input.ip);
  bumpDataVersion(db);
  return result(row, version, false);
}

/**
 * Stores one submission in its own IMMEDIATE transaction (committed, and durable when this returns unless the caller
 * defers the sync: the upload route runs it in GroupCommit.write and answers after GroupCommit.durable()). Hashing,
 * scoring and JSON are done before it (prepareStore). Several uploads in one transaction was measured and not adopted:
 * under `npm run bench:server` every batch held one upload (bench/results-server.md); uploads share fsyncs instead.
 */
export function storeSubmission(db: DB, input: StoreInput): StoreResult {
  const p = prepareStore(input);
  return db.transaction((): StoreResult => storeIn(db, p)).immediate();
}

export interface UnitEntry extends MergeEntry {
  id: string;
  label: string;
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
  sourceFile: r.file_name ?? '加载项／JSON', label: entryLabel(r.id, r.file_name),
});

/**
 * 重复项目 of one submission: projects that also appear in another submission of the same unit, with where each
 * counts (the later submission). Shown to the unit and its reviewer only; both submissions are that unit's own.
 */
export function duplicatesOf(db: DB, id: string): Array<{ seq: number; projectName: string; otherId: string; counted: boolean }> {
  const row = stmt(db, 'SELECT unit_key FROM submissions WHERE id = ?').get(id) as { unit_key: string } | undefined;
  if (!row) return [];
  const entries = summaryEntries(db, { unitKeys: [row.unit_key] });
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
  const row = stmt(db, 'SELECT * FROM submissions WHERE id = ?').get(id) as SubmissionRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', `找不到提交编号为 ${id} 的申报`);
  return row;
}

function versionRow(db: DB, id: string, version: number): VersionRow {
  const row = stmt(db, 'SELECT * FROM versions WHERE submission_id = ? AND version = ?').get(id, version) as VersionRow | undefined;
  if (!row) throw new AppError('NOT_FOUND', `申报 ${id} 没有第 ${version} 版`);
  return row;
}

/** A version whose content is still kept (older ones beyond core/limits.ts versionsKept keep only their record). */
export function keptVersion(db: DB, id: string, version: number): VersionRow {
  const row = versionRow(db, id, version);
  if (row.pruned_at) {
    const kept = (stmt(db, 'SELECT COUNT(*) AS n FROM version_summaries WHERE submission_id = ? AND body_bytes > 0').get(id) as { n: number }).n;
    throw new AppError('NOT_FOUND', QUOTA_MSG.pruned(id, version, kept));
  }
  return row;
}

export function submissionDetail(db: DB, id: string) {
  const row = findSubmissionRow(db, id);
  const latest = versionRow(db, id, row.latest_version);
  const versions = (stmt(db, 'SELECT version, created_at, content_hash, source, created_by_name, file_name, late, on_behalf, pruned_at FROM versions WHERE submission_id = ? ORDER BY version').all(id) as Array<Record<string, unknown>>).map((v) => ({
    version: v.version, createdAt: v.created_at, contentHash: v.content_hash, source: v.source, byName: v.created_by_name, fileName: v.file_name, late: v.late === 1, onBehalf: v.on_behalf === 1,
    /** Content cleared (only the record is kept): older than the versions kept. */
    ...(v.pruned_at ? { pruned: true } : {}),
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
  const v = keptVersion(db, id, version ?? row.latest_version);
  if (!v.file_sha256) return undefined;
  const f = stmt(db, 'SELECT bytes FROM files WHERE sha256 = ?').get(v.file_sha256) as { bytes: Buffer };
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

/**
 * The list behind the dashboard and `GET /submissions`: read from the version summaries (server/versions.ts), never
 * from stored bodies, so its cost does not grow with the size of what was submitted.
 */
export function listSubmissions(db: DB, f: ListFilters, page: { limit: number; offset: number } = { limit: -1, offset: 0 }) {
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
  if (f.met !== undefined) where.push(f.met ? 'v.met_count > 0' : 'v.met_count = 0');
  const q = f.q?.trim().toLowerCase();
  if (q) add('instr(v.search_text, ?) > 0', q);
  // Every latest version has its summary (written with it), so without a filter on the summary the submissions alone
  // are counted and paged (index submissions_updated) and only the page's summaries are read. With one (a search, 达标),
  // the summaries are scanned once for the matching ids in list order: their number is the total, and only the page's
  // rows are read then.
  const onSummary = f.met !== undefined || Boolean(q);
  // Newest first; the id breaks ties so pages never overlap or skip. LIMIT -1 is SQLite's "no limit".
  const ORDER = 'ORDER BY s.updated_at DESC, s.id';
  const COLUMNS = 's.*, v.project_count, v.avg_rate, v.met_count';
  type Row = SubmissionRow & { project_count: number; avg_rate: number; met_count: number };
  let total: number;
  let rows: Row[];
  if (onSummary) {
    const ids = latestRows<{ id: string }>(db, 'version_summaries', 's.id', where, args, ORDER, true).map((r) => r.id);
    total = ids.length;
    const pageIds = ids.slice(page.offset, page.limit < 0 ? undefined : page.offset + page.limit);
    rows = pageIds.length ? latestRows<Row>(db, 'version_summaries', COLUMNS, ['s.id IN (SELECT value FROM json_each(?))'], [JSON.stringify(pageIds)], ORDER) : [];
  } else {
    total = (stmt(db, `SELECT COUNT(*) AS n FROM submissions s ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).get(...args) as { n: number }).n;
    rows = latestRows<Row>(db, 'version_summaries', COLUMNS, where, [...args, page.limit, page.offset], `${ORDER} LIMIT ? OFFSET ?`);
  }
  // 重复项目 per listed submission: projects counted in another submission of the same unit.
  const { entries, lost } = resolvedSummaries(db);
  const items = rows.map((r) => ({
    id: r.id, unit: r.unit, district: r.district, state: r.state, late: r.late === 1, version: r.latest_version,
    projects: r.project_count,
    avgRate: r.avg_rate,
    metCount: r.met_count,
    duplicateProjects: lost.get(r.id) ?? 0,
    submittedAt: r.created_at, updatedAt: r.updated_at,
    ...(r.return_reason ? { returnReason: r.return_reason } : {}),
    projectNames: entries.get(r.id)?.submission.projects.map((p) => p.projectName) ?? [],
  }));
  return { items, total };
}

/**
 * Refuses (409, nothing changed) a review of a version other than the latest: a newer version was uploaded while the
 * reviewer looked at `seen`, and approving or returning now would act on a version nobody reviewed. Without `seen`
 * (clients older than this check) the latest version is reviewed. A return of a version that was left 退回修改 was a
 * new reason for that return (the dashboard's “修改退回原因…”; or, rarely, a second reviewer's return of it sent
 * after the first one's), and the refusal says so.
 */
export function checkReviewedVersion(db: DB, row: SubmissionRow, seen: number | undefined, action: 'approve' | 'return'): void {
  if (seen === undefined || seen === row.latest_version) return;
  const latest = row.latest_version;
  const notDone = action === 'approve' ? '本次未审核通过' : seen < latest && lastReviewReturned(db, row.id, seen) ? '未修改退回原因' : '本次未退回';
  if (seen > latest) throw new AppError('CONFLICT', `该申报最新为第 ${latest} 版，没有第 ${seen} 版，${notDone}：请刷新后查看第 ${latest} 版再审核`);
  throw new AppError('CONFLICT', `您查看的是第 ${seen} 版，在此期间已上传了新的第 ${latest} 版，${notDone}（没有任何改动）：请先查看第 ${latest} 版再审核`);
}

/**
 * 审核通过 or 退回修改 of the latest version (`version`, when given, must be it). Approving an approved submission
 * changes nothing; a returned one cannot be approved until the unit submits again. Returning a version whose return
 * stands changes its reason (recorded as 修改退回原因, with the old and the new reason), or nothing when the reason is
 * the same. The rule for repeated returns with per-criterion reasons is in returnWithCriteria.
 */
export function review(db: DB, id: string, action: 'return' | 'approve', actor: Actor, ip: string | undefined, opts: { reason?: string; version?: number } = {}) {
  return db.transaction(() => {
    const row = findSubmissionRow(db, id);
    checkReviewedVersion(db, row, opts.version, action);
    const now = new Date().toISOString();
    if (action === 'approve') {
      if (row.state === '退回修改') throw new AppError('CONFLICT', '该申报已退回修改，需等待填报单位重新提交后才能审核通过');
      if (row.state === '已审核') return { id, state: row.state as State, unchanged: true };
      stmt(db, "UPDATE submissions SET state = '已审核', return_reason = NULL, updated_at = ? WHERE id = ?").run(now, id);
      audit(db, actor, '审核通过', id, { version: row.latest_version }, ip);
    } else if (row.state === '退回修改') {
      if (row.return_reason !== opts.reason) {
        stmt(db, 'UPDATE submissions SET return_reason = ?, updated_at = ? WHERE id = ?').run(opts.reason, now, id);
        audit(db, actor, '修改退回原因', id, { version: row.latest_version, previousReason: row.return_reason, reason: opts.reason }, ip);
      }
    } else {
      stmt(db, "UPDATE submissions SET state = '退回修改', return_reason = ?, updated_at = ? WHERE id = ?").run(opts.reason, now, id);
      audit(db, actor, '退回修改', id, { version: row.latest_version, reason: opts.reason }, ip);
    }
    bumpDataVersion(db);
    const after = findSubmissionRow(db, id);
    return { id, state: after.state, ...(after.return_reason ? { returnReason: after.return_reason } : {}) };
  }).immediate();
}

/** Latest version of every submission (optionally one district), ready for the merge (which counts each project once). */
export function latestEntries(db: DB, district?: string): UnitEntry[] {
  const rows = latestRows<EntryRow>(db, 'versions', 's.id, s.state, s.latest_version, s.late, v.created_at, v.body, v.file_name', district ? ['s.district = ?'] : [], district ? [district] : []);
  // With the 佐证 count per project × criterion (细则明细).
  return rows.map((r) => ({ ...toEntry(r), evidence: evidenceCounts(db, r.id) }));
}
