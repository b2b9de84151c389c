/** The task pane's calls to the redsite server (same origin as the pane). Errors become Chinese messages. */
import type { Issue } from '../../core/issues';

const TOKEN_KEY = 'redsite.token';

export const session = {
  get token(): string {
    try {
      return localStorage.getItem(TOKEN_KEY) ?? '';
    } catch {
      return '';
    }
  },
  set token(value: string) {
    try {
      if (value) localStorage.setItem(TOKEN_KEY, value);
      else localStorage.removeItem(TOKEN_KEY);
    } catch {
      // Storage can be disabled in some Office hosts; the token then lasts for this session only.
    }
  },
};

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly issues: Issue[] = [],
  ) {
    super(message);
  }
}

export const OFFLINE = '无法连接服务器：请检查网络后再点一次“同步到服务器”。您填写的内容都保存在工作簿里，不会丢失。';

/** A failure that is not the server's JSON answer (a proxy's error page, a gateway timeout): what happened and what to do. */
export function unreadableAnswer(status: number): string {
  if (status === 413) return `服务器拒收了这次的内容（${status}，内容太大）：请压缩照片或分几次上传后再试；如一直出现请联系联盟秘书处。工作簿中的内容不会丢失。`;
  return `服务器暂时无法处理（${status}），请稍后再试；如一直出现请联系联盟秘书处。工作簿中的内容不会丢失。`;
}

let onUnauthorized: (message: string) => void = () => undefined;
/** What to do when the server says the token no longer works (revoked, expired, wrong): sign out and show why. */
export function whenUnauthorized(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (session.token) headers.set('authorization', `Bearer ${session.token}`);
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers });
  } catch {
    throw new ApiError(OFFLINE, 0);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: unknown; issues?: Issue[] };
    const err = typeof body.error === 'string' && body.error ? new ApiError(body.error, res.status, Array.isArray(body.issues) ? body.issues : []) : new ApiError(unreadableAnswer(res.status), res.status);
    if (res.status === 401 && session.token) onUnauthorized(err.message);
    throw err;
  }
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await request(path)).json() as Promise<T>;
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return (await request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<T>;
}

export async function getBase64(path: string): Promise<string> {
  const bytes = new Uint8Array(await (await request(path)).arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The Submission plus the workbook file as its original (multipart), so reviewers can open what the unit saw. */
export async function postSubmissionWithFile<T>(submission: unknown, file: Uint8Array, name: string): Promise<T> {
  const form = new FormData();
  form.append('submission', JSON.stringify(submission));
  form.append('file', new Blob([new Uint8Array(file)]), name);
  return (await request('/api/v1/submissions', { method: 'POST', body: form })).json() as Promise<T>;
}

/** A multipart form (evidence files with their project and criterion). */
export async function postForm<T>(path: string, form: FormData): Promise<T> {
  return (await request(path, { method: 'POST', body: form })).json() as Promise<T>;
}
