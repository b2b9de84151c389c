/**
 * Builds the unit workbook (exceljs) from the rubric: 填报说明, 申报表, 细则自评, 佐证说明, 得分汇总 and the
 * very-hidden _meta, with dropdowns sourced from defined names, live scoring formulas, protection without password,
 * frozen panes and A4 landscape printing. `cachedTemplate` serves warm requests in milliseconds.
 */
import ExcelJS from 'exceljs';
import { strToU8, strFromU8, unzipSync, zipSync } from 'fflate';
import { currentRubric, type Rubric } from '../../rubric';
import { DISTRICTS } from '../../districts';
import { MAX_PROJECTS } from '../../schema';
import { YEARS } from '../../limits';
import {
  DEFAULT_PROJECTS, FORM, FORM_COLUMNS, GRID, META, NAMES, REPORTER_CELLS, SHEETS, SUMMARY, WORKBOOK_SCHEMA,
  definedNames, formRow, gridCol, projectCountMessage, summaryCol, type MetaKey,
} from '../../workbook/contract';
import { seqOf, slotFormulas, summaryRows } from '../../workbook/formulas';
import { GUIDE_LINES, SHEET_HINTS } from '../../workbook/texts';
import { compactValidations } from './validations';
import { rowHeight } from '../../workbook/layout';

const RED = 'FFC00000';
const INPUT_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFFBE6' } };
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: RED } };
const LABEL_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF3F2F1' } };
const THIN: ExcelJS.Borders = ['top', 'left', 'bottom', 'right'].reduce(
  (b, side) => ({ ...b, [side]: { style: 'thin', color: { argb: 'FFBFBFBF' } } }),
  {} as ExcelJS.Borders,
);
const HEADER_FONT: Partial<ExcelJS.Font> = { bold: true, color: { argb: 'FFFFFFFF' }, name: '宋体', size: 11 };
const FONT: Partial<ExcelJS.Font> = { name: '宋体', size: 11 };
const WRAP: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'middle' };
const CENTER: Partial<ExcelJS.Alignment> = { wrapText: true, vertical: 'middle', horizontal: 'center' };
const PROTECT: Partial<ExcelJS.WorksheetProtection> = {
  selectLockedCells: true, selectUnlockedCells: true, formatColumns: true, formatRows: true,
};
const PRINT: Partial<ExcelJS.PageSetup> = {
  paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0,
  margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
};

export interface BuildOptions {
  projects?: number;
  submissionId?: string;
  rubric?: Rubric;
  /** ISO timestamp recorded in _meta (default now). */
  generatedAt?: string;
}

export class TemplateOptionsError extends Error {}

export function checkProjectCount(n: unknown): number {
  const projects = n === undefined ? DEFAULT_PROJECTS : Number(n);
  if (!Number.isInteger(projects) || projects < 1 || projects > MAX_PROJECTS) {
    throw new TemplateOptionsError(projectCountMessage(n));
  }
  return projects;
}

function header(cell: ExcelJS.Cell, text: string): void {
  cell.value = text;
  cell.font = HEADER_FONT;
  cell.fill = HEADER_FILL;
  cell.alignment = CENTER;
  cell.border = THIN;
}

function input(cell: ExcelJS.Cell, numFmt = '@'): void {
  cell.protection = { locked: false };
  cell.fill = INPUT_FILL;
  cell.border = THIN;
  cell.alignment = WRAP;
  cell.numFmt = numFmt;
  cell.font = FONT;
}

function title(ws: ExcelJS.Worksheet, text: string, hint: string, lastCol: string): void {
  ws.mergeCells(`A1:${lastCol}1`);
  const t = ws.getCell('A1');
  t.value = text;
  t.font = { ...FONT, bold: true, size: 16, color: { argb: RED } };
  t.alignment = { horizontal: 'center', vertical: 'middle' };
  ws.getRow(1).height = 30;
  ws.mergeCells(`A2:${lastCol}2`);
  const h = ws.getCell('A2');
  h.value = hint;
  h.font = { ...FONT, color: { argb: 'FF605E5C' } };
  h.alignment = WRAP;
  ws.getRow(2).height = 36;
}

const GUIDE_WIDTH = 72;

