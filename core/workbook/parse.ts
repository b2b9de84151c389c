/**
 * Reads a unit workbook back into a canonical Submission. Values only: formulas in input cells are issues, cached
 * results are ignored and every score is recomputed from the answers. Reads through the defined names and falls
 * back to the contract's fixed positions (found by their headers) when a program dropped the names.
 */
import ExcelJS from 'exceljs';
import { rubricForEdition, type Rubric } from '../rubric';
import { MSG } from '../messages';
import { cleanText } from '../text';
import { FORM_COLUMNS, GRID, META, NAMES, REPORTER_CELLS, SHEETS, colLetter } from './contract';
import { parseRef, readCell, rawFromExcelJs } from './cells';
import { assembleUnit, READ_MSG, type Area, type Grid, type UnitLayout } from './assemble';
import { rejected, type ParseResult } from './result';
import { parsePlainWorkbook } from './plain';

export type { ParseResult } from './result';

export const PARSE_MSG = {
  unreadable: '文件无法作为 Excel 工作簿（.xlsx）读取：请用 Excel、WPS 或 LibreOffice 打开后另存为 .xlsx 再上传',
  formula: READ_MSG.formula,
  noSheet: (name: string) => `找不到工作表《${name}》：请不要重命名或删除申报工作簿中的工作表`,
  notUnit: '这不是“红色工地”申报工作簿，也没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）',
} as const;

interface ExcelArea {
  ws: ExcelJS.Worksheet;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

function nameArea(wb: ExcelJS.Workbook, name: string): ExcelArea | undefined {
  const ref = wb.definedNames.getRanges(name)?.ranges?.[0];
  const parsed = ref ? parseRef(ref) : undefined;
  const ws = parsed ? wb.getWorksheet(parsed.sheet) : undefined;
  return parsed && ws ? { ws, ...parsed } : undefined;
}

function readMeta(wb: ExcelJS.Workbook): Record<string, string> | undefined {
  const ws = wb.getWorksheet(SHEETS.meta);
  if (!ws) return undefined;
  const meta: Record<string, string> = {};
  for (let r = 1; r <= Math.min(ws.rowCount, 50); r++) {
    const key = readCell(ws.getCell(`${META.keyCol}${r}`)).value;
    if (key) meta[key] = cleanText(readCell(ws.getCell(`${META.valueCol}${r}`)).value);
  }
  return meta;
}

/** The 申报表 body: from rs_rows, else the row after the two header rows that start with 序号 / 企业名称. */
function formArea(wb: ExcelJS.Workbook, slots: number): ExcelArea | undefined {
  const named = nameArea(wb, NAMES.rows);
  if (named) return named;
  const ws = wb.getWorksheet(SHEETS.form);
  if (!ws) return undefined;
  for (let r = 1; r <= Math.min(ws.rowCount, 30); r++) {
    if (cleanText(readCell(ws.getCell(`A${r}`)).value) === '序号' && cleanText(readCell(ws.getCell(`B${r}`)).value) === '企业名称') {
      const top = r + 2;
      return { ws, top, left: 1, bottom: top + slots - 1, right: FORM_COLUMNS.length };
    }
  }
  return undefined;
}

function gridArea(wb: ExcelJS.Workbook, name: string, sheet: string, rubric: Rubric, slots: number): ExcelArea | undefined {
  const named = nameArea(wb, name);
  if (named) return named;
  const ws = wb.getWorksheet(sheet);
  if (!ws) return undefined;
  const first = rubric.criteria[0]!.id;
  for (let r = 1; r <= Math.min(ws.rowCount, 30); r++) {
    if (cleanText(readCell(ws.getCell(`${GRID.idCol}${r}`)).value) === first) {
      return { ws, top: r, left: GRID.firstProjectCol, bottom: r + rubric.criteria.length - 1, right: GRID.firstProjectCol + slots - 1 };
    }
  }
  return undefined;
}


export async function parseWorkbook(data: Uint8Array, opts: { fileName?: string; district?: string } = {}): Promise<ParseResult> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(data.buffer, data.byteOffset, data.byteLength) as unknown as ArrayBuffer);
  } catch {
    return rejected(PARSE_MSG.unreadable);
  }
  const meta = readMeta(wb);
  if (!meta && !wb.getWorksheet(SHEETS.answers)) {
    const plain = parsePlainWorkbook(wb, opts);
    return plain ?? rejected(PARSE_MSG.notUnit);
  }
  return readUnitWorkbook(wb, meta ?? {});
}

function grid(ws: ExcelJS.Worksheet): Grid {
  return { name: ws.name, cell: (address) => rawFromExcelJs(ws.getCell(address)) };
}

function readUnitWorkbook(wb: ExcelJS.Workbook, meta: Record<string, string>): ParseResult {
  const edition = meta.rubricEdition;
  if (!edition) return rejected(READ_MSG.noEdition);
  const rubric = rubricForEdition(edition);
  if (!rubric) return rejected(MSG.edition(edition), 'rubric.edition');
  const declared = Number(meta.projects);
  const named = nameArea(wb, NAMES.answers);
  const slots = named ? named.right - named.left + 1 : Number.isInteger(declared) && declared > 0 ? declared : 10;
  const form = formArea(wb, slots);
  const answers = gridArea(wb, NAMES.answers, SHEETS.answers, rubric, slots);
  const notes = gridArea(wb, NAMES.notes, SHEETS.notes, rubric, slots);
  if (!form) return rejected(PARSE_MSG.noSheet(SHEETS.form));
  if (!answers) return rejected(PARSE_MSG.noSheet(SHEETS.answers));
  const area = (a: ExcelArea): Area => ({ grid: grid(a.ws), top: a.top, left: a.left, bottom: a.bottom, right: a.right });
  const reporter: UnitLayout['reporter'] = {};
  for (const r of REPORTER_CELLS) {
    const at = nameArea(wb, r.name);
    if (at) reporter[r.field] = { grid: grid(at.ws), address: `${colLetter(at.left)}${at.top}` };
  }
  const ids = nameArea(wb, NAMES.ids);
  return assembleUnit({
    meta, form: area(form), answers: area(answers), ...(notes ? { notes: area(notes) } : {}), reporter,
    ...(ids ? { ids: grid(ids.ws) } : {}), source: 'xlsx',
  });
}
