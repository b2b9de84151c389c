/** Accounts for many units at once (a unit list): the query behind POST /users/bulk. */
import type { DB } from './db';
import type { Actor } from './model';
import { activeUnitAccounts, createUser, type findUser } from './auth';
import { audit } from './audit';
import { upsertRoster, type RosterEntry } from './roster';
import type { AccountSheetRow } from '../core/node/workbook/accounts-export';

export interface UnitAccounts {
  created: Array<{ user: ReturnType<typeof findUser>; unit: string; district: string }>;
  skipped: Array<{ unit: string; district: string; reason: string }>;
  /** Rows of 账号清单.xlsx, with the new tokens (the only time they are shown). */
  rows: AccountSheetRow[];
}

/**
 * One 填报单位 account per unit of the list that has none yet; the units join the roster (应报) as well. One
 * transaction: either every new account (and the roster update) is stored, or none is.
 */
export function createUnitAccounts(db: DB, actor: Actor, entries: readonly RosterEntry[], from: { ip?: string; file: string }): UnitAccounts {
  const out: UnitAccounts = { created: [], skipped: [], rows: [] };
  const seen = new Set<string>();
  db.transaction(() => {
    for (const e of entries) {
      const k = `${e.district}\u0000${e.unit}`;
      if (seen.has(k)) {
        out.skipped.push({ unit: e.unit, district: e.district, reason: '名单中重复出现' });
        continue;
      }
      seen.add(k);
      const existing = activeUnitAccounts(db, e.district, e.unit);
      if (existing.length) {
        out.skipped.push({ unit: e.unit, district: e.district, reason: `已有账号 #${existing[0]!.id}（令牌遗失请在账号列表中点“重新签发”）` });
        continue;
      }
      const c = createUser(db, { name: e.unit, role: 'unit', district: e.district, unit: e.unit }, actor.id);
      audit(db, actor, '创建账号', `user:${c.user.id}`, { name: c.user.name, role: 'unit', district: e.district, unit: e.unit, bulk: true }, from.ip);
      out.created.push({ user: c.user, unit: e.unit, district: e.district });
      out.rows.push({ unit: e.unit, district: e.district, contact: e.contact, phone: e.phone, account: `#${c.user.id} ${c.user.name}`, token: c.token });
    }
    upsertRoster(db, entries);
    audit(db, actor, '批量创建账号', 'users', { created: out.created.length, skipped: out.skipped.length, file: from.file }, from.ip);
  }).immediate();
  return out;
}
