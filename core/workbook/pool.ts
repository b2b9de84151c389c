/**
 * A small pool of parser worker threads: each parse runs with a heap cap (resourceLimits) and a time limit; a worker
 * that runs out of memory, crashes or times out is replaced and the caller gets a Chinese refusal, never an exception.
 */
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import type { Limits } from '../limits';
import { rejected, type ParseResult } from './result';

export interface ParseTask {
  format: 'xlsx' | 'csv' | 'docx' | 'ods';
  data: Uint8Array;
  fileName?: string;
  district?: string;
}

export const POOL_MSG = {
  timeout: '文件处理超时：文件内容过多或结构异常，请精简后重新上传',
  memory: '文件内容过多，超出处理能力：请删除无关的工作表或数据后重新上传',
  crashed: '文件无法读取（处理过程中出错）：请用 Excel 重新保存后上传',
};

/**
 * Worker scripts run compiled JavaScript. From dist/ the script sits beside its caller; when the caller runs from the
 * TypeScript sources (jest), the compiled copy under dist/ is used — `npm test` builds before testing.
 * `callerFile` is the caller's __filename, `script` the worker's path relative to the caller's folder.
 */
export function compiledScript(callerFile: string, script: string): string {
  const dir = path.dirname(callerFile);
  if (callerFile.endsWith('.js')) return path.join(dir, script);
  let root = dir;
  while (!fs.existsSync(path.join(root, 'package.json')) && path.dirname(root) !== root) root = path.dirname(root);
  const compiled = path.join(root, 'dist', path.relative(root, dir), script);
  if (!fs.existsSync(compiled)) throw new Error(`找不到编译后的程序 ${compiled}：请先运行 npm run build`);
  return compiled;
}

export function workerScript(): string {
  return compiledScript(__filename, 'parse-worker.js');
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Pending {
  task: ParseTask;
  resolve: (r: ParseResult) => void;
}

export class ParsePool {
  private slots: Slot[] = [];
  private queue: Pending[] = [];
  private closed = false;

  constructor(private readonly limits: Limits) {}

  run(task: ParseTask): Promise<ParseResult> {
    if (this.closed) return Promise.resolve(rejected(POOL_MSG.crashed));
    return new Promise((resolve) => {
      this.queue.push({ task, resolve });
      this.pump();
    });
  }

  private spawn(): Slot {
    const worker = new Worker(workerScript(), {
      resourceLimits: { maxOldGenerationSizeMb: this.limits.parseHeapMb, maxYoungGenerationSizeMb: 64, stackSizeMb: 4 },
    });
    worker.unref();
    const slot: Slot = { worker, busy: false };
    this.slots.push(slot);
    return slot;
  }

  private retire(slot: Slot): void {
    this.slots = this.slots.filter((s) => s !== slot);
    void slot.worker.terminate();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < Math.max(1, this.limits.parseWorkers)) slot = this.spawn();
      if (!slot) return;
      this.dispatch(slot, this.queue.shift()!);
    }
  }

  private dispatch(slot: Slot, job: Pending): void {
    slot.busy = true;
    const { worker } = slot;
    let settled = false;
    const finish = (result: ParseResult, healthy: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (healthy) slot.busy = false;
      else this.retire(slot);
      job.resolve(result);
      this.pump();
    };
    const onMessage = (result: ParseResult) => finish(result, true);
    const onError = (err: Error & { code?: string }) => finish(rejected(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? POOL_MSG.memory : POOL_MSG.crashed), false);
    const onExit = () => finish(rejected(POOL_MSG.crashed), false);
    const timer = setTimeout(() => finish(rejected(POOL_MSG.timeout), false), this.limits.parseMs);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    // A copy, so the caller keeps its buffer.
    worker.postMessage({ ...job.task, data: new Uint8Array(job.task.data) });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots;
    this.slots = [];
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
