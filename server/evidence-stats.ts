/**
 * 达到 answers without 佐证, per 旗县区 (of the submission): over the latest versions, each project counted once (a
 * 重复项目 of a unit counts in its later submission, core/identity.ts), as the district figures count them.
 */
import type { DB } from './db';
import { latestEntries } from './submissions';
import { resolveEntries } from '../core/identity';

export function achievedWithoutEvidence(db: DB, district?: string): Map<string, { achieved: number; withoutEvidence: number }> {
  const out = new Map<string, { achieved: number; withoutEvidence: number }>();
  for (const { entry, projects } of resolveEntries(latestEntries(db, district)).counted) {
    const key = entry.submission.reporter.district;
    const acc = out.get(key) ?? { achieved: 0, withoutEvidence: 0 };
    for (const p of projects) {
      for (const [criterion, answer] of Object.entries(p.answers)) {
        if (answer !== '达到') continue;
        acc.achieved++;
        if (!entry.evidence?.[p.seq]?.[criterion]) acc.withoutEvidence++;
      }
    }
    out.set(key, acc);
  }
  return out;
}
