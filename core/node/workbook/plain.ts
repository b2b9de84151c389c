/**
 * Plain 附件2 tables: the 回执 retyped into Excel, saved as CSV (core/node/workbook/csv.ts: UTF-8 with or without BOM,
 * GBK/GB18030, UTF-16) or filled in Word (core/node/workbook/docx.ts gives its tables as grids), with only the 附件2
 * headers. Finds every header row on every sheet (several tables per sheet allowed), tolerates white space,
 * full/half-width punctuation, merged header cells and line breaks in cells, and returns the projects without
 * self-assessment (完成度 0, marked 未自评). The unit is the 填报单位 written above the table, else the first 企业名称.
 */
import type ExcelJS from 'exceljs';
import { currentRubric } from '../../rubric';
import { DISTRICTS, normalizeDistrict } from '../../districts';
import { makeIssue, validateSubmission, type Issue, type IssuePath } from '../../issues';
import { scoreProject } from '../../score';
import { SUBMISSION_SCHEMA_ID } from '../../schema';
import { MSG } from '../../messages';
import { cleanText, headerKey } from '../../text';
import { readDate, readDateSpan } from '../../dates';
import { uuidFrom, unitKey } from '../../identity';
import { readCell, type CellKind, type CellRead } from '../../workbook/cells';
import { colLetter } from '../../ooxml/address';
import { summarize, type ParseResult, type ReporterPlace } from '../../workbook/result';

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

/** What the Word 回执 reader (core/node/workbook/docx.ts, worker only) says when a document has no usable table. */
export const DOCX_MSG = {
  unreadable: 'Word 文档无法读取（文件已损坏或不是 .docx）：请在 Word 或 WPS 中重新保存为 .docx 后再上传',
  noTable: 'Word 文档中没有表格：请使用附件2《申报表回执》的表格填写（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）',
  notPlain: 'Word 文档中没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）：请检查表格的列名',
} as const;

export interface PlainOptions {
  fileName?: string;
  /** 旗县区 to use when the table has no district column (the 回执 has none). */
  district?: string;
}

interface Table {
  sheet: string;
  headerRow: number;
  columns: Map<Col, number>;
  /** 开竣工日期 merged over two columns: the end date's column. */
  periodEnd?: number;
  rows: Array<{ row: number; get: (c: Col) => string; periodEnd: () => string; numericPhone: boolean }>;
}

/** A sheet, CSV or Word table as rows × columns of text (1-based). `read` gives a cell as a field kind reads it. */
export interface Grid {
  name: string;
  rowCount: number;
  colCount: number;
  get: (r: number, c: number) => string;
  read?: (r: number, c: number, kind: CellKind) => CellRead;
}

/** Line breaks inside a cell: none between Chinese characters (a wrapped name), a space otherwise. */
function joinLines(text: string): string {
  return text.replace(/\s*\n\s*/g, (m, offset: number, all: string) => (/[\u4e00-\u9fff（）]/.test(all[offset - 1] ?? '') || /[\u4e00-\u9fff（）]/.test(all[offset + m.length] ?? '') ? '' : ' '));
}
const MULTILINE: ReadonlySet<Col> = new Set(['situation', 'period', 'remark']);

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
    // 开竣工日期 over two columns (merged header, or an empty header right of it): start and end in separate cells.
    let periodEnd: number | undefined;
    const pc = cols.get('period');
    if (pc && !cols.has('startDate')) {
      const next = pc + 1;
      const head = grid.get(r, next);
      if (next <= grid.colCount && ![...cols.values()].includes(next) && (classify(head) === 'period' || cleanText(head) === '')) periodEnd = next;
    }
    const table: Table = { sheet: grid.name, headerRow: r, columns: cols, ...(periodEnd ? { periodEnd } : {}), rows: [] };
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
        if (!c) return '';
        const text = k === 'phone' && grid.read ? grid.read(at, c, 'phone').value : grid.get(at, c);
        return cleanText(MULTILINE.has(k) ? text : joinLines(text));
      };
      const phoneCol = cols.get('phone');
      const numericPhone = Boolean(phoneCol && grid.read?.(at, phoneCol, 'phone').numericPhone);
      const endText = () => (periodEnd ? cleanText(grid.get(at, periodEnd)) : '');
      const meaningful = [...cols.keys()].filter((k) => k !== 'seq' && k !== 'period').some((k) => get(k) && !/^[—–-]+$/.test(get(k)));
      const periodText = get('period').replace(/[—–\-\s]/g, '');
      if (!meaningful && !periodText) {
        if (table.rows.length > 0 && !get('seq')) break;
        continue;
      }
      table.rows.push({ row: at, get, periodEnd: endText, numericPhone });
    }
    tables.push(table);
    r = row;
  }
  return tables;
}

