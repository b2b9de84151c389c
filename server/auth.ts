/**
 * Bearer tokens: random, shown once, stored only as sha256 hashes; expiry and revocation. Lookup is by hash, and the
 * found hash is compared again in constant time.
 */
import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import type { DB } from './db';
import { AppError } from './errors';
import type { Actor, Role, UserCreate } from './model';

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
  const row = db.prepare('SELECT * FROM users WHERE id = ?').get(info.lastInsertRowid) as UserRow;
  return { user: publicUser(row), token };
}

export function listUsers(db: DB) {
  return (db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]).map(publicUser);
}

export function revokeUser(db: DB, id: number): boolean {
  return db.prepare('UPDATE users SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date().toISOString(), id).changes > 0;
}

export function findUser(db: DB, id: number) {
  const row = db.prepare('SELECT * FROM users WHERE id = ?').get(id) as UserRow | undefined;
  return row ? publicUser(row) : undefined;
}

export const AUTH_MSG = {
  missing: '请先登录：在请求头中提供 Authorization: Bearer <令牌>',
  invalid: '登录已失效：令牌不正确、已过期或已被停用，请向联盟秘书处或本旗县区管理员重新获取',
} as const;

/** Resolves the token to an actor, or undefined. */
export function authenticate(db: DB, token: string): Actor | undefined {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined;
  const hash = hashToken(token);
  const row = db.prepare('SELECT * FROM users WHERE token_hash = ?').get(hash) as UserRow | undefined;
  if (!row) return undefined;
  if (!crypto.timingSafeEqual(Buffer.from(row.token_hash, 'hex'), Buffer.from(hash, 'hex'))) return undefined;
  if (row.revoked_at) return undefined;
  if (row.expires_at && row.expires_at <= new Date().toISOString()) return undefined;
  return toActor(row);
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
    const token = bearer(req.headers.authorization);
    if (!token) return next(new AppError('UNAUTHORIZED', AUTH_MSG.missing));
    const actor = authenticate(db, token);
    if (!actor) return next(new AppError('UNAUTHORIZED', AUTH_MSG.invalid));
    req.actor = actor;
    next();
  };
}
