/**
 * Who may do what, in one table. Routes ask `can(actor, action, scope)`; a refusal is a 403 with a Chinese reason.
 * Scope is the submission's (or export's) district and unit.
 */
import { AppError } from './errors';
import type { Actor } from './model';
import type { AuditEntry } from './audit';

export type Action = 'read' | 'write' | 'review' | 'export' | 'manageUsers' | 'roster' | 'audit' | 'settings' | 'showcase';

export interface Scope {
  district?: string;
  unit?: string;
}

const sameDistrict = (a: Actor, s: Scope) => Boolean(a.district && a.district === s.district);
const sameUnit = (a: Actor, s: Scope) => sameDistrict(a, s) && Boolean(a.unit && a.unit === s.unit);

const RULES: Record<Actor['role'], Record<Action, (a: Actor, s: Scope) => boolean>> = {
  secretariat: { read: () => true, write: () => true, review: () => true, export: () => true, manageUsers: () => true, roster: () => true, audit: () => true, settings: () => true, showcase: () => true },
  district: { read: sameDistrict, write: sameDistrict, review: sameDistrict, export: sameDistrict, manageUsers: () => false, roster: sameDistrict, audit: () => false, settings: () => false, showcase: () => false },
  unit: { read: sameUnit, write: sameUnit, review: () => false, export: () => false, manageUsers: () => false, roster: () => false, audit: () => false, settings: () => false, showcase: () => false },
};

export function can(actor: Actor, action: Action, scope: Scope = {}): boolean {
  return RULES[actor.role][action](actor, scope);
}

const REASONS: Record<Action, (a: Actor, s: Scope) => string> = {
  read: (a, s) => (a.role === 'unit' ? `只能查看本单位（${a.unit}）的申报` : `只能查看本旗县区（${a.district}）的申报${s.district ? `，该申报属于${s.district}` : ''}`),
  write: (a, s) =>
    a.role === 'unit'
      ? `只能提交本单位的申报：您的账号属于“${a.unit}”（${a.district}），工作簿中的填报单位是“${s.unit ?? ''}”（${s.district ?? ''}）`
      : `只能代本旗县区（${a.district}）的单位提交，该申报属于${s.district ?? '其他旗县区'}`,
  review: (a, s) => (a.role === 'unit' ? '填报单位不能审核或退回申报' : `只能审核本旗县区（${a.district}）的申报，该申报属于${s.district ?? '其他旗县区'}`),
  export: (a, s) => (a.role === 'unit' ? '填报单位不能下载汇总表' : `只能下载本旗县区（${a.district}）的汇总表${s.district ? `，不能下载${s.district}的` : '，全市总表仅限联盟秘书处'}`),
  manageUsers: () => '只有联盟秘书处可以管理账号',
  roster: (a) => (a.role === 'unit' ? '填报单位不能查看报送名单' : `只能查看本旗县区（${a.district}）的报送名单`),
  audit: () => '只有联盟秘书处可以查看审计日志',
  settings: () => '只有联盟秘书处可以修改设置',
  showcase: () => '只有联盟秘书处可以生成观摩名单',
};

export function authorize(actor: Actor | undefined, action: Action, scope: Scope = {}): Actor {
  if (!actor) throw new AppError('UNAUTHORIZED', '请先登录');
  if (!can(actor, action, scope)) throw new AppError('FORBIDDEN', REASONS[action](actor, scope));
  return actor;
}

/**
 * The audit trail as a viewer may see it: reviewers and administrators see where each change came from; a unit sees
 * who did what and when, but no addresses (a reviewer's IP address is not the unit's business).
 */
export function visibleAudit<T extends AuditEntry>(actor: Actor, entries: T[]): Array<Omit<T, 'ip'> | T> {
  return actor.role === 'unit' ? entries.map(({ ip: _ip, ...rest }) => rest) : entries;
}
