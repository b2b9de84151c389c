/**
 * 达到 answers without 佐证, per 旗县区 (of the submission): over the latest versions, each project counted once (a
 * 重复项目 of a unit counts in its later submission, core/identity.ts), as the district figures count them. From the
 * version summaries (server/versions.ts) and the evidence table: no stored body is read.
 */
import type { DB } from './db';
import { dataVersion } from './db';
import { latestRows, resolvedSummaries, type Achieved } from './versions';

type Figures = Map<string, { achieved: number; withoutEvidence: number }>;
const cache = new WeakMap<DB, { version: number; all: Figures }>();

/** The figures of every 旗县区 (or one), computed once per data version (evidence changes bump it too). */
export function achievedWithoutEvidence(db: DB, district?: string): Figures {
  const version = dataVersion(db);
  let hit = cache.get(db);
  if (hit?.version !== version) {
    hit = { version, all: compute(db) };
    cache.set(db, hit);
  }
  const all = hit.all;
  return district ? new Map([...all].filter(([d]) => d === district)) : new Map(all);
}

function compute(db: DB, district?: string): Figures {
  const withEvidence = new Set(
    (db
      .prepare(`SELECT DISTINCT e.submission_id AS id, e.project_seq AS seq, e.criterion FROM evidence e JOIN submissions s ON s.id = e.submission_id WHERE e.removed_version IS NULL ${district ? 'AND s.district = ?' : ''}`)
      .all(...(district ? [district] : [])) as Array<{ id: string; seq: number; criterion: string }>).map((r) => `${r.id}\u0000${r.seq}\u0000${r.criterion}`),
  );
  const achieved = new Map(
    latestRows<{ id: string; achieved: string }>(db, 'version_summaries', 's.id, v.achieved', district ? ['s.district = ?'] : [], district ? [district] : []).map((r) => [r.id, JSON.parse(r.achieved) as Achieved]),
  );
  const out = new Map<string, { achieved: number; withoutEvidence: number }>();
  for (const { entry, projects } of resolvedSummaries(db).resolution.counted) {
    const key = entry.submission.reporter.district;
    if (district && key !== district) continue;
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
