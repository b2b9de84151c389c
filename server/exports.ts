/**
 * District and master workbooks, generated in a worker thread (so a slow export never stalls uploads), cached on disk
 * per data version: the ETag is the data version, unchanged data answers 304 and costs nothing. A cached file is
 * fsync'ed before it is renamed into place (server/durable.ts). On a full disk the workbook is built in memory
 * instead, so what is stored can still be exported.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { toBuffer } from './in-memory';
import type { DB } from './db';
import { dataVersion } from './db';
import { latestEntries } from './submissions';
import { compiledScript } from '../core/node/workbook/pool';
import { writeMaster } from '../core/node/workbook/merge';
import { isStorageFull, renameDurable } from './durable';
import type { WorkerPool } from '../core/node/workers/pool';
import type { Limits } from '../core/limits';
import { AppError } from './errors';
import type { ExportJob } from './export-worker';

export interface ExportFile {
  file: string;
  /** Set when the disk was full: the workbook itself, not cached (`file` does not exist). */
  bytes?: Buffer;
  etag: string;
  name: string;
}

export class Exporter {
  private running = new Map<string, Promise<ExportFile>>();
  /**
   * Part of every ETag: this server process's own. The data version alone repeats after a restore (the restored
   * database counts again from its own, lower value), and a client holding that ETag would be told 304 for other data.
   * A restore needs the server stopped, so a new process, hence a new epoch: clients download once after a restart.
   */
  private readonly epoch = crypto.randomBytes(4).toString('hex');

  constructor(
    private readonly dir: string,
    private readonly pool: WorkerPool,
    private readonly limits: Limits,
  ) {
    // The cache is named by the data version, a counter kept in the database: a database restored from a backup (or
    // copied in while the server was stopped) counts again from its own, lower value, and would be answered with a
    // workbook of the data it replaced. The server that builds this holds the data folder's lock, so no other
    // process uses the cache: it starts empty.
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  }

  etag(db: DB, district?: string): string {
    return `"${district ? crypto.createHash('sha1').update(district).digest('hex').slice(0, 8) : 'all'}-v${dataVersion(db)}-${this.epoch}"`;
  }

  /** The workbook for the current data version, generating it once. */
  get(db: DB, district?: string): Promise<ExportFile> {
    const version = dataVersion(db);
    const key = `${district ? `district-${crypto.createHash('sha1').update(district).digest('hex').slice(0, 8)}` : 'master'}-v${version}`;
    const file = path.join(this.dir, `${key}.xlsx`);
    const name = district ? `${district}红色工地申报汇总.xlsx` : '红色工地申报总表.xlsx';
    const result = { file, etag: this.etag(db, district), name };
    if (fs.existsSync(file)) return Promise.resolve(result);
    const pending = this.running.get(key);
    if (pending) return pending;
    // The worker reads the data itself: the data version may move on meanwhile, so a cached file is never older than
    // its name says (a later request for the newer version builds that one).
    const job = this.generate(db.name, district, file).then(
      () => {
        this.prune(key);
        return result;
      },
      async (e: unknown) => {
        if (!isStorageFull(e)) throw e;
        return { ...result, bytes: await inMemory(latestEntries(db, district), district) };
      },
    );
    this.running.set(key, job);
    const clear = () => this.running.delete(key);
    job.then(clear, clear);
    return job;
  }

  /** In the shared worker pool: heap cap, time limit, and a worker that dies fails the export instead of hanging it. */
  private async generate(database: string, district: string | undefined, file: string): Promise<void> {
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    const job: ExportJob = { database, district, out: tmp };
    const out = await this.pool.run({ handler: compiledScript(__filename, 'export-worker.js'), payload: job, timeMs: this.limits.exportMs, account: 'exports' });
    if (!out.ok) {
      fs.rmSync(tmp, { force: true });
      if (out.reason === 'busy' || out.reason === 'closed') throw new AppError('BUSY', '服务器正忙，请稍后再下载汇总表');
      throw new Error(`汇总表生成失败（${out.reason}${out.message ? `：${out.message}` : ''}）`);
    }
    try {
      await renameDurable(tmp, file);
    } catch (e) {
      fs.rmSync(tmp, { force: true });
      throw e;
    }
  }

  /** Older versions of the same export are no longer needed. */
  private prune(keep: string): void {
    const prefix = keep.replace(/-v\d+$/, '-v');
    for (const f of fs.readdirSync(this.dir)) {
      if (f.startsWith(prefix) && f !== `${keep}.xlsx` && !f.endsWith('.tmp')) fs.rmSync(path.join(this.dir, f), { force: true });
    }
  }
}

/** The workbook built in memory, on this thread: only when the disk is full, so the cache cannot be written. */
function inMemory(entries: ReturnType<typeof latestEntries>, district: string | undefined): Promise<Buffer> {
  return toBuffer((sink) => writeMaster(entries, sink, { district }));
}
