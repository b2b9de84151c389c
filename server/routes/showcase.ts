/** /api/v1/showcase(.xlsx): the 观摩 shortlist for the 秘书处, from the latest version of every approved submission. */
import { Router, type Request } from 'express';
import type { Context } from '../context';
import { fail } from '../errors';
import { authorize } from '../policy';
import { latestEntries } from '../submissions';
import { resolveEntries } from '../../core/identity';
import { buildShowcase, type ShowcaseOptions } from '../../core/showcase';
import { currentRubric } from '../../core/rubric';
import { writeShowcase } from '../../core/workbook/showcase-export';
import { attachment } from './reports';
import type { DB } from '../db';

function options(req: Request): ShowcaseOptions {
  const n = (name: string) => {
    const v = req.query[name];
    if (v === undefined || v === '') return undefined;
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1 || x > 1000) fail('BAD_REQUEST', `${name === 'perDistrict' ? '每个旗县区名额' : '总数'}须为 1 到 1000 的整数`);
    return x;
  };
  return { perDistrict: n('perDistrict'), limit: n('limit'), includeUnmet: req.query.includeUnmet === 'true' };
}

export function showcaseOf(db: DB, opts: ShowcaseOptions) {
  // A project in two submissions of one unit (重复项目) is a candidate once, from the later submission.
  const { counted } = resolveEntries(latestEntries(db));
  const candidates = counted.flatMap(({ entry: e, projects }) => projects.map((project) => ({ submissionId: e.id, reporter: e.submission.reporter, project, state: e.state })));
  return buildShowcase(candidates, currentRubric(), opts);
}

export function showcaseRouter(ctx: Context): Router {
  const r = Router();
  r.get('/showcase', (req, res) => {
    authorize(req.actor, 'showcase');
    const s = showcaseOf(ctx.db, options(req));
    res.json({
      rule: s.rule, considered: s.considered,
      entries: s.entries.map((e) => ({ rank: e.rank, submissionId: e.submissionId, unit: e.reporter.unit, project: e.project, score: { total: e.score.total, max: e.score.max, rate: e.score.rate, met: e.score.met, sections: e.score.sections }, gaps: e.gaps })),
    });
  });
  r.get('/showcase.xlsx', async (req, res) => {
    authorize(req.actor, 'showcase');
    const s = showcaseOf(ctx.db, options(req));
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    attachment(res, '红色工地观摩名单.xlsx');
    await writeShowcase(s, res);
  });
  return r;
}
