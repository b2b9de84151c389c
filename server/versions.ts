/**
 * Stored versions: the one query for "the latest version of each submission", and the summary every version gets
 * when it is stored (table version_summaries; migration 4 backfilled the older versions). Lists, figures and the
 * per-unit quota read summaries only; the detail of one submission, diffs and exports read stored bodies.
 *
 * Summaries are a table of their own rather than columns of `versions`: SQLite stores a row's columns in order, and
 * reaching a column after a large body means walking the body's overflow pages, which is what lists must not do.
 */
import type { DB } from './db';
import { dataVersion, stmt } from './db';
import { resolveEntries, type Resolution } from '../core/identity';
import type { VersionSummary } from './db/summaries';

export { summarize, writeSummary, type ProjectSummary, type VersionSummary, type Achieved, type SummaryColumns } from './db/summaries';

/**
 * Each submission `s` joined with its latest version `v` — the stored version (`versions`, with its body) or its
 * summary (`version_summaries`): the only place that says which version is current.
 */
export const latestJoin = (table: 'versions' | 'version_summaries', versionsFirst = false): string =>
  versionsFirst
    ? `${table} v CROSS JOIN submissions s ON v.submission_id = s.id AND v.version = s.latest_version`
    : `submissions s JOIN ${table} v ON v.submission_id = s.id AND v.version = s.latest_version`;

/**
 * Rows of the latest versions with the given columns, filtered by `where` (SQL over s and v) when given.
 * `versionsFirst`: SQLite walks the version table and looks each submission up (CROSS JOIN fixes that order), for a
 * filter on the versions that a sort over the submissions' index would otherwise apply row by row in that index's
 * order, reading the versions at random (a search: 14 ms instead of 30 at 10,000).
 */
export function latestRows<T>(db: DB, table: 'versions' | 'version_summaries', columns: string, where: string[] = [], args: unknown[] = [], order = '', versionsFirst = false): T[] {
  return stmt(db, `SELECT ${columns} FROM ${latestJoin(table, versionsFirst)} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${order}`).all(...args) as T[];
}

/** A latest version as the identity rules see it, from its summary (no stored body is read). */
export interface SummaryEntry {
  id: string;
  unitKey: string;
  submission: VersionSummary;
  version: number;
  submittedAt: string;
  label: string;
}

interface SummaryRow {
  id: string;
  unit_key: string;
  latest_version: number;
  submitted_at: string;
  file_name: string | null;
  summary: string;
}

export const entryLabel = (id: string, fileName: string | null): string => `${fileName ?? '加载项／JSON'}（提交编号 ${id}）`;

/** Latest versions (of some units, or of one 旗县区, or all) as summary entries. */
export function summaryEntries(db: DB, scope: { unitKeys?: readonly string[]; district?: string } = {}): SummaryEntry[] {
  const where: string[] = [];
  const args: unknown[] = [];
  if (scope.district) {
    where.push('s.district = ?');
    args.push(scope.district);
  }
  const keys = scope.unitKeys;
  if (keys && keys.length === 0) return [];
  // Many units (the 秘书处's list): read all rather than bind hundreds of parameters.
  if (keys && keys.length <= 200) {
    where.push(`s.unit_key IN (${keys.map(() => '?').join(',')})`);
    args.push(...keys);
  }
  const wanted = keys ? new Set(keys) : undefined;
  return latestRows<SummaryRow>(db, 'version_summaries', 's.id, s.unit_key, s.latest_version, v.submitted_at, v.file_name, v.summary', where, args)
    .filter((r) => !wanted || wanted.has(r.unit_key))
    .map((r) => ({ id: r.id, unitKey: r.unit_key, submission: JSON.parse(r.summary) as VersionSummary, version: r.latest_version, submittedAt: r.submitted_at, label: entryLabel(r.id, r.file_name) }));
}

/**
 * Bytes stored for one unit (core/limits.ts unitStoredBytes): the content of its versions still kept, plus each
 * original file they use once.
 */
export function unitStoredBytes(db: DB, unitKey: string): number {
  const row = stmt(db, `SELECT
        (SELECT COALESCE(SUM(v.body_bytes), 0) FROM version_summaries v JOIN submissions s ON s.id = v.submission_id WHERE s.unit_key = ?) +
        (SELECT COALESCE(SUM(f.size), 0) FROM files f WHERE f.sha256 IN (SELECT v.file_sha256 FROM version_summaries v JOIN submissions s ON s.id = v.submission_id WHERE s.unit_key = ? AND v.file_sha256 IS NOT NULL)) AS n`)
    .get(unitKey, unitKey) as { n: number };
  return row.n;
}

/**
 * Keeps the content of the newest `kept` versions of a submission: older versions keep their record (number, time,
 * who, content hash, scores and summary) but lose their body, issues and original file (the file itself leaves the
 * database when no kept version uses it). Returns the versions pruned now.
 */
export function pruneVersions(db: DB, id: string, latest: number, kept: number, now: string): number[] {
  const upTo = latest - kept;
  if (upTo < 1) return [];
  const old = stmt(db, 'SELECT version, file_sha256 FROM version_summaries WHERE submission_id = ? AND version <= ? AND body_bytes > 0').all(id, upTo) as Array<{ version: number; file_sha256: string | null }>;
  if (!old.length) return [];
  const clear = stmt(db, "UPDATE versions SET body = '', issues = '[]', file_sha256 = NULL, pruned_at = ? WHERE submission_id = ? AND version = ?");
  const clearSummary = stmt(db, 'UPDATE version_summaries SET body_bytes = 0, file_sha256 = NULL WHERE submission_id = ? AND version = ?');
  for (const v of old) {
    clear.run(now, id, v.version);
    clearSummary.run(id, v.version);
  }
  const drop = stmt(db, 'DELETE FROM files WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM version_summaries WHERE file_sha256 = ?)');
  for (const sha of new Set(old.map((v) => v.file_sha256).filter((s): s is string => Boolean(s)))) drop.run(sha, sha);
  return old.map((v) => v.version);
}

/** Every latest version as a summary entry, with the identity rules applied (重复项目), per data version. */
export interface Resolved {
  entries: ReadonlyMap<string, SummaryEntry>;
  resolution: Resolution<SummaryEntry>;
  /** Projects of each submission counted in another submission of the same unit. */
  lost: ReadonlyMap<string, number>;
}

const resolved = new WeakMap<DB, Resolved & { version: number }>();

/**
 * The identity rules over all latest versions, computed once per data version (every write that changes what is
 * stored bumps it, as the export cache relies on too): lists and figures of any scope read from it.
 */
export function resolvedSummaries(db: DB): Resolved {
  const version = dataVersion(db);
  const hit = resolved.get(db);
  if (hit?.version === version) return hit;
  const list = summaryEntries(db);
  const resolution = resolveEntries(list);
  const lost = new Map<string, number>();
  for (const d of resolution.duplicates) lost.set(d.entry.id, (lost.get(d.entry.id) ?? 0) + 1);
  const out = { version, entries: new Map(list.map((e) => [e.id, e])), resolution, lost };
  resolved.set(db, out);
  return out;
}
