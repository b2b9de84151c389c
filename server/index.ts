/**
 * Starting and stopping the service: opens (and migrates) the database, creates the first 秘书处 account on first
 * start, listens on HTTP or HTTPS, and shuts down gracefully (in-flight requests finish) on close/SIGTERM.
 */
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { Express } from 'express';
import { openDatabase, type DB } from './db';
import { GroupCommit } from './db/group-commit';
import { createUser } from './auth';
import { audit } from './audit';
import { createApp } from './app';
import { Exporter } from './exports';
import { StorageWatch } from './storage';
import { EvidenceService } from './evidence';
import { deadlineOf, DEFAULT_DEADLINE, type Context } from './context';
import { withLimits, type Limits } from '../core/limits';
import { ParsePool } from '../core/node/workbook/pool';
import { cachedTemplate } from '../core/node/workbook/build';
import { projectRoot } from './paths';
import { officeJsSource, type OfficeJsSource } from './addin-pages';
import fs from 'node:fs';
import { lockDataDir } from './data-lock';
import { DeadlineInputSchema, PORT_MSG } from './model';
import { zodMessage } from './errors';

export interface ServerOptions {
  host?: string;
  port?: number;
  dataDir?: string;
  https?: { key: string | Buffer; cert: string | Buffer };
  deadline?: string;
  limits?: Partial<Limits>;
  logLevel?: string;
  /** Office.js for the task pane: 'cdn' (default) or 'local'; REDSITE_OFFICE_JS when not given. */
  officeJs?: OfficeJsSource;
  /**
   * Keep the parse workers running and warm (`redsite serve` does): they start with the server and read the blank
   * template a few dozen times, so the first uploads (and a burst after a quiet spell) do not meet cold workers.
   * Off by default, so a test's server starts no workers it does not use.
   */
  warmWorkers?: boolean;
}

export interface RunningServer {
  url: string;
  port: number;
  db: DB;
  dataDir: string;
  /** Present on the very first start only: the 秘书处 token, shown once. */
  secretariatToken?: string;
  /** The deadline in force (ISO with offset): the one set on the dashboard, else the configured one. */
  deadline(): string;
  /** The worker pool (parsing, annotation, exports, rosters). */
  pool: ParsePool;
  /** The Express application (its registered routes are checked against the OpenAPI document). */
  app: Express;
  close(): Promise<void>;
}

function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

type AnyServer = http.Server | https.Server;

/** The server could not start; the message is Chinese and says what to change. */
export class StartError extends Error {}

/** A port as `--port` / REDSITE_PORT give it: 0 (any free port) to 65535. */
export function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new StartError(`${PORT_MSG}，收到 ${String(port)}`);
}

/** Why listen failed, in Chinese: the usual causes say what to change. */
function listenError(err: NodeJS.ErrnoException, host: string, port: number): Error {
  switch (err.code) {
    case 'EADDRINUSE':
      return new StartError(`端口 ${port} 已被占用：请换一个端口（--port）或停止占用它的程序`);
    case 'EACCES':
    case 'EPERM':
      return new StartError(`没有权限使用端口 ${port}：1024 以下的端口需要管理员权限，请换一个端口（--port），如 3000`);
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StartError(`无法在地址 ${host} 上监听：这台电脑没有这个地址（--host）；只在本机使用请用 127.0.0.1，局域网访问请用 0.0.0.0`);
    default:
      return new StartError(`无法在 ${host}:${port} 上启动服务：${err.message}`);
  }
}