function addGuide(wb: ExcelJS.Workbook, rubric: Rubric, projects: number): void {
  const ws = wb.addWorksheet(SHEETS.guide, { properties: { tabColor: { argb: RED } } });
  // One column that fits an A4 portrait page at 100 % (checked in LibreOffice's PDF rendering); every row is as tall as its wrapped lines, because
  // LibreOffice (and WPS) keep the default height for rows without one and then draw the lines over each other.
  ws.getColumn(1).width = GUIDE_WIDTH;
  const lines = GUIDE_LINES(rubric, projects);
  lines.forEach((line, i) => {
    const cell = ws.getCell(`A${i + 1}`);
    const size = line.size ?? 11;
    cell.value = line.text;
    cell.font = { ...FONT, bold: line.strong ?? false, size, color: line.strong ? { argb: RED } : undefined };
    cell.alignment = { wrapText: true, vertical: 'top' };
    ws.getRow(i + 1).height = line.text ? rowHeight([line.text], [GUIDE_WIDTH], size) : 8;
  });
  ws.pageSetup = { ...PRINT, orientation: 'portrait', printArea: `A1:A${lines.length}` };
}

function addForm(wb: ExcelJS.Workbook, rubric: Rubric, projects: number): void {
  const ws = wb.addWorksheet(SHEETS.form, { views: [{ state: 'frozen', xSplit: 2, ySplit: FORM.header2Row }] });
  title(ws, '“七有一好八规范”红色工地创建申报表回执', SHEET_HINTS.form(rubric), FORM.lastCol);
  FORM_COLUMNS.forEach((c) => (ws.getColumn(c.col).width = c.width));

  for (const r of REPORTER_CELLS) {
    const label = ws.getCell(r.labelCell);
    label.value = r.label;
    label.font = { ...FONT, bold: true };
    label.fill = LABEL_FILL;
    label.alignment = CENTER;
    label.border = THIN;
    input(ws.getCell(r.cell), r.field === 'date' ? 'yyyy-mm-dd' : '@');
  }
  ws.mergeCells('B3:C3');
  ws.getRow(FORM.reporterRow).height = 24;
  const districtCell = REPORTER_CELLS.find((r) => r.field === 'district')!.cell;
  ws.getCell(districtCell).dataValidation = districtValidation();
  ws.getCell(REPORTER_CELLS.find((r) => r.field === 'phone')!.cell).dataValidation = phoneValidation();
  ws.getCell(REPORTER_CELLS.find((r) => r.field === 'date')!.cell).dataValidation = dateValidation('填报日期');

  // Two header rows: the 附件2 level-1 headers in order, 项目情况 and 开竣工日期 split on level 2.
  const h1 = FORM.header1Row;
  const h2 = FORM.header2Row;
  for (const c of FORM_COLUMNS) {
    header(ws.getCell(`${c.col}${h1}`), c.header);
    header(ws.getCell(`${c.col}${h2}`), c.sub ?? c.header);
  }
  for (const c of FORM_COLUMNS.filter((x) => !x.sub)) ws.mergeCells(`${c.col}${h1}:${c.col}${h2}`);
  const spans = (header: string) => FORM_COLUMNS.filter((c) => c.header === header && c.sub).map((c) => c.col);
  for (const group of [spans('项目情况（包括地址、建设规模等）'), spans('开竣工日期')]) {
    ws.mergeCells(`${group[0]}${h1}:${group[group.length - 1]}${h1}`);
  }
  ws.getRow(h1).height = 30;
  ws.getRow(h2).height = 22;

  for (let slot = 0; slot < projects; slot++) {
    const row = formRow(slot);
    ws.getRow(row).height = 36;
    for (const c of FORM_COLUMNS) {
      const cell = ws.getCell(`${c.col}${row}`);
      if (c.field === 'seq') {
        cell.value = seqOf(slot);
        cell.alignment = CENTER;
        cell.border = THIN;
        cell.font = FONT;
        continue;
      }
      const isDate = c.field === 'startDate' || c.field === 'endDate';
      input(cell, isDate ? 'yyyy-mm-dd' : '@');
      if (isDate) cell.dataValidation = dateValidation(c.sub ?? c.header);
      if (c.field === 'phone') cell.dataValidation = phoneValidation();
      if (c.field === 'district') cell.dataValidation = districtValidation();
    }
  }
  ws.pageSetup = { ...PRINT, printTitlesRow: `${h1}:${h2}` };
}

