/**
 * The roster of units expected to report, per 旗县区 (imported from a simple xlsx/CSV: 单位名称, 旗县区, 联系人, 电话),
 * and the views built on it: who has submitted, been returned, been approved, and who has not submitted yet.
 */
import type { DB } from './db';
import { accountsVersion, bumpDataVersion, dataVersion } from './db';
import { DISTRICTS, normalizeDistrict } from '../core/districts';
import { MSG } from '../core/messages';
import { cleanText, excerpt, headerKey } from '../core/text';
import { phoneSchema } from '../core/schema';
import { capIssues, type Issue } from '../core/issues';
import { defaultPool, detectFormat } from '../core/node/workbook/guard';
import { BUSY_FIELD, compiledScript, failureMessage, type JobOptions, type ParsePool } from '../core/node/workbook/pool';
import { ROSTER_ROWS, type RosterGrid, type RosterJob } from './roster-worker';
import { colLetter } from '../core/ooxml/address';
import { meanRate } from '../core/score';
import { unitKey } from '../core/identity';
import { resolvedSummaries } from './versions';

export interface RosterEntry {
  unit: string;
  district: string;
  contact: string;
  phone: string;
  /** Where a unit read from a file stands: its 旗县区 cell (sheet or file name, A1 cell), for issues about that row. */
  at?: { sheet: string; cell: string };
}

const COLUMNS: Array<[keyof RosterEntry, RegExp]> = [
  ['unit', /^(单位名称|企业名称|单位|填报单位)$/],
  ['district', /^(旗县区|所属旗县区|地区)$/],
  ['contact', /^(联系人|负责人)$/],
  ['phone', /^(电话|联系电话|手机)$/],
];

const PHONE_LABEL = '电话';

