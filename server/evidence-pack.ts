/**
 * The 观摩 pack: for the shortlisted projects, a zip with the shortlist (观摩名单.xlsx) and one folder per project
 * (旗县区-单位-项目) holding 项目概况.xlsx and its evidence named by criterion (A01-1_挂牌公示_1.jpg). Photos go in
 * as their GPS-free copies. Streamed with fflate's Zip: files are stored (photos and Office files are compressed
 * already), read from disk in chunks and written as the client takes them (backpressure), so memory stays flat
 * whatever the size; only one project's summary workbook is in memory at a time.
 */
import fs from 'node:fs';
import type { Request, Response } from 'express';
import { Zip, ZipPassThrough } from 'fflate';
import type { Context } from './context';
import { AppError } from './errors';
import { listEvidence, type EvidenceRow } from './evidence';
import type { Showcase } from '../core/showcase';
import { currentRubric } from '../core/rubric';
import { EVIDENCE_KINDS, EVIDENCE_MSG, evidenceFileName, projectFolderName } from '../core/evidence';
import { normalizeDistrict } from '../core/districts';
import { projectSummaryWorkbook, type SummaryFile } from '../core/node/workbook/project-summary';
import { writeShowcase } from '../core/node/workbook/showcase-export';
import { toBuffer } from './in-memory';

/** Zip without Zip64: every offset and size must stay below 4 GiB; leave room for headers and summaries. */
const ZIP_LIMIT = 0xffffffff - 64 * 1024 * 1024;

interface PackedFile {
  row: EvidenceRow;
  path: string;
  size: number;
  name: string;
}

interface PackedProject {
  entry: Showcase['entries'][number];
  folder: string;
  files: PackedFile[];
}


/** Plans the pack (folders, file names, exported copies made) before the first byte is sent. */
async function plan(ctx: Context, showcase: Showcase): Promise<PackedProject[]> {
  const rubric = currentRubric();
  const used = new Set<string>();
  const out: PackedProject[] = [];
  for (const entry of showcase.entries) {
    let folder = projectFolderName(entry.project.district, entry.reporter.unit, entry.project.projectName);
    for (let k = 2; used.has(folder); k++) folder = `${projectFolderName(entry.project.district, entry.reporter.unit, entry.project.projectName)}（${k}）`;
    used.add(folder);
    const rows = listEvidence(ctx.db, entry.submissionId).filter((r) => r.project_seq === entry.project.seq);
    const counter = new Map<string, number>();
    const files: PackedFile[] = [];
    for (const c of rubric.criteria) {
      for (const row of rows.filter((r) => r.criterion === c.id)) {
        const n = (counter.get(c.id) ?? 0) + 1;
        counter.set(c.id, n);
        const path = await ctx.evidence.exportFile(row);
        files.push({ row, path, size: (await fs.promises.stat(path)).size, name: evidenceFileName(rubric, c.id, n, row.kind) });
      }
    }
    out.push({ entry, folder, files });
  }
  return out;
}

export async function sendShowcasePack(ctx: Context, showcase: Showcase, query: Request['query'], res: Response): Promise<void> {
  const district = typeof query.district === 'string' && query.district ? normalizeDistrict(query.district) ?? query.district : undefined;
  const chosen: Showcase = district ? { ...showcase, entries: showcase.entries.filter((e) => e.project.district === district) } : showcase;
  const projects = await plan(ctx, chosen);
  const total = projects.reduce((n, p) => n + p.files.reduce((m, f) => m + f.size, 0), 0);
  if (total > ZIP_LIMIT) throw new AppError('TOO_LARGE', EVIDENCE_MSG.packTooLarge(total));

  res.attachment(`红色工地观摩资料${district ? `（${district}）` : ''}.zip`);
  let failed: Error | undefined;
  let blocked: Promise<void> | undefined;
  const zip = new Zip((err, chunk, final) => {
    if (err) {
      failed = err;
      return;
    }
    // The client has not taken what was written yet: the next push waits for 'drain'.
    if (!res.write(chunk)) blocked ??= new Promise<void>((resolve) => res.once('drain', resolve));
    if (final) res.end();
  });
  const gone = new Promise<void>((resolve) => res.once('close', resolve));
  const flow = async () => {
    while (blocked) {
      const b = blocked;
      await Promise.race([b, gone]);
      if (blocked === b) blocked = undefined;
      if (res.destroyed) throw new ClientLeft();
    }
    if (failed) throw failed;
  };
  const mtime = new Date();
  const addBytes = async (name: string, bytes: Uint8Array) => {
    const f = new ZipPassThrough(name);
    f.mtime = mtime;
    zip.add(f);
    f.push(bytes, true);
    await flow();
  };
  const addFile = async (name: string, path: string) => {
    const f = new ZipPassThrough(name);
    f.mtime = mtime;
    zip.add(f);
    for await (const chunk of fs.createReadStream(path, { highWaterMark: 256 * 1024 })) {
      f.push(chunk as Buffer);
      await flow();
    }
    f.push(new Uint8Array(0), true);
    await flow();
  };

  try {
    await addBytes('观摩名单.xlsx', await toBuffer((out) => writeShowcase(chosen, out)));
    for (const p of projects) {
      const files: SummaryFile[] = p.files.map((f) => ({
        file: f.name, criterion: f.row.criterion, originalName: f.row.name, kindLabel: EVIDENCE_KINDS[f.row.kind].label, size: f.size,
        ...(f.row.captured_at ? { capturedAt: f.row.captured_at } : {}), by: f.row.created_by_name ?? '', at: f.row.created_at,
      }));
      const summary = await projectSummaryWorkbook({ reporter: p.entry.reporter, project: p.entry.project, score: p.entry.score, state: p.entry.state, rank: p.entry.rank, files }, currentRubric());
      await addBytes(`${p.folder}/项目概况.xlsx`, summary);
      for (const f of p.files) await addFile(`${p.folder}/${f.name}`, f.path);
    }
    zip.end();
    await flow();
  } catch (e) {
    zip.terminate();
    // Headers are sent: the only way to tell the client is to cut the download short.
    if (!(e instanceof ClientLeft)) ctx.log.warn({ err: e }, 'showcase pack stopped');
    res.destroy();
  }
}

class ClientLeft extends Error {}
