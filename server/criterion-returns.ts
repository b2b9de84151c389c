/**
 * Returning a submission with reasons on single criteria ("A01-1 佐证不足"): stored with the version returned,
 * shown to the unit while the submission is 退回修改, and marked on those answer cells in the annotated workbook.
 * A new return of the same version replaces the earlier marks (the audit log keeps both).
 */
import type { DB } from './db';
import { audit } from './audit';
import { AppError } from './errors';
import type { Actor, CriterionReturn } from './model';
import { review } from './submissions';
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

/** review(…, 'return') plus the per-criterion reasons, in one transaction. */
export function returnWithCriteria(db: DB, id: string, actor: Actor, ip: string | undefined, reason: string, criteria: CriterionReturn[] = []) {
  const rubric = currentRubric();
  if (criteria.length) {
    const seqs = new Set(latestBody(db, id).projects.map((p) => p.seq));
    for (const c of criteria) {
      if (!rubric.byId.has(c.criterion)) throw new AppError('INVALID', `细则编号 ${c.criterion} 不在评分细则中`);
      if (!seqs.has(c.project)) throw new AppError('INVALID', `该申报的最新版本中没有序号为 ${c.project} 的项目`);
    }
  }
  return db.transaction(() => {
    const result = review(db, id, 'return', actor, ip, reason);
    const version = (db.prepare('SELECT latest_version FROM submissions WHERE id = ?').get(id) as { latest_version: number }).latest_version;
    db.prepare('DELETE FROM criterion_returns WHERE submission_id = ? AND version = ?').run(id, version);
    const insert = db.prepare('INSERT OR REPLACE INTO criterion_returns (submission_id, version, project_seq, criterion, reason, created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)');
    const now = new Date().toISOString();
    for (const c of criteria) insert.run(id, version, c.project, c.criterion, c.reason, actor.name, now);
    if (criteria.length) audit(db, actor, '退回细则', id, { version, criteria }, ip);
    return { ...result, ...(criteria.length ? { criteria: currentReturns(db, id) } : {}) };
  }).immediate();
}
