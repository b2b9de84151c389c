/** The audit log: every write says who, when, what and from where. Rows can only be added (see the db triggers). */
import type { DB } from './db';
import { stmt } from './db';
import type { Actor } from './model';
import { can, ROLE_LABELS, type Role } from '../core/policy';

/**
 * Every action the log records, in the words people read (the dashboard shows them as they are). One list, so that a
 * row is always written and looked for (server/annotate.ts) under the same name.
 */
export const AUDIT_ACTIONS = [
  // 申报: uploads (server/submissions.ts storeIn)
  '提交申报', '提交新版本', '退回后重新提交', '审核通过后提交新版本', '重复提交（内容未变）', '代为上传', '代为上传（内容未变）',
  // review (server/submissions.ts review, server/criterion-returns.ts): a return, then changes to it while it stands
  '审核通过', '退回修改', '退回细则', '修改退回原因', '修改退回细则',
  // 佐证
  '上传佐证', '删除佐证',
  // accounts, roster, settings (dashboard / API, and the command line)
  '初始化：创建秘书处账号', '创建账号', '批量创建账号', '停用账号', '重新签发令牌', '导入报送名单', '修改设置',
  '命令行创建账号', '命令行重新签发令牌', '命令行停用账号', '命令行导入报送名单',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The actions that set the reason a returned submission shows: the return of a version, and a new reason for that
 * return while it stands. The annotated workbook names who set the reason standing, and when.
 */
export const RETURN_REASON_ACTIONS: readonly AuditAction[] = ['退回修改', '修改退回原因'];

/** The review actions about one version (detail.version): its last one tells whether it was left 退回修改. */
const REVIEW_ACTIONS: readonly AuditAction[] = ['审核通过', ...RETURN_REASON_ACTIONS];

export interface AuditEntry {
  at: string;
  actor: string;
  action: string;
  target: string | null;
  detail: unknown;
  ip: string | null;
}

export function audit(db: DB, actor: Actor | undefined, action: AuditAction, target: string | null, detail: unknown, ip: string | undefined): void {
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

/**
 * Whether `version` of submission `id` stood returned (退回修改) when it was last reviewed: its last review action
 * was a return or a new reason for it. A version is left that way until the unit's next version replaces it.
 */
export function lastReviewReturned(db: DB, id: string, version: number): boolean {
  const row = stmt(db, "SELECT action FROM audit WHERE target = ? AND action IN (SELECT value FROM json_each(?)) AND json_extract(detail, '$.version') = ? ORDER BY id DESC LIMIT 1")
    .get(id, JSON.stringify(REVIEW_ACTIONS), version) as { action: AuditAction } | undefined;
  return row !== undefined && RETURN_REASON_ACTIONS.includes(row.action);
}

/** Targets that are not a row: what they name, in words. */
const FIXED_TARGETS: Record<string, string> = { roster: '报送名单', users: '账号（批量创建）', settings: '设置' };

interface TargetRow {
  target: string;
  kind: 'user' | 'submission';
  name: string;
  role: Role | null;
  district: string | null;
  unit: string | null;
}

/**
 * What each target is, in Chinese, for people reading the log: `user:4` → 账号 #4 王某（东河区）, `roster` → 报送名单, a
 * submission's id → 申报：<单位>（<旗县区>）. One query for the whole page. A name appears only where the viewer may
 * read it (the same table as everywhere: core/policy.ts); otherwise the label says what kind of object it is.
 */
export function auditTargetLabels(db: DB, viewer: Actor, targets: Array<string | null>): Map<string, string> {
  const labels = new Map<string, string>();
  const userIds: number[] = [];
  const submissionIds: string[] = [];
  for (const t of new Set(targets)) {
    if (t === null) continue;
    if (t in FIXED_TARGETS) labels.set(t, FIXED_TARGETS[t]!);
    else if (/^user:\d+$/.test(t)) userIds.push(Number(t.slice(5)));
    else submissionIds.push(t);
  }
  if (!userIds.length && !submissionIds.length) return labels;
  const rows = stmt(
    db,
    `SELECT 'user:' || id AS target, 'user' AS kind, name, role, district, unit FROM users WHERE id IN (SELECT value FROM json_each(?))
     UNION ALL
     SELECT id AS target, 'submission' AS kind, unit AS name, NULL AS role, district, unit FROM submissions WHERE id IN (SELECT value FROM json_each(?))`,
  ).all(JSON.stringify(userIds), JSON.stringify(submissionIds)) as TargetRow[];
  for (const r of rows) {
    if (r.kind === 'user') {
      const id = r.target.slice(5);
      const scope = { district: r.district ?? undefined, unit: r.unit ?? undefined, role: r.role ?? undefined };
      const visible = viewer.id === Number(id) || can(viewer, 'manageUsers', scope);
      labels.set(r.target, visible ? `账号 #${id} ${r.name}（${r.district ?? ROLE_LABELS[r.role!]}）` : `账号 #${id}`);
    } else {
      const visible = can(viewer, 'read', { district: r.district ?? undefined, unit: r.unit ?? undefined });
      labels.set(r.target, visible ? `申报：${r.name}（${r.district}）` : '申报');
    }
  }
  for (const id of userIds) if (!labels.has(`user:${id}`)) labels.set(`user:${id}`, `账号 #${id}`);
  return labels;
}

/**
 * One page of the log, newest first. `target` stays the raw id (for scripts); `targetLabel` says what it is in words
 * (auditTargetLabels), resolved here so the dashboard shows no ids.
 */
export function auditPage(db: DB, viewer: Actor, limit = 200, before?: number): Array<AuditEntry & { id: number; targetLabel: string | null }> {
  const rows = (before
    ? stmt(db, 'SELECT * FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?').all(before, limit)
    : stmt(db, 'SELECT * FROM audit ORDER BY id DESC LIMIT ?').all(limit)) as Array<AuditRow & { id: number }>;
  const labels = auditTargetLabels(db, viewer, rows.map((r) => r.target));
  return rows.map((r) => ({ id: r.id, ...toEntry(r), targetLabel: r.target === null ? null : labels.get(r.target) ?? r.target }));
}
