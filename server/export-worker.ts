/** Export job of the worker pool: writes one consolidated workbook to a file, off the request thread. */
import fs from 'node:fs';
import { writeMaster, type MergeEntry } from '../core/node/workbook/merge';

export interface ExportJob {
  entries: MergeEntry[];
  district?: string;
  out: string;
}

export async function handle(job: ExportJob): Promise<{ report: Awaited<ReturnType<typeof writeMaster>> }> {
  const stream = fs.createWriteStream(job.out);
  const finished = new Promise<void>((resolve, reject) => stream.on('finish', resolve).on('error', reject));
  const report = await writeMaster(job.entries, stream, { district: job.district });
  await finished;
  return { report };
}
