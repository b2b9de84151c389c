/**
 * The dashboard's calls to the API (same origin): the token (this browser session, or remembered on this computer
 * when the user asks), JSON calls, downloads and uploads with progress. Every failure becomes a Chinese message.
 */
import { dispositionFileName } from '../../core/disposition';
import type { Issue } from '../../core/issues';
import { message, saveBlob } from './dom';

const KEY = 'redsite.token';

export const session = {
  get token(): string {
    return sessionStorage.getItem(KEY) ?? localStorage.getItem(KEY) ?? '';
  },
  save(token: string, remember: boolean): void {
    sessionStorage.setItem(KEY, token);
    if (remember) localStorage.setItem(KEY, token);
    else localStorage.removeItem(KEY);
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
    localStorage.removeItem(KEY);
  },
  get remembered(): boolean {
    return Boolean(localStorage.getItem(KEY));
  },
};

export class ApiError extends Error {
  constructor(message: string, readonly status: number, readonly issues: Issue[] = [], readonly body: Record<string, unknown> = {}) {
    super(message);
  }
}

export const OFFLINE = '无法连接服务器：请检查网络后重试';
let onUnauthorized: (message: string) => void = () => undefined;
/** What to do when the server says the token no longer works (sign out and show why). */
export function whenUnauthorized(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

async function failure(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => ({}))) as { error?: string; issues?: Issue[] };
  const err = new ApiError(body.error ?? `请求失败（${res.status}）`, res.status, body.issues ?? [], body);
  if (res.status === 401) onUnauthorized(err.message);
  return err;
}

function headers(token = session.token, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) };
}

/** A request with the token: the response when it succeeded, else an ApiError in Chinese (offline or the server's). */
async function request(path: string, init: RequestInit = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers: init.headers ?? headers() });
  } catch {
    throw new ApiError(OFFLINE, 0);
  }
  if (!res.ok) throw await failure(res);
  return res;
}

export async function api<T>(path: string, opts: { method?: string; json?: unknown; form?: FormData; token?: string } = {}): Promise<T> {
  const res = await request(path, {
    method: opts.method ?? (opts.json !== undefined || opts.form ? 'POST' : 'GET'),
    headers: headers(opts.token, opts.json !== undefined ? { 'content-type': 'application/json' } : {}),
    body: opts.json !== undefined ? JSON.stringify(opts.json) : opts.form,
  });
  return (await res.json()) as T;
}

/**
 * Downloads a file of the API with the token, and says so. The name is the server's (Content-Disposition), so that
 * it matches the content; `fallback` when the server gives none.
 */
export async function download(path: string, fallback = 'redsite.xlsx'): Promise<string | undefined> {
  message('');
  try {
    const res = await request(path);
    const name = dispositionFileName(res.headers.get('content-disposition')) ?? fallback;
    saveBlob(await res.blob(), name);
    message(`已开始下载：${name}`, true);
    return name;
  } catch (e) {
    message((e as Error).message);
    return undefined;
  }
}

/**
 * Uploads one file as multipart `file` (or `opts.field`, with `opts.fields` beside it) with progress (fetch cannot
 * report upload progress; XMLHttpRequest can).
 */
export function upload<T>(path: string, file: File, progress: (sent: number, total: number) => void, opts: { field?: string; fields?: Record<string, string> } = {}): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    const token = session.token;
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.upload.addEventListener('progress', (e) => progress(e.loaded, e.lengthComputable ? e.total : file.size));
    xhr.addEventListener('error', () => reject(new ApiError(OFFLINE, 0)));
    xhr.addEventListener('timeout', () => reject(new ApiError('上传超时：请检查网络后重试', 0)));
    xhr.addEventListener('load', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(xhr.responseText) as Record<string, unknown>;
      } catch {
        // not JSON: a proxy error page
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      const err = new ApiError(typeof body.error === 'string' ? body.error : `上传失败（${xhr.status}）`, xhr.status, (body.issues as Issue[] | undefined) ?? [], body);
      if (xhr.status === 401) onUnauthorized(err.message);
      reject(err);
    });
    const form = new FormData();
    for (const [k, v] of Object.entries(opts.fields ?? {})) form.append(k, v);
    form.append(opts.field ?? 'file', file, file.name);
    xhr.send(form);
  });
}

/** A file of the API as a Blob (thumbnails, evidence files), with the token. */
export async function fetchBlob(path: string): Promise<Blob> {
  return (await request(path)).blob();
}
