/**
 * Export job of the worker pool: reads the latest versions from the database (its own read-only connection) and
 * writes one consolidated workbook to a file, so neither the reading and parsing of stored bodies nor the writing
 * happens on the request thread.
 */
import fs from 'node:fs';
import { writeMaster } from '../core/node/workbook/merge';
import { openSqlite } from './db';
import { latestEntries } from './submissions';

export interface ExportJob {
  /** The SQLite file (WAL: this reader sees the last committed data without blocking writers). */
  database: string;
  district?: string;
  out: string;
}

export async function handle(job: ExportJob): Promise<{ report: Awaited<ReturnType<typeof writeMaster>> }> {
  const db = openSqlite(job.database, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  let entries: ReturnType<typeof latestEntries>;
  try {
    entries = db.transaction(() => latestEntries(db, job.district))();
  } finally {
    db.close();
  }
  const stream = fs.createWriteStream(job.out);
  const finished = new Promise<void>((resolve, reject) => stream.on('finish', resolve).on('error', reject));
  const report = await writeMaster(entries, stream, { district: job.district });
  await finished;
  return { report };
}
