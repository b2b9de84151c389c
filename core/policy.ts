/**
 * Roles and who may do what, in one table. Pure and browser-safe: the server enforces it (server/policy.ts turns a
 * refusal into a 403) and the dashboard asks the same table which buttons to show, so no rule is written twice.
 */
import { normalizeUnit } from './identity';
import type { Issue } from './issues';
import type { ReporterPlace } from './workbook/result';
import { excerpt } from './text';

export const ROLES = ['secretariat', 'district', 'unit'] as const;
export type Role = (typeof ROLES)[number];
export const ROLE_LABELS: Record<Role, string> = { secretariat: '秘书处', district: '旗县区', unit: '填报单位' };

export interface Actor {
  id: number;
  name: string;
  role: Role;
  district?: string;
  unit?: string;
}

export type Action = 'read' | 'write' | 'review' | 'export' | 'manageUsers' | 'roster' | 'audit' | 'settings' | 'showcase';

/** What an action touches: a submission's (or export's, or account's) district and unit, and an account's role. */
export interface Scope {
  district?: string;
  unit?: string;
  role?: Role;
}

const sameDistrict = (a: Actor, s: Scope) => Boolean(a.district && a.district === s.district);
// Unit names compare normalised (spaces, full-/half-width, 有限公司/有限责任公司), as submissions are keyed (core/identity.ts).
const sameUnit = (a: Actor, s: Scope) => sameDistrict(a, s) && Boolean(a.unit && s.unit && normalizeUnit(a.unit) === normalizeUnit(s.unit));
/** A 旗县区 manages the 填报单位 accounts of its own district, nothing else. */
const ownUnits = (a: Actor, s: Scope) => sameDistrict(a, s) && s.role === 'unit';

const RULES: Record<Role, Record<Action, (a: Actor, s: Scope) => boolean>> = {
  secretariat: { read: () => true, write: () => true, review: () => true, export: () => true, manageUsers: () => true, roster: () => true, audit: () => true, settings: () => true, showcase: () => true },
  district: { read: sameDistrict, write: sameDistrict, review: sameDistrict, export: sameDistrict, manageUsers: ownUnits, roster: sameDistrict, audit: () => false, settings: () => false, showcase: () => false },
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
  manageUsers: (a) => (a.role === 'district' ? `旗县区只能管理本旗县区（${a.district}）的填报单位账号` : '只有联盟秘书处和旗县区可以管理账号'),
  roster: (a) => (a.role === 'unit' ? '填报单位不能查看报送名单' : `只能查看本旗县区（${a.district}）的报送名单`),
  audit: () => '只有联盟秘书处可以查看审计日志',
  settings: () => '只有联盟秘书处可以修改设置',
  showcase: () => '只有联盟秘书处可以生成观摩名单',
};

/** The Chinese reason a refusal gives. */
export function refusal(actor: Actor, action: Action, scope: Scope = {}): string {
  return REASONS[action](actor, scope);
}

/** Where a submission's 填报单位 and 所属旗县区 are (the workbook's cells, as the reader found them), as an issue places them. */
export type ReporterPlaces = Partial<Record<'unit' | 'district', ReporterPlace>>;

/**
 * A refused 'write' as issues on the cells to fix: the 填报单位 and／or 所属旗县区 of the file that are not the
 * account's, so the dashboard's issue table and the add-in say where (申报表!B3) and what to do. Empty when the
 * refusal does not come from the file's 填报单位 or 旗县区.
 */
export function writeRefusalIssues(a: Actor, s: Scope, places: ReporterPlaces = {}): Issue[] {
  const at = (field: 'unit' | 'district') => {
    const p = places[field];
    return p ? { sheet: p.sheet, ...(p.cell ? { cell: p.cell } : {}) } : {};
  };
  const unit = excerpt(s.unit ?? '', 40) || '（空）';
  const district = excerpt(s.district ?? '', 20) || '（空）';
  const out: Issue[] = [];
  if (a.role === 'unit') {
    const otherUnit = '如是其他单位的申报，请由该单位用自己的账号提交，或发给本旗县区代为上传';
    if (!a.unit || !s.unit || normalizeUnit(a.unit) !== normalizeUnit(s.unit)) {
      out.push({ severity: 'error', ...at('unit'), field: 'reporter.unit', message: `填报单位是“${unit}”，您的账号属于“${a.unit ?? ''}”：如是本单位的申报，请把填报单位改为“${a.unit ?? ''}”；${otherUnit}` });
    }
    if (a.district !== s.district) {
      out.push({ severity: 'error', ...at('district'), field: 'reporter.district', message: `所属旗县区是“${district}”，您的账号属于${a.district ?? ''}：如是本单位的申报，请改为“${a.district ?? ''}”；${otherUnit}` });
    }
  } else if (a.role === 'district' && a.district !== s.district) {
    out.push({ severity: 'error', ...at('district'), field: 'reporter.district', message: `所属旗县区是“${district}”，您只能代本旗县区（${a.district ?? ''}）的单位上传：请核对所属旗县区；属于其他旗县区的申报，请由该单位或其所属旗县区上传` });
  }
  return out;
}
