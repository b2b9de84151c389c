/** Errors are values with a code; one table maps codes to HTTP statuses, one handler turns them into JSON. */
import type { ErrorRequestHandler } from 'express';
import { capIssues, type Issue } from '../core/issues';

export const STATUS = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID: 422,
  BAD_REQUEST: 400,
  TOO_LARGE: 413,
  UNSUPPORTED: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  BUSY: 503,
} as const;

export type ErrorCode = keyof typeof STATUS;

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const fail = (code: ErrorCode, message: string, issues?: Issue[]): never => {
  throw new AppError(code, message, issues);
};

/** multer and body-parser errors in Chinese. */
function fromLibrary(err: { code?: string; type?: string; status?: number; message?: string }): AppError | undefined {
  if (err.code === 'LIMIT_FILE_SIZE' || err.type === 'entity.too.large') return new AppError('TOO_LARGE', '上传的内容过大，超过系统上限：请删除无关内容后再试');
  if (err.code === 'LIMIT_UNEXPECTED_FILE') return new AppError('BAD_REQUEST', '上传的字段名不正确：文件请放在 file 字段');
  if (err.code?.startsWith('LIMIT_')) return new AppError('BAD_REQUEST', '上传的内容不符合要求（字段或文件过多）');
  if (err.type === 'entity.parse.failed') return new AppError('BAD_REQUEST', '请求内容不是有效的 JSON');
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') return new AppError('UNSUPPORTED', '请求的字符编码不受支持，请使用 UTF-8');
  return undefined;
}

export function errorHandler(log: { error: (obj: unknown, msg?: string) => void }): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    const e = err instanceof AppError ? err : fromLibrary(err as Record<string, never>);
    if (!e) {
      log.error({ err }, 'unhandled error');
      res.status(500).json({ error: '服务器内部错误，请稍后重试；如果一直出现，请联系联盟秘书处', code: 'INTERNAL' });
      return;
    }
    if (e.code === 'BUSY') res.setHeader('Retry-After', '5');
    res.status(STATUS[e.code]).json({ error: clip(e.message, MAX_MESSAGE), code: e.code, ...(e.issues ? { issues: boundedIssues(e.issues) } : {}) });
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
