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
  /** The worker pool (parsing, annotation, exports, rosters). */
  pool: ParsePool;
  /** The Express application (its registered routes are checked against the OpenAPI document). */
  app: Express;
  close(): Promise<void>;
}

function version(): string {
  return (JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = path.resolve(opts.dataDir ?? 'data');
  const logger: Logger = pino({ level: opts.logLevel ?? 'info', base: undefined });
  const db = openDatabase(dataDir);
  let secretariatToken: string | undefined;
  const count = (db.prepare('SELECT COUNT(*) AS n FROM users').get() as { n: number }).n;
  if (count === 0) {
    const first = createUser(db, { name: '联盟秘书处', role: 'secretariat' });
    audit(db, undefined, '初始化：创建秘书处账号', `user:${first.user.id}`, null, undefined);
    secretariatToken = first.token;
  }
  const limits = withLimits(opts.limits);
  const pool = new ParsePool(limits, { warmWorkers: opts.warmWorkers ? limits.parseWorkers : 0 });
  const fallbackDeadline = opts.deadline ?? DEFAULT_DEADLINE;
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
  const server = opts.https ? https.createServer({ key: opts.https.key, cert: opts.https.cert }, app) : http.createServer(app);
  server.requestTimeout = 120_000;
  // Idle keep-alive connections stay open well beyond a client's own idle timeout, so the server never closes a
  // socket a busy client has just chosen for its next request (that race surfaces as ECONNRESET under load).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 3000, opts.host ?? '127.0.0.1', () => resolve());
  });
  if (opts.warmWorkers) {
    // The sample is the blank template as GET /template.xlsx hands it out (built once, and cached for those downloads).
    cachedTemplate()
      .then((sample) => pool.warmUp(sample))
      .catch((err: unknown) => logger.warn({ err }, '无法预热解析进程：它们将在第一次上传时启动'));
  }
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `${opts.https ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
  let closing: Promise<void> | undefined;
  return {
    url, port: address.port, db, dataDir, pool, app, ...(secretariatToken ? { secretariatToken } : {}),
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await pool.close();
        db.close();
      })();
      return closing;
    },
  };
}
