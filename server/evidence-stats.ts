/**
 * 达到 answers without 佐证, per 旗县区 (of the submission): over the latest versions, each project counted once (a
 * 重复项目 of a unit counts in its later submission, core/identity.ts), as the district figures count them. From the
 * version summaries (server/versions.ts) and the evidence table: no stored body is read.
 */
import type { DB } from './db';
import { latestRows, summaryEntries, type Achieved } from './versions';
import { resolveEntries } from '../core/identity';

export function achievedWithoutEvidence(db: DB, district?: string): Map<string, { achieved: number; withoutEvidence: number }> {
  const withEvidence = new Set(
    (db
      .prepare(`SELECT DISTINCT e.submission_id AS id, e.project_seq AS seq, e.criterion FROM evidence e JOIN submissions s ON s.id = e.submission_id WHERE e.removed_version IS NULL ${district ? 'AND s.district = ?' : ''}`)
      .all(...(district ? [district] : [])) as Array<{ id: string; seq: number; criterion: string }>).map((r) => `${r.id}\u0000${r.seq}\u0000${r.criterion}`),
  );
  const achieved = new Map(
    latestRows<{ id: string; achieved: string }>(db, 'version_summaries', 's.id, v.achieved', district ? ['s.district = ?'] : [], district ? [district] : []).map((r) => [r.id, JSON.parse(r.achieved) as Achieved]),
  );
  const out = new Map<string, { achieved: number; withoutEvidence: number }>();
  for (const { entry, projects } of resolveEntries(summaryEntries(db, { district })).counted) {
    const key = entry.submission.reporter.district;
    const acc = out.get(key) ?? { achieved: 0, withoutEvidence: 0 };
    for (const p of projects) {
      for (const criterion of achieved.get(entry.id)?.[p.seq] ?? []) {
        acc.achieved++;
        if (!withEvidence.has(`${entry.id}\u0000${p.seq}\u0000${criterion}`)) acc.withoutEvidence++;
      }
    }
    out.set(key, acc);
  }
  return out;
}
