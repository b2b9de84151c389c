/**
 * Plain 附件2 tables: the 回执 retyped into Excel (or saved as CSV), with only the 附件2 headers. Finds every header
 * row on every sheet (several tables per sheet allowed), tolerates white space, full/half-width punctuation and merged
 * header cells, and returns the projects without self-assessment (完成度 0, marked 未自评).
 */
import type ExcelJS from 'exceljs';
import { parse as parseCsv } from 'csv-parse/sync';
import { sha256 } from '@noble/hashes/sha256';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';
import { currentRubric } from '../rubric';
import { DISTRICTS, normalizeDistrict } from '../districts';
import { makeIssue, validateSubmission, type Issue, type IssuePath } from '../issues';
import { scoreProject } from '../score';
import { SUBMISSION_SCHEMA_ID, normalizeDate } from '../schema';
import { cleanText, headerKey, toHalfWidth } from '../text';
import { readCell } from './cells';
import { colLetter } from './contract';
import { summarize, type ParseResult } from './result';

type Col = 'seq' | 'enterprise' | 'situation' | 'projectName' | 'address' | 'scale' | 'leader' | 'phone' | 'period' | 'startDate' | 'endDate' | 'district' | 'remark';

const HEADERS: Array<[Col, RegExp]> = [
  ['seq', /^序号$/],
  ['enterprise', /^(企业|单位|施工单位|企业\(单位\))名称$/],
  ['situation', /^项目情况/],
  ['projectName', /^(项目|工程)名称$/],
  ['address', /^(项目)?地址$/],
  ['scale', /^(建设)?规模$/],
  ['leader', /^(项目)?负责人$/],
  ['phone', /^(联系)?电话$|^联系方式$/],
  ['period', /^开竣工(日期|时间)$/],
  ['startDate', /^开工(日期|时间)$/],
  ['endDate', /^(竣工|计划竣工)(日期|时间)$/],
  ['district', /^(项目所在|所属)?旗县区$/],
  ['remark', /^备注$/],
];

function classify(text: string): Col | undefined {
  const key = headerKey(text);
  return key ? HEADERS.find(([, re]) => re.test(key))?.[0] : undefined;
}

export interface PlainOptions {
  fileName?: string;
  /** 旗县区 to use when the table has no district column (the 回执 has none). */
  district?: string;
}

interface Table {
  sheet: string;
  headerRow: number;
  columns: Map<Col, number>;
  rows: Array<{ row: number; get: (c: Col) => string }>;
}

type Grid = { name: string; rowCount: number; colCount: number; get: (r: number, c: number, numericPhone?: boolean) => string };

function findTables(grid: Grid): Table[] {
  const tables: Table[] = [];
  let r = 1;
  while (r <= grid.rowCount) {
    const cols = new Map<Col, number>();
    for (let c = 1; c <= grid.colCount; c++) {
      const kind = classify(grid.get(r, c));
      if (kind && !cols.has(kind)) cols.set(kind, c);
    }
    const isHeader = cols.has('enterprise') && (cols.has('seq') || cols.has('leader')) && (cols.has('phone') || cols.has('situation') || cols.has('projectName'));
    if (!isHeader) {
      r++;
      continue;
    }
    let first = r + 1;
    // Level-2 headers (项目名称/项目地址/建设规模, 开工日期/竣工日期) under merged level-1 cells.
    const sub = new Map<Col, number>();
    for (let c = 1; c <= grid.colCount; c++) {
      const kind = classify(grid.get(r + 1, c));
      if (kind && kind !== 'enterprise' && kind !== 'seq' && !sub.has(kind)) sub.set(kind, c);
    }
    if (sub.size >= 2) {
      for (const [k, c] of sub) cols.set(k, c);
      first = r + 2;
    }
    const table: Table = { sheet: grid.name, headerRow: r, columns: cols, rows: [] };
    let row = first;
    for (; row <= grid.rowCount; row++) {
      const rowCols = new Map<Col, number>();
      for (let c = 1; c <= grid.colCount; c++) {
        const k = classify(grid.get(row, c));
        if (k) rowCols.set(k, c);
      }
      if (rowCols.has('enterprise') && rowCols.size >= 3) break; // the next table's header
      const at = row;
      const get = (k: Col) => {
        const c = cols.get(k);
        return c ? cleanText(grid.get(at, c, k === 'phone')) : '';
      };
      const meaningful = [...cols.keys()].filter((k) => k !== 'seq' && k !== 'period').some((k) => get(k) && !/^[—–-]+$/.test(get(k)));
      const periodText = get('period').replace(/[—–\-\s]/g, '');
      if (!meaningful && !periodText) {
        if (table.rows.length > 0 && !get('seq')) break;
        continue;
      }
      table.rows.push({ row: at, get });
    }
    tables.push(table);
    r = row;
  }
  return tables;
}

