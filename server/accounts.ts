/**
 * Creating accounts: one (POST /users, `redsite user add`) or many from a unit list (POST /users/bulk). A unit has at
 * most one active 填报单位 account, by the unit key submissions use (core/identity.ts): “…有限公司” and
 * “…有限责任公司” of one 旗县区 are one unit, and would see and change each other's submissions. A second account for
 * a unit is refused (a lost token is replaced with “重新签发”, which keeps the account). 旗县区 and 秘书处 accounts
 * are not limited: several officers of one 旗县区 may each have their own.
 */
import type { DB } from './db';
import type { Actor, UserCreate } from './model';
import { createUser, listUnitAccounts, type publicUser } from './auth';
import { audit } from './audit';
import { fail } from './errors';
import { upsertRoster, type RosterEntry } from './roster';
import { unitKey } from '../core/identity';
import type { AccountSheetRow } from '../core/node/workbook/accounts-export';

type User = ReturnType<typeof publicUser>;

/** Where a lost token is replaced: the dashboard's account list, or the command line. */
export const REISSUE_IN = {
  dashboard: '在账号列表中该账号一行点“重新签发”',
  cli: (id: number) => `运行 redsite user reissue ${id}`,
} as const;

/** Why a unit gets no second account: which account it has, and how to get a new token for it. */
export function unitHasAccount(existing: User, unit: string, reissue: string = REISSUE_IN.dashboard): string {
  const same = existing.unit && existing.unit !== unit ? `（“${existing.unit}”，与“${unit}”视为同一单位）` : '';
  return `已有账号 #${existing.id}${same}：一个单位只设一个账号，令牌遗失请${reissue}（旧令牌随即失效）`;
}

/**
 * The active 填报单位 account of a unit (the oldest, if older data has several), by unit key: the one rule for single
 * and bulk creation. Reads the active unit accounts once, for a whole unit list.
 */
export function unitAccounts(db: DB): { of(district: string, unit: string): User | undefined } {
  const byKey = new Map<string, User>();
  for (const u of listUnitAccounts(db)) {
    const k = unitKey(u.unit, u.district);
    if (!byKey.has(k)) byKey.set(k, u);
  }
  return { of: (district, unit) => byKey.get(unitKey(unit, district)) };
}

/**
 * One account (POST /users, `redsite user add`): a 填报单位 account only when its unit has no active one (409
 * otherwise, naming that account). The check and the insert are one transaction, so two requests at once (a double
 * click) cannot both pass it.
 */
export function createAccount(db: DB, input: UserCreate, createdBy: number | undefined, reissue: (id: number) => string = () => REISSUE_IN.dashboard): ReturnType<typeof createUser> {
  return db.transaction(() => {
    if (input.role === 'unit' && input.unit && input.district) {
      const existing = unitAccounts(db).of(input.district, input.unit);
      if (existing) fail('CONFLICT', `“${input.unit}”（${input.district}）${unitHasAccount(existing, input.unit, reissue(existing.id))}。没有创建新账号`);
    }
    return createUser(db, input, createdBy);
  }).immediate();
}

export interface UnitAccounts {
  created: Array<{ user: User; unit: string; district: string }>;
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
  const seen = new Map<string, string>();
  db.transaction(() => {
    const accounts = unitAccounts(db);
    for (const e of entries) {
      const k = unitKey(e.unit, e.district);
      const first = seen.get(k);
      if (first !== undefined) {
        out.skipped.push({ unit: e.unit, district: e.district, reason: first === e.unit ? '名单中重复出现' : `名单中重复出现（与“${first}”视为同一单位）` });
        continue;
      }
      seen.set(k, e.unit);
      const existing = accounts.of(e.district, e.unit);
      if (existing) {
        out.skipped.push({ unit: e.unit, district: e.district, reason: unitHasAccount(existing, e.unit) });
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
