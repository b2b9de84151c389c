/**
 * 代为上传 from the command line: posts one e-mailed file to the server as the signed-in 旗县区 (or 秘书处). The
 * server reads the file again, stores it for the unit named in it (which must belong to the account's 旗县区) and
 * answers which unit it was stored for. A self-signed certificate: set NODE_EXTRA_CA_CERTS to its .crt file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OlderVersionDetailsSchema } from '../server/model';

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

/** What to check when the server could not be reached at all (the address, the network, the service). */
const CHECK_SERVER = '请检查 --server 的地址和端口、网络，以及服务是否已启动';
/** The server's certificate is not one this computer trusts: self-signed (redsite certs) or an in-house CA. */
const UNTRUSTED = {
  why: '服务器的证书不受这台电脑信任（自签证书或单位内部签发的证书）',
  then: '请用环境变量 NODE_EXTRA_CA_CERTS 指定服务器的证书文件后重新运行（用 redsite certs 生成的是服务器数据目录中的 certs/localhost.crt），' +
    '如 NODE_EXTRA_CA_CERTS=localhost.crt redsite import …（Windows 命令提示符：先 set NODE_EXTRA_CA_CERTS=localhost.crt；PowerShell：先 $env:NODE_EXTRA_CA_CERTS="localhost.crt"）',
};

/** Why the server could not be reached, in words (Chinese), from fetch's error, and what to do about it. */
function unreachable(server: string, e: unknown): string {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (e as { name?: string }).name;
  const host = URL.canParse(server) ? new URL(server).host : server;
  const why: Record<string, { why: string; then?: string }> = {
    ECONNREFUSED: { why: '连接被拒绝，该地址和端口上没有运行服务' },
    ENOTFOUND: { why: '找不到这个地址' },
    EAI_AGAIN: { why: '暂时无法解析这个地址（网络或 DNS 问题）' },
    ETIMEDOUT: { why: '连接超时' },
    ECONNRESET: { why: '连接被中断' },
    TimeoutError: { why: '服务器 30 秒内没有回答' },
    DEPTH_ZERO_SELF_SIGNED_CERT: UNTRUSTED,
    SELF_SIGNED_CERT_IN_CHAIN: UNTRUSTED,
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: UNTRUSTED,
    UNABLE_TO_GET_ISSUER_CERT: UNTRUSTED,
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNTRUSTED,
    CERT_HAS_EXPIRED: { why: '服务器的证书已过期', then: '请服务器管理员更换证书（自签证书：在服务器上运行 redsite certs --force 并重启服务，再把新证书装到各台电脑）' },
    ERR_TLS_CERT_ALTNAME_INVALID: { why: `服务器证书上的名称与地址 ${host} 不符`, then: '请在 --server 中改用证书上的名称（redsite certs 生成的证书是 localhost 和 127.0.0.1 的），或为这个地址换一张证书' },
    ERR_SSL_WRONG_VERSION_NUMBER: { why: '这个地址上的服务没有使用 https', then: '请把 --server 改为以 http:// 开头' },
    // The same, as OpenSSL 3.2 and later (Node 22+) reports it.
    ERR_SSL_PACKET_LENGTH_TOO_LONG: { why: '这个地址上的服务没有使用 https', then: '请把 --server 改为以 http:// 开头' },
  };
  const known = code ? why[code] : undefined;
  const detail = known?.why ?? cause?.message ?? (e as Error).message;
  return `无法连接服务器 ${server}：${detail}${known ? `（${code}）` : ''}。${known?.then ?? CHECK_SERVER}`;
}

/** Who a token signs in as, as GET /api/v1/me answers. */
export interface SignedIn {
  name: string;
  role: string;
  roleLabel?: string;
  district?: string;
  unit?: string;
}

/**
 * Checks the token once before any file is read (GET /api/v1/me): the account it signs in as, or one Chinese message —
 * the server's own refusal (wrong, expired or revoked token), or why the server could not be reached.
 */
export async function checkUploadToken(server: string, token: string): Promise<{ ok: true; who: SignedIn } | { ok: false; message: string }> {
  let res: Response;
  try {
    res = await fetch(new URL('/api/v1/me', server), { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    return { ok: false, message: unreachable(server, e) };
  }
  const body = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
  if (res.ok && body && typeof body.role === 'string') return { ok: true, who: body as unknown as SignedIn };
  if (body && typeof body.error === 'string') return { ok: false, message: `服务器拒绝了令牌：${body.error}` };
  return { ok: false, message: `${server} 没有按 redsite 服务的方式回答（HTTP ${res.status}）：请检查 --server 是否是 redsite 服务的地址` };
}

export async function uploadFile(server: string, token: string, file: string, district?: string): Promise<UploadOutcome> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(fs.readFileSync(file))]), path.basename(file));
  if (district) form.append('district', district);
  let res: Response;
  try {
    res = await fetch(new URL('/api/v1/submissions', server), { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  } catch (e) {
    return { ok: false, status: 0, message: unreachable(server, e) };
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  // An older version's content (the server refuses it so it never replaces the newer or approved one): skipped, not
  // failed — the folder still holds the attachment the unit replaced since.
  // The versions come from the answer's details; a server without them (an older one) is quoted whole.
  if (res.status === 409 && body.code === 'OLDER_VERSION') {
    const details = OlderVersionDetailsSchema.safeParse(body.details);
    if (!details.success) return { ok: true, older: true, status: res.status, message: `已跳过（旧版本）：${String(body.error ?? res.statusText)}` };
    const d = details.data;
    return { ok: true, older: true, status: res.status, unit: d.unit, message: `已跳过（旧版本）：与服务器上的第 ${d.olderVersion} 版相同，现已是第 ${d.latestVersion} 版（${d.state}），未上传` };
  }
  if (!res.ok) return { ok: false, status: res.status, message: `服务器未接收：${String(body.error ?? res.statusText)}` };
  const out = { ok: true, status: res.status, id: String(body.id), version: Number(body.version), unchanged: Boolean(body.unchanged), unit: String(body.unit), district: String(body.district) };
  return { ...out, message: out.unchanged ? `内容未变（${out.unit}，第 ${out.version} 版）` : `已代“${out.unit}”上传，第 ${out.version} 版` };
}
