/** Errors are values with a code; one table maps codes to HTTP statuses, one handler turns them into JSON. */
import type { ErrorRequestHandler } from 'express';
import * as z from 'zod';
import { isStorageFull } from './durable';
import { OlderVersionDetailsSchema } from './model';
import { capIssues, type Issue } from '../core/issues';

export const STATUS = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** The upload's content is that of an older version of the same 申报 (not the latest): nothing stored. */
  OLDER_VERSION: 409,
  INVALID: 422,
  BAD_REQUEST: 400,
  TOO_LARGE: 413,
  /** A unit's stored submissions would exceed its quota (core/limits.ts unitStoredBytes). */
  QUOTA_EXCEEDED: 413,
  UNSUPPORTED: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  /** Disk full (ENOSPC) or the database at its size limit (SQLITE_FULL): 507 Insufficient Storage. */
  STORAGE_FULL: 507,
  BUSY: 503,
} as const;

export const STORAGE_FULL_MESSAGE = '服务器存储空间不足，请联系秘书处';

/** A wait in Chinese, rounded up: whole seconds under a minute (at least 1), whole minutes from a minute on. */
export function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 60 ? `${seconds} 秒` : `${Math.ceil(seconds / 60)} 分钟`;
}

/**
 * The 429 answers (server/app.ts): the limit that was reached and how long until this client may try again, from the
 * limiter's reset time for it (`waitMs`).
 */
export const RATE_LIMIT_MSG = {
  requests: (perMinute: number, waitMs: number) => `请求过于频繁（每分钟最多 ${perMinute} 次）：请 ${waitText(waitMs)}后再试`,
  signIn: (attempts: number, windowMs: number, waitMs: number) =>
    `登录失败次数过多（${waitText(windowMs)}内最多 ${attempts} 次）：请核对令牌是否完整复制（以 rs_ 开头，不含空格），${waitText(waitMs)}后再试`,
};

export type ErrorCode = keyof typeof STATUS;

/**
 * The codes whose answers carry `details`: the facts the message names, for programs that word them themselves
 * (`redsite import --server`) instead of reading them out of the Chinese sentence, which stays as it is for people.
 */
export const ERROR_DETAILS = { OLDER_VERSION: OlderVersionDetailsSchema } as const;
/** The `details` an error of code C may carry (never for a code without them). */
export type ErrorDetails<C extends ErrorCode = ErrorCode> = C extends keyof typeof ERROR_DETAILS ? z.infer<(typeof ERROR_DETAILS)[C]> : never;

export class AppError<C extends ErrorCode = ErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    readonly issues?: Issue[],
    readonly details?: ErrorDetails<C>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** Throws the AppError (a declaration returning never, so TypeScript narrows after it). */
export function fail(code: ErrorCode, message: string, issues?: Issue[]): never {
  throw new AppError(code, message, issues);
}

/** How a zod validation error reads: every message, in order, joined by “；”. The one renderer of zod errors. */
export function zodMessage(error: z.ZodError): string {
  return [...new Set(error.issues.map((i) => i.message))].join('；');
}

/** The value parsed by `schema`, or a 422 with the schema's Chinese messages. */
export function parseOrFail<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) fail('INVALID', zodMessage(r.error));
  return r.data;
}

/** multer, body-parser, SQLite and file-system errors in Chinese. */
function fromLibrary(err: { code?: string; type?: string; status?: number; message?: string }): AppError | undefined {
  if (isStorageFull(err)) return new AppError('STORAGE_FULL', `${STORAGE_FULL_MESSAGE}（本次操作没有保存，之前已保存的申报不受影响；空间恢复后重新提交即可）`);
  if (err.code === 'LIMIT_FILE_SIZE' || err.type === 'entity.too.large') return new AppError('TOO_LARGE', '上传的内容过大，超过系统上限：请删除无关内容后再试');
  if (err.code === 'LIMIT_UNEXPECTED_FILE') return new AppError('BAD_REQUEST', '上传的字段名不正确：文件请放在 file 字段');
  if (err.code?.startsWith('LIMIT_')) return new AppError('BAD_REQUEST', '上传的内容不符合要求（字段或文件过多）');
  if (err.type === 'entity.parse.failed') return new AppError('BAD_REQUEST', '请求内容不是有效的 JSON');
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') return new AppError('UNSUPPORTED', '请求的字符编码不受支持，请使用 UTF-8');
  return undefined;
}

export interface ErrorHooks {
  /** Called when a request failed because storage is full (so /healthz can report it). */
  storageFull?: (err: unknown) => void;
}

export function errorHandler(log: { error: (obj: unknown, msg?: string) => void }, hooks: ErrorHooks = {}): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const e: AppError | undefined = err instanceof AppError ? err : fromLibrary(err as Record<string, never>);
    if (e?.code === 'STORAGE_FULL') {
      log.error({ err }, 'storage full: write refused');
      hooks.storageFull?.(err);
    }
    if (!e) {
      log.error({ err }, 'unhandled error');
      res.status(500).json({ error: '服务器内部错误，请稍后重试；如果一直出现，请联系联盟秘书处', code: 'INTERNAL' });
      return;
    }
    if (e.code === 'BUSY') res.setHeader('Retry-After', '5');
    res.status(STATUS[e.code]).json({ error: clip(e.message, MAX_MESSAGE), code: e.code, ...(e.issues ? { issues: boundedIssues(e.issues) } : {}), ...(e.details ? { details: e.details } : {}) });
  };
}

/** An error answer has a bounded size whatever produced it: a capped list of issues with clipped texts. */
const MAX_MESSAGE = 2000;
const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);

export function boundedIssues(issues: readonly Issue[]): Issue[] {
  return capIssues(issues).map((i) => ({
    severity: i.severity,
    ...(i.sheet !== undefined ? { sheet: clip(i.sheet, 100) } : {}),
    ...(i.cell !== undefined ? { cell: clip(i.cell, 40) } : {}),
    field: clip(i.field, 200),
    message: clip(i.message, 1000),
  }));
}
