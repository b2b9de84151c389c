/** Worker-thread entry: writes one consolidated workbook to a file, off the request thread. */
import fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { writeMaster, type MergeEntry } from '../core/workbook/merge';

interface Job {
  entries: MergeEntry[];
  district?: string;
  out: string;
}

parentPort?.on('message', (job: Job) => {
  const stream = fs.createWriteStream(job.out);
  const finished = new Promise<void>((resolve, reject) => stream.on('finish', resolve).on('error', reject));
  writeMaster(job.entries, stream, { district: job.district })
    .then(async (report) => {
      await finished;
      parentPort!.postMessage({ ok: true, report });
    })
    .catch((e: unknown) => parentPort!.postMessage({ ok: false, message: e instanceof Error ? e.message : String(e) }));
});
