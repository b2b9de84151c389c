/**
 * The roster of units expected to report, per 旗县区 (imported from a simple xlsx/CSV: 单位名称, 旗县区, 联系人, 电话),
 * and the views built on it: who has submitted, been returned, been approved, and who has not submitted yet.
 */
import ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { DB } from './db';
import { bumpDataVersion } from './db';
import { DISTRICTS, normalizeDistrict } from '../core/districts';
import { cleanText, headerKey } from '../core/text';
import { normalizePhone } from '../core/schema';
import type { Issue } from '../core/issues';
import { detectFormat, inspectZip } from '../core/workbook/guard';
import { readCell } from '../core/workbook/cells';
import { colLetter } from '../core/workbook/contract';
import { scoreProject } from '../core/score';
import { currentRubric } from '../core/rubric';
import { resolveEntries, submissionUnitKey, unitKey } from '../core/identity';
import { latestEntries } from './submissions';

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
    if (!district) return issues.push({ severity: 'error', sheet: name, cell: `${colLetter(col.district + 1)}${rowNo}`, field: 'district', message: `旗县区“${get('district')}”不在名单中：${DISTRICTS.join('、')}` });
    entries.push({ unit: get('unit'), district, contact: get('contact'), phone: get('phone') ? normalizePhone(get('phone')) : '' });
    return undefined;
  });
  return { entries, issues };
}

export async function readRosterFile(bytes: Uint8Array, fileName: string): Promise<{ entries: RosterEntry[]; issues: Issue[] }> {
  const detected = detectFormat(bytes, fileName);
  if (detected.format === 'rejected') return { entries: [], issues: [{ severity: 'error', field: 'file', message: detected.message }] };
  if (detected.format === 'csv') {
    const rows = parseCsv(new TextDecoder().decode(bytes).replace(/^\ufeff/, ''), { relax_column_count: true }) as string[][];
    return fromGrid(fileName, rows);
  }
  const refusal = await inspectZip(bytes);
  if (refusal) return { entries: [], issues: [{ severity: 'error', field: 'file', message: refusal }] };
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const ws = wb.worksheets[0];
  if (!ws) return { entries: [], issues: [{ severity: 'error', field: 'file', message: '名单文件中没有工作表' }] };
  const rows: string[][] = [];
  for (let r = 1; r <= Math.min(ws.rowCount, 5000); r++) {
    rows.push(Array.from({ length: Math.min(ws.columnCount, 20) }, (_, c) => readCell(ws.getCell(r, c + 1), c === 3 ? 'phone' : 'text').value));
  }
  return fromGrid(ws.name, rows);
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

// The same unit key as submissions (core/identity.ts): spaces, full-/half-width and 有限公司 variants match.
const key = (unit: string, district: string) => unitKey(unit, district);

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
  // Units and projects as every export counts them (core/identity.ts): a unit once, a 重复项目 once.
  const { counted } = resolveEntries(latestEntries(db, district));
  const roster = db.prepare('SELECT district, COUNT(*) AS n FROM roster GROUP BY district').all() as Array<{ district: string; n: number }>;
  const list = district ? [district] : [...DISTRICTS];
  const rubric = currentRubric();
  return list.map((d) => {
    const mine = counted.filter((c) => c.entry.submission.reporter.district === d);
    const scores = mine.flatMap((c) => c.projects.map((p) => scoreProject(p.answers, rubric)));
    const units = new Map<string, string[]>();
    for (const c of mine) units.set(submissionUnitKey(c.entry.submission), [...(units.get(submissionUnitKey(c.entry.submission)) ?? []), c.entry.state ?? '']);
    const states = [...units.values()];
    return {
      district: d,
      expected: roster.find((r) => r.district === d)?.n ?? 0,
      submitted: units.size,
      returned: states.filter((s) => s.includes('退回修改')).length,
      approved: states.filter((s) => s.every((x) => x === '已审核')).length,
      projects: scores.length,
      avgRate: scores.length ? Math.round((scores.reduce((n, s) => n + s.rate, 0) / scores.length) * 10000) / 10000 : 0,
      metCount: scores.filter((s) => s.met).length,
    };
  });
}
