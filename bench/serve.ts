/**
 * `redsite serve` as the benches run it: a real server process on a free port with its own data folder, ready when
 * it prints its address (and, on a first start, the 秘书处 token). One copy for every bench.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const REDSITE_BIN = path.join(__dirname, '..', '..', 'bin', 'redsite.js');

export interface BenchServer {
  child: ChildProcess;
  url: string;
  /** The 秘书处 token printed on a first start ('' when the data folder already had accounts). */
  token: string;
  /** Everything the server printed so far (stdout and stderr when `log` is not silent). */
  log: () => string;
}

export interface ServeOptions {
  /** Extra environment (limits such as REDSITE_RATE_PER_MINUTE). */
  env?: Record<string, string>;
  /** The server's log level; 'silent' by default. */
  log?: 'silent' | 'info';
  /** Options for the server's node (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** Wait for the first-start token (default true); false for a data folder prepared beforehand. */
  firstStart?: boolean;
  bin?: string;
}

export function serveBench(data: string, opts: ServeOptions = {}): Promise<BenchServer> {
  const level = opts.log ?? 'silent';
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? []), opts.bin ?? REDSITE_BIN, 'serve', '--port', '0', '--data', data, '--log', level], {
    stdio: ['ignore', 'pipe', level === 'silent' ? 'inherit' : 'pipe'],
    env: { ...process.env, ...opts.env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    // A generous limit: a loaded machine starts slowly, and a bench that gives up early measures nothing.
    const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 300_000);
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
    child.stdout!.on('data', () => {
      const url = /服务已启动：(http:\/\/[^/\s]+)\//.exec(out)?.[1];
      const token = /\n\s+(rs_[A-Za-z0-9_-]+)\n/.exec(out)?.[1];
      const ready = opts.firstStart === false ? /数据目录/.test(out) : Boolean(token);
      if (url && ready) {
        clearTimeout(timer);
        resolve({ child, url, token: token ?? '', log: () => out });
      }
    });
  });
}

/** The server's worker processes (their pids), from /proc on Linux; none elsewhere. A thread that ended meanwhile is skipped. */
export function childrenOf(pid: number): number[] {
  let tasks: string[];
  try {
    tasks = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  return tasks.flatMap((t) => {
    try {
      return fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}
