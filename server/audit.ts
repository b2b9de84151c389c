/** The audit log: every write says who, when, what and from where. Rows can only be added (see the db triggers). */
import type { DB } from './db';
import { stmt } from './db';
import type { Actor } from './model';

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
  ip: string | null;
}

export function audit(db: DB, actor: Actor | undefined, action: string, target: string | null, detail: unknown, ip: string | undefined): void {
  stmt(db, 'INSERT INTO audit (at, actor_id, actor_name, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
    new Date().toISOString(), actor?.id ?? null, actor ? `${actor.name}` : '系统', action, target, JSON.stringify(detail ?? null), ip ?? null,
  );
}

interface AuditRow {
  at: string;
  actor_name: string | null;
  action: string;
  target: string | null;
  detail: string | null;
  ip: string | null;
}

const toEntry = (r: AuditRow): AuditEntry => ({ at: r.at, actor: r.actor_name ?? '系统', action: r.action, target: r.target, detail: r.detail ? JSON.parse(r.detail) : null, ip: r.ip });

/** The most recent entries about one target, oldest first (bounded: a resend loop must not grow every answer). */
export function auditFor(db: DB, target: string, limit = 500): AuditEntry[] {
  return (stmt(db, 'SELECT * FROM (SELECT * FROM audit WHERE target = ? ORDER BY id DESC LIMIT ?) ORDER BY id').all(target, limit) as AuditRow[]).map(toEntry);
}

export function auditPage(db: DB, limit = 200, before?: number): Array<AuditEntry & { id: number }> {
  const rows = (before
    ? stmt(db, 'SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?').all(before, limit)
    : stmt(db, 'SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit)) as Array<AuditRow & { id: number }>;
  return rows.map((r) => ({ id: r.id, ...toEntry(r) }));
}