function fromGrid(name: string, rows: string[][]): { entries: RosterEntry[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const headerIndex = rows.findIndex((r) => r.some((c) => /^(单位名称|企业名称|填报单位)$/.test(headerKey(c))) && r.some((c) => /旗县区|地区/.test(headerKey(c))));
  if (headerIndex < 0) {
    return { entries: [], issues: [{ severity: 'error', sheet: name, field: 'roster', message: '没有找到名单表头：第一行应为 单位名称、旗县区、联系人、电话' }] };
  }
  const header = rows[headerIndex]!.map((c) => headerKey(c));
  const col = Object.fromEntries(COLUMNS.map(([k, re]) => [k, header.findIndex((h) => re.test(h))])) as Record<keyof RosterEntry, number>;
  const entries: RosterEntry[] = [];
  rows.slice(headerIndex + 1).forEach((r, i) => {
    const rowNo = headerIndex + 2 + i;
    const get = (k: keyof RosterEntry) => (col[k] >= 0 ? cleanText(r[col[k]]) : '');
    if (!get('unit') && !get('district')) return;
    const district = normalizeDistrict(get('district'));
    if (!get('unit')) return issues.push({ severity: 'error', sheet: name, cell: `${colLetter(col.unit + 1)}${rowNo}`, field: 'unit', message: '请填写单位名称' });
    if (!district) return issues.push({ severity: 'error', sheet: name, cell: `${colLetter(col.district + 1)}${rowNo}`, field: 'district', message: MSG.unknownDistrict(get('district')) });
    // A phone may be left blank; one that is given is checked like every other phone of the product (core/schema.ts).
    const phone = get('phone') ? phoneSchema(PHONE_LABEL).safeParse(get('phone')) : undefined;
    if (phone && !phone.success) return issues.push({ severity: 'error', sheet: name, cell: `${colLetter(col.phone + 1)}${rowNo}`, field: 'phone', message: `${phone.error.issues[0]!.message}（“${excerpt(get('phone'), 20)}”）` });
    entries.push({ unit: get('unit'), district, contact: get('contact'), phone: phone?.data ?? '', at: { sheet: name, cell: `${colLetter(col.district + 1)}${rowNo}` } });
    return undefined;
  });
  return { entries, issues };
}

/**
 * Reads a roster file in the worker pool (guard, heap cap, time limit, fair queue), then maps its header and rows
 * here. At most ROSTER_ROWS units; a longer file is refused rather than cut silently.
 */
export async function readRosterFile(bytes: Uint8Array, fileName: string, pool: ParsePool = defaultPool(), job: JobOptions = {}): Promise<{ entries: RosterEntry[]; issues: Issue[]; busy?: boolean }> {
  const refuse = (message: string, busy = false) => ({ entries: [], issues: [{ severity: 'error' as const, field: 'file', message }], ...(busy ? { busy } : {}) });
  const detected = detectFormat(bytes, fileName, pool.limits);
  if (detected.format === 'rejected') return refuse(detected.message);
  if (detected.format !== 'xlsx' && detected.format !== 'csv') return refuse('报送名单请用 Excel 工作簿（.xlsx）或 CSV 表格（列：单位名称、旗县区、联系人、电话）');
  const payload: RosterJob = { format: detected.format, bytes, fileName: excerpt(fileName, 80), limits: pool.limits };
  const out = await pool.run<RosterGrid>({ handler: compiledScript(__filename, 'roster-worker.js'), payload, timeMs: pool.limits.parseMs, bytes: bytes.byteLength, ...job });
  if (!out.ok) {
    const { message, field } = failureMessage(out.reason);
    return refuse(message, field === BUSY_FIELD);
  }
  const grid = out.value;
  if ('refused' in grid) return refuse(grid.refused);
  if (grid.more) return refuse(`名单超过 ${ROSTER_ROWS} 行：请按旗县区分成几个文件分别导入`);
  return fromGrid(grid.name, grid.rows);
}

/**
 * A district may import only its own units: one issue per unit of another 旗县区, at that row's 旗县区 cell, naming
 * the unit — and what the file holds (`found`, naming the first of them), which the API's and the CLI's refusals
 * each begin in their own words (`message` is the API's).
 */
export function foreignUnits(entries: readonly RosterEntry[], district: string): { message: string; found: string; issues: Issue[] } | undefined {
  const foreign = entries.filter((e) => e.district !== district);
  if (!foreign.length) return undefined;
  const first = foreign[0]!;
  const found = `文件中有 ${foreign.length} 个其他旗县区的单位（如“${excerpt(first.unit, 30)}”，${first.district}${first.at ? `，${first.at.sheet}!${first.at.cell}` : ''}），未导入：请删除这些行后重新导入`;
  return {
    message: `只能导入本旗县区（${district}）的名单，${found}`,
    found,
    issues: capIssues(foreign.map((e) => ({
      severity: 'error' as const,
      ...(e.at ? { sheet: e.at.sheet, cell: e.at.cell } : {}),
      field: 'district',
      message: `“${excerpt(e.unit, 30)}”属于${e.district}，不是本旗县区（${district}）的单位：请删除这一行（由${e.district}或联盟秘书处导入）`,
    }))),
  };
}

/** Replaces the roster (all of it, or one district's part). */
export function replaceRoster(db: DB, entries: RosterEntry[], district?: string): number {
  return db.transaction(() => {
    if (district) db.prepare('DELETE FROM roster WHERE district = ?').run(district);
    else db.prepare('DELETE FROM roster').run();
    const insert = db.prepare('INSERT INTO roster (unit, district, contact, phone) VALUES (?, ?, ?, ?) ON CONFLICT (unit, district) DO UPDATE SET contact = excluded.contact, phone = excluded.phone');
    let n = 0;
    for (const e of entries) if (!district || e.district === district) n += insert.run(e.unit, e.district, e.contact, e.phone).changes;
    bumpDataVersion(db);
    return n;
  })();
}

/** Adds units to the roster or updates their contact and phone, keeping everyone else (bulk account creation). */
export function upsertRoster(db: DB, entries: readonly RosterEntry[]): number {
  return db.transaction(() => {
    const upsert = db.prepare("INSERT INTO roster (unit, district, contact, phone) VALUES (?, ?, ?, ?) ON CONFLICT (unit, district) DO UPDATE SET contact = CASE WHEN excluded.contact = '' THEN roster.contact ELSE excluded.contact END, phone = CASE WHEN excluded.phone = '' THEN roster.phone ELSE excluded.phone END");
    let n = 0;
    for (const e of entries) n += upsert.run(e.unit, e.district, e.contact, e.phone).changes;
    bumpDataVersion(db);
    return n;
  })();
}

// The same unit key as submissions (core/identity.ts): spaces, full-/half-width and 有限公司 variants match.
const key = (unit: string, district: string) => unitKey(unit, district);

export type UnitState = '未报送' | '已提交' | '退回修改' | '已审核';

export interface ExpectedUnit extends RosterEntry {
  onRoster: boolean;
  hasAccount: boolean;
  state: UnitState;
}

/** One unit's standing from all its submissions: any returned → 退回修改; all approved → 已审核; else 已提交. */
/** A unit's submissions, counted by state (one row per unit from SQL, not one per submission). */
interface UnitSubmissions { unit: string; district: string; n: number; returned: number; approved: number }

function unitState(u: UnitSubmissions | undefined): UnitState {
  if (!u?.n) return '未报送';
  if (u.returned > 0) return '退回修改';
  if (u.approved === u.n) return '已审核';
  return '已提交';
}

/**
 * 应报 — the one definition every view uses: a unit is expected to report when it is on the roster or has an active
 * 填报单位 account. 已报 counts those of them with at least one submission; units that submitted without being
 * expected are listed apart (名单外), never mixed into 应报.
 */
export function rosterStatus(db: DB, district?: string): DistrictStatus[] {
  // Kept per data version (submissions, reviews, the roster) and accounts count (应报 counts active accounts): the
  // 概览 and the 报送名单 ask for it on every view.
  const key = `${dataVersion(db)}:${accountsVersion(db)}`;
  let hit = statusCache.get(db);
  if (hit?.key !== key) {
    // Frozen: every caller gets these same objects until the next change.
    hit = { key, all: deepFreeze(computeRosterStatus(db)) };
    statusCache.set(db, hit);
  }
  if (!district) return hit.all;
  return [hit.all.find((d) => d.district === district) ?? { district, expected: 0, submitted: 0, returned: 0, approved: 0, unexpected: 0, missing: [], units: [], others: [] }];
}

type DistrictStatus = ReturnType<typeof computeRosterStatus>[number];

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
const statusCache = new WeakMap<DB, { key: string; all: DistrictStatus[] }>();

/** Every 旗县区 with units expected or submissions of units not expected (rosterStatus of one gives it anyway). */
function computeRosterStatus(db: DB) {
  const roster = db.prepare(`SELECT unit, district, contact, phone FROM roster ORDER BY id`).all() as RosterEntry[];
  const accounts = db.prepare(`SELECT DISTINCT unit, district FROM users WHERE role = 'unit' AND revoked_at IS NULL AND unit IS NOT NULL ORDER BY id`).all() as Array<{ unit: string; district: string }>;
  // Submissions carry their unit key (computed when stored): no name is normalised again per submission.
  // Counted per unit in SQL; the name shown is that of the unit's first submission (SQLite takes bare columns from
  // the row where MIN() is found).
  const rows = db.prepare(
    `SELECT unit_key, unit, district, MIN(rowid) AS first, COUNT(*) AS n, SUM(state = '退回修改') AS returned, SUM(state = '已审核') AS approved FROM submissions GROUP BY unit_key`,
  ).all() as Array<UnitSubmissions & { unit_key: string }>;
  const submitted = new Map<string, UnitSubmissions>(rows.map(({ unit_key, unit, district, n, returned, approved }) => [unit_key, { unit, district, n, returned, approved }]));
  const expected = new Map<string, ExpectedUnit>();
  for (const r of roster) expected.set(key(r.unit, r.district), { ...r, onRoster: true, hasAccount: false, state: '未报送' });
  for (const a of accounts) {
    const k = key(a.unit, a.district);
    const e = expected.get(k);
    if (e) e.hasAccount = true;
    else expected.set(k, { unit: a.unit, district: a.district, contact: '', phone: '', onRoster: false, hasAccount: true, state: '未报送' });
  }
  for (const [k, e] of expected) e.state = unitState(submitted.get(k));
  const byDistrict = <T extends { district: string }>(items: Iterable<T>) => {
    const out = new Map<string, T[]>();
    for (const x of items) {
      const list = out.get(x.district);
      if (list) list.push(x);
      else out.set(x.district, [x]);
    }
    return out;
  };
  const expectedIn = byDistrict(expected.values());
  const othersIn = byDistrict([...submitted.entries()].filter(([k]) => !expected.has(k)).map(([, u]) => u));
  return DISTRICTS.filter((d) => expectedIn.has(d) || othersIn.has(d)).map((d) => {
    const units = expectedIn.get(d) ?? [];
    const others = (othersIn.get(d) ?? []).map((u) => ({ unit: u.unit, state: unitState(u) }));
    return {
      district: d,
      expected: units.length,
      submitted: units.filter((u) => u.state !== '未报送').length,
      returned: units.filter((u) => u.state === '退回修改').length,
      approved: units.filter((u) => u.state === '已审核').length,
      unexpected: others.length,
      missing: units.filter((u) => u.state === '未报送').map((u) => ({ unit: u.unit, contact: u.contact, phone: u.phone })),
      units: units.map(({ unit, contact, phone, onRoster, hasAccount, state }) => ({ unit, contact, phone, onRoster, hasAccount, state })),
      others,
    };
  });
}

/** 概览: the roster figures of rosterStatus (same 应报/已报/退回/已审核) plus projects and scores of every submission. */
export function districtStats(db: DB, district?: string) {
  // Projects as every export counts them (core/identity.ts): a 重复项目 of a unit once, in its later submission.
  // From the version summaries (server/versions.ts): no stored body is read.
  const { counted } = resolvedSummaries(db).resolution;
  const status = new Map(rosterStatus(db, district).map((r) => [r.district, r]));
  const list = district ? [district] : [...DISTRICTS];
  const byDistrict = new Map<string, typeof counted>();
  for (const c of counted) {
    const d = c.entry.submission.reporter.district;
    const list = byDistrict.get(d);
    if (list) list.push(c);
    else byDistrict.set(d, [c]);
  }
  return list.map((d) => {
    const mine = byDistrict.get(d) ?? [];
    const scores = mine.flatMap((c) => c.projects);
    const st = status.get(d);
    return {
      district: d,
      expected: st?.expected ?? 0,
      submitted: st?.submitted ?? 0,
      returned: st?.returned ?? 0,
      approved: st?.approved ?? 0,
      unexpected: st?.unexpected ?? 0,
      submissions: mine.length,
      projects: scores.length,
      avgRate: meanRate(scores),
      metCount: scores.filter((s) => s.met).length,
    };
  });
}
