/**
 * Annotation job of the worker pool (heap-capped and timed, see core/node/workers/pool.ts): checks the stored file again
 * with the guard (files stored before a guard rule existed are not trusted either), then marks the issues in it.
 */
import { annotateWorkbook, AnnotateError, type AnnotateOptions } from '../core/node/workbook/annotate';
import { inspectZip } from '../core/node/workbook/guard';
import type { Issue } from '../core/issues';
import type { Limits } from '../core/limits';

export interface AnnotateJob {
  bytes: Uint8Array;
  issues: Issue[];
  opts: AnnotateOptions;
  limits: Limits;
}

/** The annotated workbook (moved, not copied, to the caller), or why this file cannot be annotated. */
export type AnnotateReply = Uint8Array | { refused: string };

export async function handle(job: AnnotateJob): Promise<AnnotateReply> {
  const refusal = await inspectZip(job.bytes, job.limits);
  if (refusal) return { refused: refusal };
  try {
    return annotateWorkbook(job.bytes, job.issues, { ...job.opts, limits: job.limits });
  } catch (e) {
    if (e instanceof AnnotateError) return { refused: e.message };
    throw e;
  }
}
