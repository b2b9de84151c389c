/**
 * The roster of units expected to report, per 旗县区 (imported from a simple xlsx/CSV: 单位名称, 旗县区, 联系人, 电话),
 * and the views built on it: who has submitted, been returned, been approved, and who has not submitted yet.
 */
import type { DB } from './db';
import { bumpDataVersion } from './db';
import { DISTRICTS, normalizeDistrict } from '../core/districts';
import { cleanText, excerpt, headerKey } from '../core/text';
import { normalizePhone } from '../core/schema';
import type { Issue } from '../core/issues';
import { defaultPool, detectFormat } from '../core/workbook/guard';
import { BUSY_FIELD, compiledScript, failureMessage, type JobOptions, type ParsePool } from '../core/workbook/pool';
import { ROSTER_ROWS, type RosterGrid, type RosterJob } from './roster-worker';
import { colLetter } from '../core/workbook/contract';
import type { ProjectScore } from '../core/score';

export interface RosterEntry {
  unit: string;
  district: string;
  contact: string;
  phone: string;
}

const COLUMNS: Array<[keyof RosterEntry, RegExp]> = [
  ['unit', /^(单位名称|企业名称|单位|填报单位)$/],
  ['district', /^(旗县区|所属旗县区|地区)$/],
  ['contact', /^(联系人|负责人)$/],
  ['phone', /^(电话|联系电话|手机)$/],
];

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
    if (!district) return issues.push({ severity: 'error', sheet: name, cell: `${colLetter(col.district + 1)}${rowNo}`, field: 'district', message: `旗县区“${excerpt(get('district'), 20)}”不在名单中：${DISTRICTS.join('、')}` });
    entries.push({ unit: get('unit'), district, contact: get('contact'), phone: get('phone') ? normalizePhone(get('phone')) : '' });
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

const key = (unit: string, district: string) => `${district}\u0000${unit.replace(/\s+/g, '')}`;

export function rosterStatus(db: DB, district?: string) {
  const roster = (district ? db.prepare('SELECT * FROM roster WHERE district = ? ORDER BY id').all(district) : db.prepare('SELECT * FROM roster ORDER BY id').all()) as RosterEntry[];
  const subs = (district ? db.prepare('SELECT unit, district, state FROM submissions WHERE district = ?').all(district) : db.prepare('SELECT unit, district, state FROM submissions').all()) as Array<{ unit: string; district: string; state: string }>;
  const stateOf = new Map<string, string>();
  for (const s of subs) stateOf.set(key(s.unit, s.district), s.state);
  const districts = district ? [district] : DISTRICTS.filter((d) => roster.some((r) => r.district === d) || subs.some((s) => s.district === d));
  return districts.map((d) => {
    const expected = roster.filter((r) => r.district === d);
    const states = expected.map((r) => stateOf.get(key(r.unit, r.district)));
    return {
      district: d,
      expected: expected.length,
      submitted: states.filter(Boolean).length,
      returned: states.filter((s) => s === '退回修改').length,
      approved: states.filter((s) => s === '已审核').length,
      unexpected: subs.filter((s) => s.district === d && !expected.some((r) => key(r.unit, r.district) === key(s.unit, s.district))).length,
      missing: expected.filter((r) => !stateOf.has(key(r.unit, r.district))).map((r) => ({ unit: r.unit, contact: r.contact, phone: r.phone })),
    };
  });
}

export function districtStats(db: DB, district?: string) {
  const rows = db
    .prepare(`SELECT s.district, s.state, v.scores FROM submissions s JOIN versions v ON v.submission_id = s.id AND v.version = s.latest_version ${district ? 'WHERE s.district = ?' : ''}`)
    .all(...(district ? [district] : [])) as Array<{ district: string; state: string; scores: string }>;
  const roster = db.prepare('SELECT district, COUNT(*) AS n FROM roster GROUP BY district').all() as Array<{ district: string; n: number }>;
  const list = district ? [district] : [...DISTRICTS];
  return list.map((d) => {
    const mine = rows.filter((r) => r.district === d);
    const scores = mine.flatMap((r) => JSON.parse(r.scores) as ProjectScore[]);
    return {
      district: d,
      expected: roster.find((r) => r.district === d)?.n ?? 0,
      submitted: mine.length,
      returned: mine.filter((r) => r.state === '退回修改').length,
      approved: mine.filter((r) => r.state === '已审核').length,
      projects: scores.length,
      avgRate: scores.length ? Math.round((scores.reduce((n, s) => n + s.rate, 0) / scores.length) * 10000) / 10000 : 0,
      metCount: scores.filter((s) => s.met).length,
    };
  });
}