/** Opens the database, starts the workers and listens; then creates the first 秘书处 account when there is none. */
async function listening(
  opts: ServerOptions, dataDir: string, hostName: string, port: number, fallbackDeadline: string,
  opened: { db?: DB; pool?: ParsePool; server?: AnyServer },
): Promise<{ db: DB; pool: ParsePool; server: AnyServer; app: Express; logger: Logger; secretariatToken?: string }> {
  const logger: Logger = pino({ level: opts.logLevel ?? 'info', base: undefined });
  const db = (opened.db = openDatabase(dataDir));
  const limits = withLimits(opts.limits);
  const pool = (opened.pool = new ParsePool(limits, { warmWorkers: opts.warmWorkers ? limits.parseWorkers : 0 }));
  const ctx: Context = {
    db, limits, pool, log: logger,
    commits: new GroupCommit(db),
    officeJs: opts.officeJs ?? officeJsSource(process.env.REDSITE_OFFICE_JS),
    exporter: new Exporter(path.join(dataDir, 'exports'), pool, limits),
    storage: new StorageWatch(db, dataDir, limits.uploadBytes),
    evidence: new EvidenceService(db, dataDir, limits, logger),
    deadline: () => deadlineOf(db, fallbackDeadline),
  };
  ctx.evidence.sweep();
  const app = createApp(ctx, logger, version());
  const server: AnyServer = (opened.server = opts.https ? https.createServer({ key: opts.https.key, cert: opts.https.cert }, app) : http.createServer(app));
  server.requestTimeout = 120_000;
  // Idle keep-alive connections stay open well beyond a client's own idle timeout, so the server never closes a
  // socket a busy client has just chosen for its next request (that race surfaces as ECONNRESET under load).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, hostName, port)));
    server.listen(port, hostName, () => resolve());
  });
  // The first 秘书处 account is created only once the server listens: a start that fails (port taken) must not use
  // up the one-time token that nobody saw; the next start creates it then.
  let secretariatToken: string | undefined;
  const count = (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  if (count === 0) {
    const first = createUser(db, { name: '联盟秘书处', role: 'secretariat' });
    audit(db, undefined, '初始化：创建秘书处账号', `user:${first.user.id}`, null, undefined);
    secretariatToken = first.token;
  }
  return { db, pool, server, app, logger, ...(secretariatToken ? { secretariatToken } : {}) };
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = path.resolve(opts.dataDir ?? 'data');
  const port = opts.port ?? 3000;
  const hostName = opts.host ?? '127.0.0.1';
  checkPort(port);
  let fallbackDeadline = DEFAULT_DEADLINE;
  if (opts.deadline !== undefined) {
    const d = DeadlineInputSchema.safeParse(opts.deadline);
    if (!d.success) throw new StartError(`报送截止时间“${opts.deadline}”无效：${zodMessage(d.error)}`);
    fallbackDeadline = d.data;
  }
  // The folder is this server's until it closes: a second server or a restore on it is refused (server/data-lock.ts).
  const lock = lockDataDir(dataDir, '请先停止那个服务，或用 --data 指定另一个数据目录');
  const opened: { db?: DB; pool?: ParsePool; server?: AnyServer } = {};
  const stopAll = async () => {
    await opened.pool?.close();
    opened.db?.close();
    lock.release();
  };
  let started: { db: DB; pool: ParsePool; server: AnyServer; app: Express; logger: Logger; secretariatToken?: string };
  try {
    started = await listening(opts, dataDir, hostName, port, fallbackDeadline, opened);
  } catch (e) {
    if (opened.server?.listening) await new Promise<void>((resolve) => opened.server!.close(() => resolve()));
    await stopAll();
    throw e;
  }
  const { db, pool, server, app, logger, secretariatToken } = started;
  if (opts.warmWorkers) {
    // The sample is the blank template as GET /template.xlsx hands it out (built once, and cached for those downloads).
    cachedTemplate()
      .then((sample) => pool.warmUp(sample))
      .catch((err: unknown) => logger.warn({ err }, '无法预热解析进程：它们将在第一次上传时启动'));
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  // Listening on every address: this computer reaches it at 127.0.0.1 ([::] is no address to open in a browser).
  const url = `${opts.https ? 'https' : 'http'}://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url, port: address.port, db, dataDir, pool, app, ...(secretariatToken ? { secretariatToken } : {}),
    deadline: () => deadlineOf(db, fallbackDeadline),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await stopAll();
      })();
      return closing;
    },
  };
}
