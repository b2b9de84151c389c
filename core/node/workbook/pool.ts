/**
 * The worker pool sized and limited from core/limits.ts, with the parse job on top: a file from outside is inspected
 * (guard) and parsed in a worker with a heap cap and a time limit; the caller gets a Chinese refusal when the file
 * (or the load) is too much, never an exception. The server runs its other off-thread jobs (annotation, exports,
 * rosters) through the same pool.
 */
import { WorkerPool, compiledScript, type Failure, type PoolOptions } from '../workers/pool';
import type { Limits } from '../../limits';
import { rejected, type ParseResult } from '../../workbook/result';

export { compiledScript };

export interface ParseTask {
  format: 'xlsx' | 'csv' | 'docx' | 'ods';
  data: Uint8Array;
  fileName?: string;
  district?: string;
}

/**
 * A file on this machine, read by the worker itself (`redsite merge` and `import`): the bytes do not pass through the
 * command's process and the pipe to the worker. The worker reads at most the upload limit and recognises the format.
 */
export interface ParseFileTask {
  path: string;
  fileName?: string;
  district?: string;
}

/** What the parse worker receives: the task and the limits it checks against. */
export type ParseJob = (ParseTask | ParseFileTask) & { limits: Limits };

/** Several files on this machine, read by one worker in turn (ParsePool.parseFiles). */
export interface ParseFilesJob {
  files: ParseFileTask[];
  limits: Limits;
}

export const POOL_MSG = {
  timeout: '文件处理超时：文件内容过多或结构异常，请精简后重新上传',
  memory: '文件内容过多，超出处理能力：请删除无关的工作表或数据后重新上传',
  crashed: '文件无法读取（处理过程中出错）：请用 Excel 重新保存后上传',
  busy: '服务器正在处理较多文件，请稍后重新上传（您的文件未被保存）',
  aborted: '上传已取消',
} as const;

/** Field of a refusal that means “try again later”, not “fix the file”. */
export const BUSY_FIELD = 'server.busy';

export function failureMessage(reason: Failure): { message: string; field?: string } {
  if (reason === 'busy' || reason === 'closed') return { message: POOL_MSG.busy, field: BUSY_FIELD };
  if (reason === 'aborted') return { message: POOL_MSG.aborted };
  if (reason === 'timeout') return { message: POOL_MSG.timeout };
  if (reason === 'memory') return { message: POOL_MSG.memory };
  return { message: POOL_MSG.crashed };
}

export function poolOptions(limits: Limits): PoolOptions {
  return {
    size: Math.max(1, limits.parseWorkers),
    heapMb: limits.parseHeapMb,
    idleMs: limits.workerIdleMs,
    recycleMb: limits.workerRecycleMb,
    maxJobsPerWorker: limits.workerMaxJobs,
    queuePerAccount: limits.queuePerAccount,
    queueBytesPerAccount: limits.queueBytesPerAccount,
    queueTotal: limits.queueTotal,
    queueBytesTotal: limits.queueBytesTotal,
    // Uploads are the common job: a fresh worker has the parser loaded before the first one arrives.
    preload: [workerScript()],
  };
}

export function workerScript(): string {
  return compiledScript(__filename, 'parse-worker.js');
}

export interface JobOptions {
  /** Whose job (fairness across accounts). */
  account?: string;
  /** Aborted when the client went away. */
  signal?: AbortSignal;
}

/** Reads of the sample workbook a warm worker makes before its first upload (measured: a worker's first ~30 files cost it twice the CPU of later ones). */
export const WARM_READS = 30;

export class ParsePool extends WorkerPool {
  constructor(
    readonly limits: Limits,
    opts: Pick<PoolOptions, 'soleAccount' | 'warmWorkers'> = {},
  ) {
    super({ ...poolOptions(limits), ...opts });
  }

  /** Starts the warm workers (`warmWorkers`), each reading `sample` (an .xlsx, say the template the server hands out) `times` times first. */
  warmUp(sample: Uint8Array, times = WARM_READS): void {
    const job: ParseJob = { format: 'xlsx', data: sample, limits: this.limits };
    this.warm({ handler: workerScript(), payload: job, times, timeMs: this.limits.parseMs });
  }

  async parse(task: ParseTask, opts: JobOptions = {}): Promise<ParseResult> {
    return this.job({ ...task, limits: this.limits }, task.data.byteLength, opts);
  }

  /** A file read by the worker (it holds no bytes here while it waits: nothing counts against the queue's bytes). */
  async parseFile(task: ParseFileTask, opts: JobOptions = {}): Promise<ParseResult> {
    return this.job({ ...task, limits: this.limits }, 0, opts);
  }

  /**
   * Files read by the worker, several in one job (`redsite merge`, `import`): a worker goes on to its next file without
   * waiting for this process to hand it over, and this process answers one message per job, not per file (a 1,000-file
   * merge: −8 % wall, measured). Each answer is what parseFile gives for that file, in order. A job that fails as a
   * whole (a file stopped the worker: over the heap cap, the time limit — which counts for the whole job — or a
   * crash) is done again file by file, so the failure is told of the file that caused it and the others are read.
   */
  async parseFiles(tasks: readonly ParseFileTask[], opts: JobOptions = {}): Promise<ParseResult[]> {
    if (tasks.length === 1) return [await this.parseFile(tasks[0]!, opts)];
    const job: ParseFilesJob = { files: [...tasks], limits: this.limits };
    const out = await this.run<ParseResult[]>({ handler: workerScript(), payload: job, timeMs: this.limits.parseMs, ...opts });
    if (out.ok && out.value.length === tasks.length) return out.value;
    const one: ParseResult[] = [];
    for (const task of tasks) one.push(await this.parseFile(task, opts));
    return one;
  }

  private async job(job: ParseJob, bytes: number, opts: JobOptions): Promise<ParseResult> {
    // One file: a short job, which may wait in a busy worker for its job to end (WorkerPool, Job.short).
    const out = await this.run<ParseResult>({ handler: workerScript(), payload: job, timeMs: this.limits.parseMs, bytes, short: true, ...opts });
    if (out.ok) return out.value;
    const { message, field } = failureMessage(out.reason);
    return rejected(message, field);
  }
}
