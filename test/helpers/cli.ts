/**
 * The real `redsite` command in a child process: run it to the end (exit code and output), or start `redsite serve`
 * and wait for its banner (URL, and on a first start the one-time 秘书处 token).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

export const BIN = path.join(__dirname, '../../bin/redsite.js');
const exec = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `redsite …args` and answers its exit code and output (a failing command is a result, not an exception). */
export async function redsite(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  try {
    const r = await exec(process.execPath, [BIN, ...args], { cwd: opts.cwd, encoding: 'utf8', env: { ...process.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A 秘书处 token as `redsite serve` prints it on the first start. */
export const TOKEN_LINE = /\n\s+(rs_[A-Za-z0-9_-]+)\n/;

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** The one-time 秘书处 token: present on the first start of a data folder. */
  token?: string;
  /** Everything printed so far (stdout and stderr). */
  out(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/**
 * `redsite serve --port 0 --data <data>` (plus `args`), resolved once the banner is complete: the URL and the data
 * folder are printed and, when `firstStart`, the token too.
 */
export function serve(
  data: string,
  opts: { args?: string[]; env?: Record<string, string>; firstStart?: boolean; timeoutMs?: number; command?: [string, ...string[]] } = {},
): Promise<ServeProcess> {
  const first = opts.firstStart ?? !fs.existsSync(path.join(data, 'redsite.sqlite'));
  // `command`: a launcher that starts `redsite serve` itself (e.g. inside a mount namespace), instead of node + BIN.
  const [cmd, ...cmdArgs] = opts.command ?? [process.execPath, BIN, 'serve', '--port', '0', '--data', data, '--log', 'silent', ...(opts.args ?? [])];
  const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  let started = false;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redsite serve did not start: ${out}`)), opts.timeoutMs ?? 300_000);
    void exited.then(() => {
      clearTimeout(timer);
      if (!started) reject(new Error(`redsite serve exited: ${out}`));
    });
    const check = () => {
      const url = /服务已启动：(http:\/\/[^/\s]+)\//.exec(out)?.[1];
      const token = TOKEN_LINE.exec(out)?.[1];
      if (started || !url || !/数据目录：.*\n/.test(out) || (first && !token)) return;
      started = true;
      clearTimeout(timer);
      resolve({
        child, url, ...(token ? { token } : {}),
        out: () => out,
        stop: () => {
          child.kill('SIGTERM');
          return exited;
        },
      });
    };
    child.stdout!.on('data', check);
  });
}
