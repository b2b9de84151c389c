/**
 * Reads a workbook back into a canonical Submission. Unit workbooks are read cell by cell from their XML (fast,
 * values only) through the defined names, falling back to the contract's fixed positions found by their headers when
 * a program dropped the names; the one assembler then validates and scores. Workbooks without our sheets are tried as
 * plain 附件2 tables (exceljs model, header search).
 */
import ExcelJS from 'exceljs';
import { rubricForEdition, type Rubric } from '../rubric';
import { MSG } from '../messages';
import { cleanText } from '../text';
import { FORM_COLUMNS, GRID, META, NAMES, REPORTER_CELLS, SHEETS, colLetter } from './contract';
import { interpretCell, parseRef, type RawCell } from './cells';
import { assembleUnit, READ_MSG, type Area, type Grid, type UnitLayout } from './assemble';
import { rejected, type ParseResult } from './result';
import { parsePlainWorkbook } from './plain';
import { openXlsx, type XlsxBook } from './xlsx-cells';

export type { ParseResult } from './result';

export const PARSE_MSG = {
  unreadable: '文件无法作为 Excel 工作簿（.xlsx）读取：请用 Excel、WPS 或 LibreOffice 打开后另存为 .xlsx 再上传',
  noSheet: (name: string) => `找不到工作表《${name}》：请不要重命名或删除申报工作簿中的工作表`,
  notUnit: '这不是“红色工地”申报工作簿，也没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）',
} as const;

const EMPTY: RawCell = { value: null };

function gridOf(book: XlsxBook, name: string): Grid | undefined {
  const cells = book.sheet(name);
  return cells ? { name, cell: (address) => cells.get(address) ?? EMPTY } : undefined;
}

function text(grid: Grid, address: string): string {
  return cleanText(interpretCell(grid.cell(address)).value);
}

function nameArea(book: XlsxBook, name: string): Area | undefined {
  const ref = book.definedNames.get(name);
  const parsed = ref ? parseRef(ref) : undefined;
  const grid = parsed ? gridOf(book, parsed.sheet) : undefined;
  return parsed && grid ? { grid, top: parsed.top, left: parsed.left, bottom: parsed.bottom, right: parsed.right } : undefined;
}

function readMeta(book: XlsxBook): Record<string, string> {
  const grid = gridOf(book, SHEETS.meta);
  const meta: Record<string, string> = {};
  if (!grid) return meta;
  for (let r = 1; r <= 50; r++) {
    const key = text(grid, `${META.keyCol}${r}`);
    if (key) meta[key] = text(grid, `${META.valueCol}${r}`);
  }
  return meta;
}

/** The 申报表 body: from rs_rows, else the rows after the two header rows that start with 序号 / 企业名称. */
function formArea(book: XlsxBook, slots: number): Area | undefined {
  const named = nameArea(book, NAMES.rows);
  if (named) return named;
  const grid = gridOf(book, SHEETS.form);
  if (!grid) return undefined;
  for (let r = 1; r <= 30; r++) {
    if (text(grid, `A${r}`) === '序号' && text(grid, `B${r}`) === '企业名称') {
      return { grid, top: r + 2, left: 1, bottom: r + 1 + slots, right: FORM_COLUMNS.length };
    }
  }
  return undefined;
}

function gridArea(book: XlsxBook, name: string, sheet: string, rubric: Rubric, slots: number): Area | undefined {
  const named = nameArea(book, name);
  if (named) return named;
  const grid = gridOf(book, sheet);
  if (!grid) return undefined;
  for (let r = 1; r <= 30; r++) {
    if (text(grid, `${GRID.idCol}${r}`) === rubric.criteria[0]!.id) {
      return { grid, top: r, left: GRID.firstProjectCol, bottom: r + rubric.criteria.length - 1, right: GRID.firstProjectCol + slots - 1 };
    }
  }
  return undefined;
}

function readUnit(book: XlsxBook): ParseResult {
  const meta = readMeta(book);
  const edition = meta.rubricEdition;
  if (!edition) return rejected(READ_MSG.noEdition);
  const rubric = rubricForEdition(edition);
  if (!rubric) return rejected(MSG.edition(edition), 'rubric.edition');
  const declared = Number(meta.projects);
  const named = nameArea(book, NAMES.answers);
  const slots = named ? named.right - named.left + 1 : Number.isInteger(declared) && declared > 0 ? declared : 10;
  const form = formArea(book, slots);
  const answers = gridArea(book, NAMES.answers, SHEETS.answers, rubric, slots);
  const notes = gridArea(book, NAMES.notes, SHEETS.notes, rubric, slots);
  if (!form) return rejected(PARSE_MSG.noSheet(SHEETS.form));
  if (!answers) return rejected(PARSE_MSG.noSheet(SHEETS.answers));
  const reporter: UnitLayout['reporter'] = {};
  for (const r of REPORTER_CELLS) {
    const at = nameArea(book, r.name);
    if (at) reporter[r.field] = { grid: at.grid, address: `${colLetter(at.left)}${at.top}` };
  }
  const ids = nameArea(book, NAMES.ids);
  return assembleUnit({ meta, form, answers, ...(notes ? { notes } : {}), reporter, ...(ids ? { ids: ids.grid } : {}), source: 'xlsx' });
}

export async function parseWorkbook(data: Uint8Array, opts: { fileName?: string; district?: string } = {}): Promise<ParseResult> {
  const book = openXlsx(data);
  if (!book) return rejected(PARSE_MSG.unreadable);
  if (book.sheetNames.includes(SHEETS.meta) || book.sheetNames.includes(SHEETS.answers)) return readUnit(book);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(data.buffer, data.byteOffset, data.byteLength) as unknown as ArrayBuffer);
  } catch {
    return rejected(PARSE_MSG.unreadable);
  }
  return parsePlainWorkbook(wb, opts) ?? rejected(PARSE_MSG.notUnit);
}
