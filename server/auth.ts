/**
 * Bearer tokens: random, shown once, stored only as sha256 hashes; expiry and revocation. Lookup is by hash, and the
 * found hash is compared again in constant time.
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { DB } from './db';
import { bumpAccountsVersion, stmt } from './db';
import { AppError } from './errors';
import type { Actor, Role, UserCreate } from './model';
import { beijingTime } from '../core/time';

export const TOKEN_PREFIX = 'rs_';

export function newToken(): string {
  return `${TOKEN_PREFIX}${crypto.randomBytes(24).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token, 'utf8').digest('hex');
}

interface UserRow {
  id: number;
  name: string;
  role: Role;
  district: string | null;
  unit: string | null;
  token_hash: string;
  token_prefix: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
}

export function toActor(u: UserRow): Actor {
  return { id: u.id, name: u.name, role: u.role, ...(u.district ? { district: u.district } : {}), ...(u.unit ? { unit: u.unit } : {}) };
}

export function publicUser(u: UserRow) {
  return { ...toActor(u), tokenPrefix: u.token_prefix, createdAt: u.created_at, expiresAt: u.expires_at, revokedAt: u.revoked_at };
}

export function createUser(db: DB, input: UserCreate, createdBy?: number): { user: ReturnType<typeof publicUser>; token: string } {
  const token = newToken();
  const now = new Date();
  const expires = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86400_000).toISOString() : null;
  const info = db
    .prepare('INSERT INTO users (name, role, district, unit, token_hash, token_prefix, created_at, created_by, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(input.name, input.role, input.role === 'secretariat' ? null : (input.district ?? null), input.role === 'unit' ? (input.unit ?? null) : null, hashToken(token), token.slice(0, 8), now.toISOString(), createdBy ?? null, expires);
  bumpAccountsVersion(db);
  const row = db.prepare('SELECT * FROM users WHERE id = ?').get(info.lastInsertRowid) as UserRow;
  return { user: publicUser(row), token };
}

export function listUsers(db: DB) {
  return (db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]).map(publicUser);
}

export function revokeUser(db: DB, id: number): boolean {
  const revoked = db.prepare('UPDATE users SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id).changes > 0;
  if (revoked) bumpAccountsVersion(db);
  return revoked;
}

/**
 * A new token for an existing account (the old one stops working at once): how a lost or leaked token is replaced.
 * A revoked account becomes active again; an expired one no longer expires.
 */
export function reissueToken(db: DB, id: number): { user: ReturnType<typeof publicUser>; token: string } | undefined {
  const token = newToken();
  const now = new Date().toISOString();
  const changed = db
    .prepare('UPDATE users SET token_hash = ?, token_prefix = ?, revoked_at = NULL, expires_at = CASE WHEN expires_at IS NOT NULL AND expires_at <= ? THEN NULL ELSE expires_at END WHERE id = ?')
    .run(hashToken(token), token.slice(0, 8), now, id).changes;
  if (!changed) return undefined;
  bumpAccountsVersion(db);
  return { user: publicUser(db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow), token };
}

/** Active 填报单位 accounts, oldest first (server/accounts.ts compares their units by unit key). */
export function listUnitAccounts(db: DB) {
  return (db.prepare("SELECT * FROM users WHERE role = 'unit' AND revoked_at IS NULL ORDER BY id").all() as UserRow[]).map(publicUser);
}

export function findUser(db: DB, id: number) {
  const row = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  return row ? publicUser(row) : undefined;
}

const REPLACE = '遗失或过期的令牌无法找回：请联系本旗县区管理员或联盟秘书处在“账号”中重新签发';

export const AUTH_MSG = {
  missing: '请先登录：在请求头中提供 Authorization: Bearer <令牌>',
  unknown: `令牌不正确：请检查是否完整复制（以 rs_ 开头，不含空格）。${REPLACE}`,
  expired: (at: string) => `令牌已于 ${beijingTime(at)}（北京时间）过期。${REPLACE}`,
  revoked: (at: string) => `该账号的令牌已于 ${beijingTime(at)}（北京时间）停用。如需继续使用，请联系本旗县区管理员或联盟秘书处重新签发`,
} as const;

export type TokenCheck = { actor: Actor } | { refused: 'unknown' | 'expired' | 'revoked'; at?: string };

/** Resolves a token to its actor, or says why it is refused (wrong, expired or revoked). */
export function checkToken(db: DB, token: string): TokenCheck {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return { refused: 'unknown' };
  const hash = hashToken(token);
  const row = stmt(db, 'SELECT * FROM users WHERE token_hash = ?').get(hash) as UserRow | undefined;
  if (!row) return { refused: 'unknown' };
  if (!crypto.timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(hash, 'hex'))) return { refused: 'unknown' };
  if (row.revoked_at) return { refused: 'revoked', at: row.revoked_at };
  if (row.expires_at && row.expires_at <= new Date().toISOString()) return { refused: 'expired', at: row.expires_at };
  return { actor: toActor(row) };
}

/** What checkToken said of a request's bearer token: asked by the sign-in rate limit, then by requireAuth. */
const checkedTokens = new WeakMap<Request, { token: string; check: TokenCheck }>();

/** checkToken for the request's bearer token, once per request (a hash and a database lookup each time). */
export function requestToken(db: DB, req: Request): { token?: string; check?: TokenCheck } {
  const token = bearer(req.headers.authorization);
  if (!token) return {};
  const known = checkedTokens.get(req);
  if (known && known.token === token) return known;
  const checked = { token, check: checkToken(db, token) };
  checkedTokens.set(req, checked);
  return checked;
}

function refusalMessage(r: Exclude<TokenCheck, { actor: Actor }>): string {
  if (r.refused === 'expired') return AUTH_MSG.expired(r.at!);
  if (r.refused === 'revoked') return AUTH_MSG.revoked(r.at!);
  return AUTH_MSG.unknown;
}

declare module 'express-serve-static-core' {
  interface Request {
    actor?: Actor;
  }
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}

/** Requires a valid token; 401 in Chinese otherwise. */
export function requireAuth(db: DB): RequestHandler {
  return (req, _res, next) => {
    const { check: checked } = requestToken(db, req);
    if (!checked) return next(new AppError('UNAUTHORIZED', AUTH_MSG.missing));
    if (!('actor' in checked)) return next(new AppError('UNAUTHORIZED', refusalMessage(checked)));
    req.actor = checked.actor;
    next();
  };
}

/** The account of an earlier sign-in (a download ticket), unless it was revoked or has expired since. */
export function activeActor(db: DB, actor: Actor): Actor | undefined {
  const row = db.prepare('SELECT revoked_at, expires_at FROM users WHERE id = ?').get(actor.id) as { revoked_at: string | null; expires_at: string | null } | undefined;
  return row && !row.revoked_at && !(row.expires_at && row.expires_at <= new Date().toISOString()) ? actor : undefined;
}