/** 开竣工日期 as one cell: 2023.4.1—2025.10.31, 2023年4月-2025年10月, 2023-04-01至2025-10-31 (core/dates.ts). */
export function splitPeriod(text: string): { start?: string; end?: string; approximate: boolean } {
  const span = readDateSpan(text);
  return { ...(span.start ? { start: span.start } : {}), ...(span.end ? { end: span.end } : {}), approximate: span.approximate };
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

/** A 回执 has no workbook id: the same unit's 回执 is the same “workbook”, so a corrected one replaces the earlier. */
function plainSubmissionId(unit: string, district: string): string {
  return uuidFrom(`redsite.plain:${unitKey(unit, district)}`);
}

/** 填报单位：… written above the table (a 回执's header line), if any. */
export function unitFromContext(context: readonly string[]): string | undefined {
  for (const text of context) {
    const m = /填报单位(?:名称)?\s*(?:[（(]\s*(?:盖章|公章)\s*[)）])?\s*[:：]\s*(.+?)(?=\s*(?:[（(]\s*盖章\s*[)）]|联系人|联系电话|填报日期|日期|电话|$)|\s{2,})/.exec(cleanText(text));
    const unit = m?.[1] ? cleanText(m[1].replace(/[_＿]+/g, '')) : '';
    if (unit) return unit;
  }
  return undefined;
}

const DATE_MSG = {
  monthOnly: '开竣工日期只写到月份，已按当月第一天（开工）和最后一天（竣工）读取，请核对',
  /** A cell reading 2024.1 alone: typed so, or 2024.10 that Excel stored as a number and showed without its 0. */
  monthOnlyOctober: (text: string) =>
    `开竣工日期只写到月份，已按当月第一天（开工）和最后一天（竣工）读取，请核对：“${text}”按 1 月读取；如果原来写的是 ${text}0（10 月），Excel 存成数字时会去掉末尾的 0`,
  endYear: (year: string) => `竣工日期没有写年份，已按 ${year} 年读取，请核对`,
} as const;

/** 开工／竣工 from one span cell, a span merged over two cells, or two separate columns; warnings say what was assumed. */
function readPeriod(t: Table, r: Table['rows'][number], cell: (k: Col) => string, field: string, warnings: Issue[]): { startDate: string; endDate: string } {
  const warn = (k: Col, message: string) => warnings.push({ severity: 'warning', sheet: t.sheet, cell: cell(k), field, message });
  if (t.columns.has('period') && !t.columns.has('startDate')) {
    const text = r.get('period');
    const span = readDateSpan(text);
    const second = r.periodEnd();
    if (span.start && !span.end && second) {
      // Start and end in the two cells under a merged 开竣工日期.
      const start = readDate(text);
      const end = readDate(second, true);
      if (start.monthOnly || end.monthOnly) warn('period', DATE_MSG.monthOnly);
      return { startDate: span.start, endDate: end.iso ?? second };
    }
    if (span.approximate) warn('period', DATE_MSG.monthOnly);
    if (span.end && span.endYearGuessed) warn('period', DATE_MSG.endYear(span.end.slice(0, 4)));
    return { startDate: span.start ?? text, endDate: span.end ?? '' };
  }
  const start = readDate(r.get('startDate'));
  const end = readDate(r.get('endDate'), true);
  if ((start.iso && start.monthOnly) || (end.iso && end.monthOnly)) {
    const k: Col = start.monthOnly ? 'startDate' : 'endDate';
    const text = r.get(k);
    warn(k, /^\d{4}\.1$/.test(text) ? DATE_MSG.monthOnlyOctober(text) : DATE_MSG.monthOnly);
  }
  return { startDate: start.iso ?? r.get('startDate'), endDate: end.iso ?? r.get('endDate') };
}

function fromTables(tables: Table[], context: string[], opts: PlainOptions): ParseResult | undefined {
  const withRows = tables.filter((t) => t.rows.length > 0);
  if (tables.length === 0) return undefined;
  const rubric = currentRubric();
  const where: Array<{ sheet: string; row: number; cols: Map<Col, number> }> = [];
  const warnings: Issue[] = [];
  // What the file says (its name, title lines) comes before the 旗县区 given for the batch (--district / the account's).
  const fallbackDistrict = detectDistrict(context) ?? normalizeDistrict(opts.district);
  const projects = withRows.flatMap((t) =>
    t.rows.map((r) => {
      const place = { sheet: t.sheet, row: r.row, cols: t.columns };
      where.push(place);
      const cell = (k: Col) => `${colLetter(t.columns.get(k) ?? 1)}${r.row}`;
      // The project's index in the Submission (projects across tables, in order): its issues' fields.
      const index = where.length - 1;
      let { projectName, address, scale } = { projectName: r.get('projectName'), address: r.get('address'), scale: r.get('scale') };
      if (t.columns.has('situation') && !t.columns.has('projectName')) {
        const s = splitSituation(r.get('situation'));
        ({ projectName, address, scale } = s);
        if (!s.complete) warnings.push({ severity: 'warning', sheet: t.sheet, cell: cell('situation'), field: `projects.${index}.situation`, message: '项目情况未能完整拆分为项目名称、项目地址、建设规模，已按原文填入，请核对' });
      }
      const { startDate, endDate } = readPeriod(t, r, cell, `projects.${index}.period`, warnings);
      if (r.numericPhone) warnings.push({ severity: 'warning', sheet: t.sheet, cell: cell('phone'), field: `projects.${index}.phone`, message: MSG.phoneNotText('联系电话') });
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
  // The unit: 填报单位 above the table, else the (first) 企业名称.
  const unit = unitFromContext(context) ?? first.enterprise;
  const enterprises = [...new Set(projects.map((p) => p.enterprise).filter(Boolean))];
  if (!unitFromContext(context) && enterprises.length > 1) {
    warnings.push({ severity: 'warning', sheet: withRows[0]!.sheet, field: 'reporter.unit', message: `表中有 ${enterprises.length} 个不同的企业名称（${enterprises.slice(0, 5).join('、')}${enterprises.length > 5 ? '等' : ''}），没有写“填报单位”：按第一个（${unit}）作为填报单位；如是多个单位的项目，请按单位分开报送` });
  }
  const draft = {
    schema: SUBMISSION_SCHEMA_ID,
    submissionId: plainSubmissionId(unit, reporterDistrict),
    rubric: { edition: rubric.edition, hash: rubric.hash },
    reporter: { unit, district: reporterDistrict, contact: first.leader, phone: first.phone },
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
      // The reporter's contact and phone are the first row's 负责人 and 联系电话, its 旗县区 that row's 旗县区 (when the
      // table has one): point at the cell each came from. The unit (and a 旗县区 from elsewhere) sits at 企业名称.
      const w = where[0]!;
      const from: Col = path[1] === 'contact' ? 'leader' : path[1] === 'phone' ? 'phone' : path[1] === 'district' && w.cols.has('district') ? 'district' : 'enterprise';
      return { sheet: w.sheet, cell: `${colLetter(w.cols.get(from) ?? w.cols.get('enterprise') ?? 1)}${w.row}` };
    }
    return undefined;
  };
  const validation = validateSubmission(draft, rubric, locate);
  // The reporter's fields are copies of the first row's cells: a reporter issue at a cell that already has a project
  // issue of the same severity is the same fact (one wrong phone is one problem, “请填写联系人” is “请填写负责人”):
  // keep the project's, which names the row.
  const projectFacts = new Set(validation.issues.filter((i) => i.field.startsWith('projects.')).map((i) => `${i.severity}\n${i.sheet}!${i.cell}`));
  const ownIssues = validation.issues.filter((i) => !(i.field.startsWith('reporter.') && projectFacts.has(`${i.severity}\n${i.sheet}!${i.cell}`)));
  const issues = [...warnings, ...ownIssues.map((i) =>
    i.field.endsWith('.district') && !fallbackDistrict && !tables.some((t) => t.columns.has('district'))
      ? { ...i, message: `${i.message.split('：')[0]}：无法确定项目所在旗县区：请在表中增加“旗县区”列，或导入时指定旗县区` }
      : i,
  )];
  projects.forEach((_, i) => issues.push(makeIssue(draft, ['projects', i, 'answers'], '未自评：该表只有附件2申报信息，没有“七有一好八规范”细则自评', 'warning', locate)));
  const scores = projects.map(() => scoreProject({}, rubric));
  const hasError = issues.some((i) => i.severity === 'error');
  // Where the 填报单位 and the 旗县区 were taken from: the first project's cells (the line above the table names the
  // unit on its sheet; a 旗县区 from the file name, the title or the account has no cell).
  const w = where[0]!;
  const at = (k: Col): ReporterPlace | undefined => (w.cols.has(k) ? { sheet: w.sheet, cell: `${colLetter(w.cols.get(k)!)}${w.row}` } : undefined);
  const unitPlace = unitFromContext(context) ? { sheet: w.sheet } : at('enterprise');
  const districtPlace = withRows[0]!.rows[0]!.get('district') ? at('district') : undefined;
  const places = { ...(unitPlace ? { unit: unitPlace } : {}), ...(districtPlace ? { district: districtPlace } : {}) };
  return { kind: 'plain', ...(validation.submission && !hasError ? { submission: validation.submission } : {}), scores, issues, projects: summarize(projects), places };
}

/** The plain reader over grids from any source (Excel sheets, CSV, Word tables); `context` is text around them. */
export function parsePlainGrids(grids: readonly Grid[], context: string[], opts: PlainOptions = {}): ParseResult | undefined {
  return fromTables(grids.flatMap(findTables), context, opts);
}

export function parsePlainWorkbook(wb: ExcelJS.Workbook, opts: PlainOptions = {}): ParseResult | undefined {
  const grids: Grid[] = [];
  const context: string[] = [opts.fileName ?? ''];
  for (const ws of wb.worksheets) {
    context.push(ws.name);
    const rowCount = Math.min(ws.rowCount, 5000);
    const colCount = Math.min(ws.columnCount, 40);
    // Title lines above the table (填报单位：…) may sit in any of the first columns.
    for (let r = 1; r <= Math.min(rowCount, 5); r++) {
      const line = Array.from({ length: Math.min(colCount, 12) }, (_, c) => cleanText(readCell(ws.getCell(r, c + 1)).value)).filter(Boolean).join('  ');
      if (/序号|企业名称/.test(line)) break; // title lines only, never the table
      context.push(line);
    }
    grids.push({
      name: ws.name, rowCount, colCount,
      get: (r, c) => readCell(ws.getCell(r, c)).value,
      read: (r, c, kind) => readCell(ws.getCell(r, c), kind),
    });
  }
  return parsePlainGrids(grids, context, opts);
}