function districtValidation(): ExcelJS.DataValidation {
  return {
    type: 'list', allowBlank: true, formulae: [NAMES.districts], showErrorMessage: true, errorStyle: 'stop',
    errorTitle: '旗县区', error: `请从下拉列表中选择旗县区（${DISTRICTS.join('、')}）`,
  };
}

function phoneValidation(): ExcelJS.DataValidation {
  return {
    type: 'textLength', operator: 'between', allowBlank: true, formulae: [7, 20], showErrorMessage: true, errorStyle: 'warning',
    errorTitle: '联系电话', error: '请填写 11 位手机号或带区号的固定电话，如 0472-7100945',
    showInputMessage: true, promptTitle: '联系电话', prompt: '手机号或固定电话（如 0472-7100945），按文字保存，开头的 0 不会丢失',
  };
}

function dateValidation(label: string): ExcelJS.DataValidation {
  return {
    type: 'date', operator: 'between', allowBlank: true,
    formulae: [new Date(Date.UTC(YEARS.min, 0, 1)), new Date(Date.UTC(YEARS.max, 11, 31))],
    showErrorMessage: true, errorStyle: 'stop', errorTitle: label, error: `${label}请按 2024-05-17 的格式填写（${YEARS.min} 年至 ${YEARS.max} 年之间）`,
  };
}

function addGrid(wb: ExcelJS.Workbook, rubric: Rubric, projects: number, kind: 'answers' | 'notes'): void {
  const sheetName = kind === 'answers' ? SHEETS.answers : SHEETS.notes;
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', xSplit: 4, ySplit: GRID.headerRow }] });
  const lastCol = gridCol(projects - 1);
  title(ws, kind === 'answers' ? '“七有一好八规范”细则自评' : '佐证说明', kind === 'answers' ? SHEET_HINTS.answers : SHEET_HINTS.notes, lastCol);
  ws.getColumn(GRID.idCol).width = 8;
  ws.getColumn(GRID.sectionCol).width = 11;
  ws.getColumn(GRID.groupCol).width = 16;
  ws.getColumn(GRID.textCol).width = 52;
  const fixed: Array<[string, string]> = [[GRID.idCol, '编号'], [GRID.sectionCol, '版块'], [GRID.groupCol, '内容'], [GRID.textCol, '具体细则']];
  for (const [col, text] of fixed) header(ws.getCell(`${col}${GRID.headerRow}`), text);
  const formulas = Array.from({ length: projects }, (_, slot) => slotFormulas(rubric, slot));
  for (let slot = 0; slot < projects; slot++) {
    const col = gridCol(slot);
    ws.getColumn(col).width = kind === 'answers' ? 14 : 30;
    const cell = ws.getCell(`${col}${GRID.headerRow}`);
    header(cell, '');
    cell.value = { formula: formulas[slot]!.header, result: `项目 ${slot + 1}` };
  }
  ws.getRow(GRID.headerRow).height = 36;
  for (const c of rubric.criteria) {
    const row = GRID.firstRow + c.index;
    const cells: Array<[string, string]> = [[GRID.idCol, c.id], [GRID.sectionCol, c.sectionName], [GRID.groupCol, c.groupName], [GRID.textCol, `${c.number}、${c.text}`]];
    for (const [col, text] of cells) {
      const cell = ws.getCell(`${col}${row}`);
      cell.value = text;
      cell.font = FONT;
      cell.border = THIN;
      cell.alignment = col === GRID.textCol ? WRAP : CENTER;
      cell.fill = LABEL_FILL;
    }
    ws.getRow(row).height = Math.max(30, Math.ceil(c.text.length / 24) * 16);
    for (let slot = 0; slot < projects; slot++) {
      const cell = ws.getCell(`${gridCol(slot)}${row}`);
      input(cell);
      if (kind === 'answers') {
        cell.alignment = CENTER;
        cell.dataValidation = {
          type: 'list', allowBlank: true, formulae: [NAMES.options], showErrorMessage: true, errorStyle: 'stop',
          errorTitle: '自评选项', error: `请从下拉列表中选择：${rubric.options.map((o) => o.label).join('、')}`,
        };
      }
    }
  }
  if (kind === 'answers') {
    const ref = `${gridCol(0)}${GRID.firstRow}:${lastCol}${GRID.firstRow + rubric.criteria.length - 1}`;
    const topLeft = `${gridCol(0)}${GRID.firstRow}`;
    const fill = (argb: string): Partial<ExcelJS.Style> => ({ fill: { type: 'pattern', pattern: 'solid', bgColor: { argb } } });
    ws.addConditionalFormatting({
      ref,
      rules: [
        { type: 'expression', priority: 1, formulae: [`${topLeft}="达到"`], style: fill('FFC6EFCE') },
        { type: 'expression', priority: 2, formulae: [`${topLeft}="部分达到"`], style: fill('FFFFEB9C') },
        { type: 'expression', priority: 3, formulae: [`${topLeft}="未达到"`], style: fill('FFFFC7CE') },
        { type: 'expression', priority: 4, formulae: [`LEN(TRIM(${topLeft}))=0`], style: fill('FFE7E6E6') },
      ],
    });
  }
  ws.pageSetup = { ...PRINT, printTitlesRow: `${GRID.headerRow}:${GRID.headerRow}` };
}

