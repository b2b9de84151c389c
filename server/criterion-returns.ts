/**
 * Returning a submission with reasons on single criteria ("A01-1 佐证不足"): stored with the version returned,
 * shown to the unit while the submission is 退回修改, and marked on those answer cells in the annotated workbook.
 * A new return of the same version with another reason or other criteria replaces the earlier reason or marks (the
 * audit log keeps both, as 修改退回原因 / 修改退回细则); the same return again changes nothing (see returnWithCriteria).
 */
import type { DB } from './db';
import { audit } from './audit';
import { AppError } from './errors';
import type { Actor, CriterionReturn } from './model';
import { checkReviewedVersion, findSubmissionRow, review } from './submissions';
import { latestBody } from './evidence';
import { currentRubric } from '../core/rubric';
import type { AnswerMark } from '../core/node/workbook/answer-cells';

export interface StoredReturn extends CriterionReturn {
  by: string;
  at: string;
}

/** The criteria returned with the current return (empty unless the submission is 退回修改). */
export function currentReturns(db: DB, id: string): StoredReturn[] {
  const s = db.prepare('SELECT state, latest_version FROM submissions WHERE id = ?').get(id) as { state: string; latest_version: number } | undefined;
  if (!s || s.state !== '退回修改') return [];
  return (db.prepare('SELECT project_seq, criterion, reason, created_by_name, created_at FROM criterion_returns WHERE submission_id = ? AND version = ? ORDER BY project_seq, criterion').all(id, s.latest_version) as Array<{ project_seq: number; criterion: string; reason: string; created_by_name: string | null; created_at: string }>).map((r) => ({
    project: r.project_seq, criterion: r.criterion, reason: r.reason, by: r.created_by_name ?? '', at: r.created_at,
  }));
}

/** Marks for the annotated workbook: each returned criterion on its answer cell. */
export function returnMarks(db: DB, id: string): AnswerMark[] {
  const rubric = currentRubric();
  return currentReturns(db, id).map((r) => ({
    seq: r.project, criterion: r.criterion,
    message: `细则 ${r.criterion}（${rubric.byId.get(r.criterion)?.text.slice(0, 20) ?? ''}…）退回：${r.reason}`,
  }));
}

/**
 * review(…, 'return') plus the per-criterion reasons, in one transaction. `version` (optional) is the version the
 * reviewer looked at: if a newer one was uploaded meanwhile the return is refused (409) and nothing changes.
 *
 * One return per version: the same return again (a double click on “确认退回”, a retry after a lost answer) — same
 * version, same reason, same criteria — changes nothing and records nothing (`unchanged: true`). While that return
 * stands, a request with another reason or other criteria changes what differs, each recorded as what it is: a new
 * reason as 修改退回原因 (old and new reason), new criteria as 修改退回细则 (old and new criteria, possibly none). The
 * dashboard's “修改退回原因…” sends the criteria already returned, so only the reason changes and is recorded.
 */
export function returnWithCriteria(db: DB, id: string, actor: Actor, ip: string | undefined, reason: string, criteria: CriterionReturn[] = [], version?: number) {
  const rubric = currentRubric();
  return db.transaction(() => {
    const row = findSubmissionRow(db, id);
    checkReviewedVersion(db, row, version, 'return');
    if (criteria.length) {
      const seqs = new Set(latestBody(db, id).projects.map((p) => p.seq));
      for (const c of criteria) {
        if (!rubric.byId.has(c.criterion)) throw new AppError('INVALID', `细则编号 ${c.criterion} 不在评分细则中`);
        if (!seqs.has(c.project)) throw new AppError('INVALID', `该申报的最新版本中没有序号为 ${c.project} 的项目`);
      }
    }
    // The return of this version stands (a version stays 退回修改 until the unit's next one): this changes it.
    const standing = row.state === '退回修改';
    const stored = standing ? currentReturns(db, id) : [];
    const sameCriteria = standing && sameMarks(stored, criteria);
    if (standing && row.return_reason === reason && sameCriteria) {
      return { id, state: row.state, returnReason: reason, ...(criteria.length ? { criteria: stored } : {}), unchanged: true };
    }
    // The return, or the new reason for it (nothing when only the criteria differ).
    const result = review(db, id, 'return', actor, ip, { reason });
    // Unchanged criteria keep their rows (who returned them, and when) and get no second record.
    if (!sameCriteria) {
      db.prepare('DELETE FROM criterion_returns WHERE submission_id = ? AND version = ?').run(id, row.latest_version);
      const insert = db.prepare('INSERT OR REPLACE INTO criterion_returns (submission_id, version, project_seq, criterion, reason, created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
      const now = new Date().toISOString();
      for (const c of criteria) insert.run(id, row.latest_version, c.project, c.criterion, c.reason, actor.name, now);
      const plain = (c: CriterionReturn) => ({ project: c.project, criterion: c.criterion, reason: c.reason });
      if (standing) audit(db, actor, '修改退回细则', id, { version: row.latest_version, previousCriteria: stored.map(plain), criteria }, ip);
      else if (criteria.length) audit(db, actor, '退回细则', id, { version: row.latest_version, criteria }, ip);
    }
    return { ...result, ...(criteria.length ? { criteria: currentReturns(db, id) } : {}) };
  }).immediate();
}

/** The stored marks are exactly `criteria` (a criterion named twice keeps its last reason, as stored). */
function sameMarks(stored: readonly CriterionReturn[], criteria: readonly CriterionReturn[]): boolean {
  const key = (c: CriterionReturn) => `${c.project}\u0000${c.criterion}`;
  const wanted = new Map(criteria.map((c) => [key(c), c.reason]));
  return stored.length === wanted.size && stored.every((c) => wanted.get(key(c)) === c.reason);
}
