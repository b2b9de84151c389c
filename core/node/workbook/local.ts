/**
 * Reading one untrusted file in the calling process, for a command that reads one file and exits (redsite score):
 * the guard's format check and the worker's own job (inspection and reader), without starting a worker, for a file
 * small enough to be harmless; anything else goes to a worker like every upload.
 */
import { withLimits } from '../../limits';
import type { ParseResult } from '../../workbook/result';
import { zipDirectory } from '../../ooxml/zip-directory';
import { parseTaskFor, parseUntrusted, type UntrustedOptions } from './guard';
import { handle } from './parse-worker';

/**
 * Uncompressed bytes up to which parseLocal reads a file in the calling process: about 25 times a workbook as units
 * send it (0.2–0.3 MB of XML), a few hundred milliseconds of work at most.
 */
export const LOCAL_BYTES = 8 * 1024 * 1024;

/**
 * What a zip's directory declares its entries inflate to, in all; undefined when it is not a readable zip. Only the
 * central directory is read (core/ooxml/zip-directory.ts, nothing inflated); the guard then checks every entry
 * properly, with yauzl, wherever the file is read.
 */
function declaredBytes(data: Uint8Array): number | undefined {
  try {
    return zipDirectory(data).reduce((n, e) => n + e.size, 0);
  } catch {
    return undefined;
  }
}

/**
 * For a command that reads one file and exits (redsite score): the same inspection and reader as parseUntrusted,
 * but a small file (by what it declares, LOCAL_BYTES at most) is read in this process, without starting a worker.
 * Anything bigger, or a zip whose directory does not read, goes to a worker with its heap cap and time limit.
 */
export async function parseLocal(data: Uint8Array, opts: UntrustedOptions = {}): Promise<ParseResult> {
  const limits = withLimits(opts.limits);
  const task = parseTaskFor(data, opts, limits);
  if ('kind' in task) return task;
  const size = task.format === 'csv' ? data.byteLength : declaredBytes(data);
  if (size === undefined || size > LOCAL_BYTES) return parseUntrusted(data, opts);
  return handle({ ...task, limits });
}
