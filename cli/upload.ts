/**
 * 代为上传 from the command line: posts one e-mailed file to the server as the signed-in 旗县区 (or 秘书处). The
 * server reads the file again, stores it for the unit named in it (which must belong to the account's 旗县区) and
 * answers which unit it was stored for. A self-signed certificate: set NODE_EXTRA_CA_CERTS to its .crt file.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface UploadOutcome {
  ok: boolean;
  status: number;
  id?: string;
  version?: number;
  unchanged?: boolean;
  /** Not uploaded: the server holds this content as an older version of the 申报 (a stale attachment). */
  older?: boolean;
  unit?: string;
  district?: string;
  /** One line for the table: what happened, in Chinese. */
  message: string;
}

/** Why `server` is not a server address (Chinese), or undefined: it must be an http:// or https:// address. */
export function serverUrlProblem(server: string): string | undefined {
  let url: URL | undefined;
  try {
    url = new URL(server);
  } catch {
    url = undefined;
  }
  if (url && (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return undefined;
  return `服务器地址 --server “${server}” 无效：地址须以 http:// 或 https:// 开头，如 https://redsite.example.cn 或 http://192.168.1.10:3000`;
}

export async function uploadFile(server: string, token: string, file: string, district?: string): Promise<UploadOutcome> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(fs.readFileSync(file))]), path.basename(file));
  if (district) form.append('district', district);
  let res: Response;
  try {
    res = await fetch(new URL('/api/v1/submissions', server), { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, status: 0, message: `无法连接服务器：${cause?.code ?? cause?.message ?? (e as Error).message}` };
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  // An older version's content (the server refuses it so it never replaces the newer or approved one): skipped, not
  // failed — the folder still holds the attachment the unit replaced since.
  if (res.status === 409 && body.code === 'OLDER_VERSION') {
    const error = String(body.error);
    const m = /第 (\d+) 版内容相同，而服务器上已有更新的第 (\d+) 版（(.+?)）/.exec(error);
    return { ok: true, older: true, status: res.status, message: m ? `已跳过（旧版本）：与服务器上的第 ${m[1]} 版相同，现已是第 ${m[2]} 版（${m[3]}），未上传` : `已跳过（旧版本）：${error}` };
  }
  if (!res.ok) return { ok: false, status: res.status, message: `服务器未接收：${String(body.error ?? res.statusText)}` };
  const out = { ok: true, status: res.status, id: String(body.id), version: Number(body.version), unchanged: Boolean(body.unchanged), unit: String(body.unit), district: String(body.district) };
  return { ...out, message: out.unchanged ? `内容未变（${out.unit}，第 ${out.version} 版）` : `已代“${out.unit}”上传，第 ${out.version} 版` };
}