function addSummary(wb: ExcelJS.Workbook, rubric: Rubric, projects: number): void {
  const ws = wb.addWorksheet(SHEETS.summary, { views: [{ state: 'frozen', xSplit: 1, ySplit: SUMMARY.headerRow }] });
  title(ws, '得分汇总', SHEET_HINTS.summary, summaryCol(projects - 1));
  ws.getColumn(1).width = 30;
  const rows = summaryRows(rubric);
  const labels: Array<[number, string]> = [
    [SUMMARY.headerRow, '项目'],
    [SUMMARY.totalRow, '得分'],
    [SUMMARY.maxRow, '满分（适用条数）'],
    [SUMMARY.rateRow, '得分率'],
    [SUMMARY.completionRow, `完成度（已填 / ${rubric.criteria.length}）`],
    [SUMMARY.metRow, '具备“七有一好八规范”'],
    ...rubric.sections.map((s, i): [number, string] => [rows.sectionRow(i), `版块达标：${s.name}`]),
    ...rubric.groups.map((g, i): [number, string] => [rows.groupRow(i), `${g.sectionName} · ${g.name}`]),
  ];
  for (const [row, text] of labels) {
    const cell = ws.getCell(`A${row}`);
    if (row === SUMMARY.headerRow) header(cell, text);
    else {
      cell.value = text;
      cell.font = { ...FONT, bold: row <= SUMMARY.metRow };
      cell.fill = LABEL_FILL;
      cell.border = THIN;
      cell.alignment = WRAP;
    }
  }
  for (let slot = 0; slot < projects; slot++) {
    const f = slotFormulas(rubric, slot);
    const col = summaryCol(slot);
    ws.getColumn(col).width = 16;
    const put = (row: number, formula: string, result: string | number, numFmt?: string) => {
      const cell = ws.getCell(`${col}${row}`);
      cell.value = { formula, result } as ExcelJS.CellFormulaValue;
      cell.border = THIN;
      cell.alignment = CENTER;
      cell.font = { ...FONT, bold: row <= SUMMARY.metRow };
      if (numFmt) cell.numFmt = numFmt;
    };
    const head = ws.getCell(`${col}${SUMMARY.headerRow}`);
    header(head, '');
    head.value = { formula: f.header, result: `项目 ${slot + 1}` };
    put(SUMMARY.totalRow, f.total, '', '0.0');
    put(SUMMARY.maxRow, f.max, '');
    put(SUMMARY.rateRow, f.rate, '', '0.0%');
    put(SUMMARY.completionRow, f.completion, '', '0.0%');
    put(SUMMARY.metRow, f.met, '');
    f.sections.forEach((formula, i) => put(rows.sectionRow(i), formula, ''));
    f.groups.forEach((formula, i) => put(rows.groupRow(i), formula, ''));
  }
  const lastRow = rows.groupRow(rubric.groups.length - 1);
  const ref = `${summaryCol(0)}${SUMMARY.metRow}:${summaryCol(projects - 1)}${lastRow}`;
  const top = `${summaryCol(0)}${SUMMARY.metRow}`;
  ws.addConditionalFormatting({
    ref,
    rules: [
      { type: 'expression', priority: 1, formulae: [`${top}="是"`], style: { fill: { type: 'pattern', pattern: 'solid', bgColor: { argb: 'FFC6EFCE' } } } },
      { type: 'expression', priority: 2, formulae: [`${top}="否"`], style: { fill: { type: 'pattern', pattern: 'solid', bgColor: { argb: 'FFFFC7CE' } } } },
    ],
  });
  ws.pageSetup = { ...PRINT, printTitlesRow: `${SUMMARY.headerRow}:${SUMMARY.headerRow}` };
}

