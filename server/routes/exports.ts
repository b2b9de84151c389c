/**
 * Consolidated workbooks: a 旗县区's (/districts/:district/workbook.xlsx) and the whole city's (/master.xlsx), built
 * in the worker pool and cached per data version (server/exports.ts); the ETag is the data version. Sent no-store.
 */
import { Router, type Request, type Response } from 'express';
import fs from 'node:fs';
import type { Context } from '../context';
import { fail } from '../errors';
import { authorize } from '../policy';
import { districtParam } from './common';

export function exportsRouter(ctx: Context): Router {
  const r = Router();
  const send = async (req: Request, res: Response, district?: string) => {
    const etag = ctx.exporter.etag(ctx.db, district);
    // The workbooks hold contacts' names and phone numbers: no browser or proxy may keep a copy (no-store, as every
    // signed-in answer). The ETag stays for clients that keep their own copy (a script, a sync job): they send
    // If-None-Match and get 304 while the data is unchanged. Browsers keep nothing, so they always download.
    res.setHeader('ETag', etag);
    res.setHeader('Cache-Control', 'no-store');
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    const out = await ctx.exporter.get(ctx.db, district);
    res.setHeader('ETag', out.etag);
    res.attachment(out.name);
    if (out.bytes) res.send(out.bytes); // disk full: built in memory, not cached
    else await new Promise<void>((resolve, reject) => fs.createReadStream(out.file).on('error', reject).pipe(res).on('finish', resolve));
  };

  r.get('/districts/:district/workbook.xlsx', async (req, res) => {
    const district = districtParam(req.params.district);
    authorize(req.actor, 'export', { district });
    await send(req, res, district);
  });

  r.get('/master.xlsx', async (req, res) => {
    const actor = authorize(req.actor, 'export', {});
    if (actor.role !== 'secretariat') fail('FORBIDDEN', '全市总表仅限联盟秘书处下载，旗县区请下载本区汇总表');
    await send(req, res);
  });
  return r;
}
