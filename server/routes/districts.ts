/** /api/v1/districts: 概览, the figures of each 旗县区 (from the version summaries, see server/versions.ts). */
import { Router } from 'express';
import type { Context } from '../context';
import { authorize } from '../policy';
import { districtStats } from '../roster';
import { achievedWithoutEvidence } from '../evidence-stats';

export function districtsRouter(ctx: Context): Router {
  const r = Router();
  r.get('/', (req, res) => {
    const actor = req.actor!;
    if (actor.role === 'unit') authorize(actor, 'roster');
    const district = actor.role === 'district' ? actor.district : undefined;
    const evidence = achievedWithoutEvidence(ctx.db, district);
    // 达到 answers and how many of them have no 佐证 yet, next to each district's figures.
    res.json({ items: districtStats(ctx.db, district).map((d) => ({ ...d, achieved: evidence.get(d.district)?.achieved ?? 0, achievedWithoutEvidence: evidence.get(d.district)?.withoutEvidence ?? 0 })) });
  });
  return r;
}
