/** Worker-thread entry: annotates one workbook off the request thread (heap-capped and timed by server/annotate.ts). */
import { parentPort } from 'node:worker_threads';
import { annotateWorkbook, AnnotateError, type AnnotateOptions } from '../core/workbook/annotate';
import type { Issue } from '../core/issues';

interface Job {
  bytes: Uint8Array;
  issues: Issue[];
  opts: AnnotateOptions;
}

parentPort?.on('message', (job: Job) => {
  try {
    const out = annotateWorkbook(job.bytes, job.issues, job.opts);
    parentPort!.postMessage({ ok: true, bytes: out }, [out.buffer as ArrayBuffer]);
  } catch (e) {
    parentPort!.postMessage({ ok: false, known: e instanceof AnnotateError, message: e instanceof Error ? e.message : String(e) });
  }
});