function addMeta(wb: ExcelJS.Workbook, rubric: Rubric, meta: Record<MetaKey, string | number>): void {
  const ws = wb.addWorksheet(SHEETS.meta, { state: 'veryHidden' });
  Object.entries(meta).forEach(([key, value], i) => {
    ws.getCell(`${META.keyCol}${i + 1}`).value = key;
    ws.getCell(`${META.valueCol}${i + 1}`).value = value;
  });
  rubric.options.forEach((o, i) => (ws.getCell(`${META.optionsCol}${i + 1}`).value = o.label));
  DISTRICTS.forEach((d, i) => (ws.getCell(`${META.districtsCol}${i + 1}`).value = d));
  ws.getColumn(META.valueCol).width = 40;
}

/** Builds a fresh unit workbook. */
export async function buildTemplate(opts: BuildOptions = {}): Promise<Buffer> {
  const rubric = opts.rubric ?? currentRubric();
  const projects = checkProjectCount(opts.projects);
  const wb = new ExcelJS.Workbook();
  wb.creator = '包头企业党建联盟 redsite';
  wb.title = '“红色工地”创建申报工作簿';
  wb.calcProperties = { fullCalcOnLoad: true };
  addGuide(wb, rubric, projects);
  addForm(wb, rubric, projects);
  addGrid(wb, rubric, projects, 'answers');
  addGrid(wb, rubric, projects, 'notes');
  addSummary(wb, rubric, projects);
  addMeta(wb, rubric, {
    schema: WORKBOOK_SCHEMA,
    rubricEdition: rubric.edition,
    rubricHash: rubric.hash,
    submissionId: opts.submissionId ?? globalThis.crypto.randomUUID(),
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    projects,
  });
  for (const [name, ref] of Object.entries(definedNames(rubric, projects))) wb.definedNames.add(ref, name);
  for (const ws of wb.worksheets) {
    if (ws.name !== SHEETS.meta) await ws.protect('', PROTECT);
    compactValidations(ws);
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

// The cache keeps the unzipped parts of one workbook per (edition, N), generated with placeholder values of the same
// length as a real UUID and timestamp, so a warm request only swaps two strings and re-zips.
const PLACEHOLDER_ID = '00000000-0000-4000-8000-000000000000';
const PLACEHOLDER_AT = '2000-01-01T00:00:00.000Z';
const cache = new Map<string, Promise<Record<string, Uint8Array>>>();

export async function cachedTemplate(projects = DEFAULT_PROJECTS, rubric: Rubric = currentRubric()): Promise<Buffer> {
  const n = checkProjectCount(projects);
  const key = `${rubric.edition}:${rubric.hash}:${n}`;
  let parts = cache.get(key);
  if (!parts) {
    parts = buildTemplate({ projects: n, rubric, submissionId: PLACEHOLDER_ID, generatedAt: PLACEHOLDER_AT }).then((b) => unzipSync(b));
    cache.set(key, parts);
    parts.catch(() => cache.delete(key));
  }
  const entries = { ...(await parts) };
  const stringsPart = 'xl/sharedStrings.xml';
  const xml = strFromU8(entries[stringsPart]!);
  if (!xml.includes(PLACEHOLDER_ID) || !xml.includes(PLACEHOLDER_AT)) throw new Error('模板缓存损坏：找不到占位的提交编号');
  entries[stringsPart] = strToU8(xml.replace(PLACEHOLDER_ID, globalThis.crypto.randomUUID()).replace(PLACEHOLDER_AT, new Date().toISOString()));
  return Buffer.from(zipSync(entries, { level: 6 }));
}