const DATE_TOKEN = /(\d{4})\s*[年./-]\s*(\d{1,2})(?:\s*[月./-]\s*(\d{1,2})\s*日?)?\s*月?/g;

/** 开竣工日期 as one cell: 2023.4.1—2025.10.31, 2023年4月-2025年10月, 2023-04-01至2025-10-31. */
export function splitPeriod(text: string): { start?: string; end?: string; approximate: boolean } {
  const tokens = [...toHalfWidth(text).matchAll(DATE_TOKEN)];
  let approximate = false;
  const iso = (m: RegExpMatchArray | undefined, end: boolean): string | undefined => {
    if (!m) return undefined;
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (!m[3]) approximate = true;
    const day = m[3] ? Number(m[3]) : end ? new Date(Date.UTC(y, mo, 0)).getUTCDate() : 1;
    return normalizeDate(`${y}-${mo}-${day}`);
  };
  return { start: iso(tokens[0], false), end: iso(tokens[1], true), approximate };
}

/** 项目情况 as one cell: labelled parts first (地址：…，规模：…), else by separators and typical words. */
export function splitSituation(text: string): { projectName: string; address: string; scale: string; complete: boolean } {
  const t = cleanText(text);
  const label = (re: RegExp) => re.exec(t)?.[1]?.trim();
  const labelled = {
    projectName: label(/(?:项目名称|名称)[:：]\s*([^;；，,\n]+)/),
    address: label(/(?:项目地址|地址)[:：]\s*([^;；\n]+?)(?=[;；，,]\s*(?:建设规模|规模)|[;；\n]|$)/),
    scale: label(/(?:建设规模|规模)[:：]\s*([^;；\n]+)/),
  };
  const parts = t.split(/[;；\n，,]+/).map((p) => p.replace(/^(项目名称|名称|项目地址|地址|建设规模|规模)[:：]/, '').trim()).filter(Boolean);
  const address = labelled.address ?? parts.find((p, i) => i > 0 && /(区|路|街|号|旗|县|镇|乡|村|园|巷)/.test(p));
  const scale = labelled.scale ?? parts.find((p, i) => i > 0 && p !== address && /(平方米|㎡|m2|万|层|亿|公里|米|栋|户|亩)/i.test(p));
  const projectName = labelled.projectName ?? parts[0] ?? t;
  return { projectName, address: address ?? t, scale: scale ?? t, complete: Boolean(address && scale) };
}

function detectDistrict(texts: string[]): string | undefined {
  for (const text of texts) {
    for (const d of DISTRICTS) if (text.includes(d)) return d;
    const alias = /(昆区|达茂旗|土右旗|白云区|高新区)/.exec(text)?.[1];
    if (alias) return normalizeDistrict(alias);
  }
  return undefined;
}

