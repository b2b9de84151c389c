/** /api/v1/showcase(.xlsx): the 观摩 shortlist for the 秘书处, from the latest version of every approved submission. */
import { Router, type Request } from 'express';
import type { Context } from '../context';
import { AppError, fail } from '../errors';
import { authorize } from '../policy';
import type { ShowcaseOptions } from '../../core/showcase';
import { writeShowcase } from '../../core/node/workbook/showcase-export';
import { showcaseOf } from '../showcase';
import { activeActor } from '../auth';
import { sendShowcasePack } from '../evidence-pack';

function options(req: Pick<Request, 'query'>): ShowcaseOptions {
  const n = (name: string) => {
    const v = req.query[name];
    if (v === undefined || v === '') return undefined;
    const x = Number(v);
    if (!Number.isInteger(x) || x < 1 || x > 1000) fail('BAD_REQUEST', `${name === 'perDistrict' ? '每个旗县区名额' : '总数'}须为 1 到 1000 的整数`);
    return x;
  };
  return { perDistrict: n('perDistrict'), limit: n('limit'), includeUnmet: req.query.includeUnmet === 'true' };
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
    res.attachment('红色工地观摩名单.xlsx');
    await writeShowcase(s, res);
  });
  r.get('/showcase/pack.zip', async (req, res) => {
    authorize(req.actor, 'showcase');
    await sendShowcasePack(ctx, showcaseOf(ctx.db, options(req)), req.query, res);
  });
  // A one-time link to the same pack, for browsers to save it straight to disk (see PackTickets).
  r.post('/showcase/pack-ticket', (req, res) => {
    const actor = authorize(req.actor, 'showcase');
    const query = new URLSearchParams();
    for (const k of ['perDistrict', 'limit', 'district', 'includeUnmet']) if (typeof req.body?.[k] === 'string' || typeof req.body?.[k] === 'number') query.set(k, String(req.body[k]));
    options({ query: Object.fromEntries(query) });
    query.set('ticket', ctx.evidence.packTickets.issue(actor, query.toString()));
    res.json({ url: `/api/v1/showcase/pack.zip?${query}` });
  });
  return r;
}

/** GET /showcase/pack.zip?ticket=…: the one-time link, answered before sign-in is required (the ticket is the sign-in). */
export function packLinkRouter(ctx: Context): Router {
  const r = Router();
  r.get('/showcase/pack.zip', async (req, res, next) => {
    if (typeof req.query.ticket !== 'string') return next();
    const t = ctx.evidence.packTickets.redeem(req.query.ticket);
    if (!t) throw new AppError('UNAUTHORIZED', '下载链接已失效（有效 2 分钟，只能使用一次）：请回到看板重新点击下载');
    const query = Object.fromEntries(new URLSearchParams(t.query));
    const actor = activeActor(ctx.db, t.actor);
    authorize(actor, 'showcase');
    await sendShowcasePack(ctx, showcaseOf(ctx.db, options({ query })), query, res);
  });
  return r;
}