function plainSubmissionId(unit: string, district: string): string {
  const h = bytesToHex(sha256(utf8ToBytes(`redsite.plain:${unit}:${district}`)));
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function fromTables(tables: Table[], context: string[], opts: PlainOptions): ParseResult | undefined {
  const withRows = tables.filter((t) => t.rows.length > 0);
  if (tables.length === 0) return undefined;
  const rubric = currentRubric();
  const where: Array<{ sheet: string; row: number; cols: Map<Col, number> }> = [];
  const warnings: Issue[] = [];
  const fallbackDistrict = normalizeDistrict(opts.district) ?? detectDistrict(context);
  const projects = withRows.flatMap((t) =>
    t.rows.map((r) => {
      const place = { sheet: t.sheet, row: r.row, cols: t.columns };
      where.push(place);
      const cell = (k: Col) => `${colLetter(t.columns.get(k) ?? 1)}${r.row}`;
      let { projectName, address, scale } = { projectName: r.get('projectName'), address: r.get('address'), scale: r.get('scale') };
      if (t.columns.has('situation') && !t.columns.has('projectName')) {
        const s = splitSituation(r.get('situation'));
        ({ projectName, address, scale } = s);
        if (!s.complete) warnings.push({ severity: 'warning', sheet: t.sheet, cell: cell('situation'), field: 'situation', message: '项目情况未能完整拆分为项目名称、项目地址、建设规模，已按原文填入，请核对' });
      }
      let startDate = r.get('startDate');
      let endDate = r.get('endDate');
      if (t.columns.has('period') && !t.columns.has('startDate')) {
        const p = splitPeriod(r.get('period'));
        startDate = p.start ?? r.get('period');
        endDate = p.end ?? '';
        if (p.approximate) warnings.push({ severity: 'warning', sheet: t.sheet, cell: cell('period'), field: 'period', message: '开竣工日期只写到月份，已按当月第一天（开工）和最后一天（竣工）读取，请核对' });
      }
      const district = r.get('district') || fallbackDistrict || '';
      return {
        seq: r.get('seq') || String(where.length),
        enterprise: r.get('enterprise'),
        projectName, address, scale,
        leader: r.get('leader'),
        phone: r.get('phone'),
        startDate, endDate, district,
        ...(r.get('remark') ? { remark: r.get('remark') } : {}),
        answers: {},
        notes: {},
      };
    }),
  );
  if (projects.length === 0) {
    return { kind: 'plain', scores: [], projects: [], issues: [{ severity: 'error', sheet: tables[0]!.sheet, cell: `A${tables[0]!.headerRow + 1}`, field: 'projects', message: '找到了附件2表头，但表中没有填写任何项目' }] };
  }
  // Sequence numbers restart per table; renumber so each project keeps a unique 序号.
  projects.forEach((p, i) => (p.seq = String(i + 1)));
  const first = projects[0]!;
  const reporterDistrict = normalizeDistrict(first.district) ?? fallbackDistrict ?? '';
  const draft = {
    schema: SUBMISSION_SCHEMA_ID,
    submissionId: plainSubmissionId(first.enterprise, reporterDistrict),
    rubric: { edition: rubric.edition, hash: rubric.hash },
    reporter: { unit: first.enterprise, district: reporterDistrict, contact: first.leader, phone: first.phone },
    projects,
    source: 'import' as const,
  };
  const FIELD_COL: Record<string, Col> = { enterprise: 'enterprise', projectName: 'projectName', address: 'address', scale: 'scale', leader: 'leader', phone: 'phone', startDate: 'startDate', endDate: 'endDate', district: 'district', remark: 'remark', seq: 'seq' };
  const locate = (path: IssuePath) => {
    if (path[0] === 'projects' && typeof path[1] === 'number') {
      const w = where[path[1]]!;
      const want = FIELD_COL[String(path[2])];
      const col = want && (w.cols.get(want) ?? (want === 'startDate' || want === 'endDate' ? w.cols.get('period') : w.cols.get('situation')));
      return { sheet: w.sheet, cell: `${colLetter(col ?? 1)}${w.row}` };
    }
    if (path[0] === 'reporter') {
      const w = where[0]!;
      return { sheet: w.sheet, cell: `${colLetter(w.cols.get('enterprise') ?? 1)}${w.row}` };
    }
    return undefined;
  };
  const validation = validateSubmission(draft, rubric, locate);
  const issues = [...warnings, ...validation.issues.map((i) =>
    i.field.endsWith('.district') && !fallbackDistrict && !tables.some((t) => t.columns.has('district'))
      ? { ...i, message: `${i.message.split('：')[0]}：无法确定项目所在旗县区：请在表中增加“旗县区”列，或导入时指定旗县区` }
      : i,
  )];
  projects.forEach((_, i) => issues.push(makeIssue(draft, ['projects', i, 'answers'], '未自评：该表只有附件2申报信息，没有“七有一好八规范”细则自评', 'warning', locate)));
  const scores = projects.map(() => scoreProject({}, rubric));
  const hasError = issues.some((i) => i.severity === 'error');
  return { kind: 'plain', ...(validation.submission && !hasError ? { submission: validation.submission } : {}), scores, issues, projects: summarize(projects) };
}

export function parsePlainWorkbook(wb: ExcelJS.Workbook, opts: PlainOptions = {}): ParseResult | undefined {
  const tables: Table[] = [];
  const context: string[] = [opts.fileName ?? ''];
  for (const ws of wb.worksheets) {
    context.push(ws.name);
    const rowCount = Math.min(ws.rowCount, 5000);
    const colCount = Math.min(ws.columnCount, 40);
    for (let r = 1; r <= Math.min(rowCount, 3); r++) context.push(cleanText(readCell(ws.getCell(r, 1)).value));
    tables.push(
      ...findTables({
        name: ws.name, rowCount, colCount,
        get: (r, c, phone) => readCell(ws.getCell(r, c), phone ? 'phone' : 'text').value,
      }),
    );
  }
  return fromTables(tables, context, opts);
}

export function parsePlainCsv(data: Uint8Array | string, opts: PlainOptions = {}): ParseResult | undefined {
  const text = typeof data === 'string' ? data : new TextDecoder('utf-8').decode(data);
  const rows: string[][] = parseCsv(text.replace(/^\ufeff/, ''), { relax_column_count: true, skip_empty_lines: false, bom: true });
  const name = (opts.fileName ?? 'CSV').replace(/^.*[\\/]/, '');
  const grid: Grid = {
    name, rowCount: rows.length, colCount: Math.max(0, ...rows.map((r) => r.length)),
    get: (r, c) => rows[r - 1]?.[c - 1] ?? '',
  };
  return fromTables(findTables(grid), [name, ...rows.slice(0, 3).map((r) => r.join(''))], opts);
}
