/**
 * Reads a workbook back into a canonical Submission. Unit workbooks are read cell by cell from their XML (fast,
 * values only) through the defined names, falling back to the contract's fixed positions found by their headers when
 * a program dropped the names; the one assembler then validates and scores. Workbooks without our sheets are tried as
 * plain 附件2 tables (exceljs model, header search).
 */
import type ExcelJS from 'exceljs';
import { rubricForEdition, type Rubric } from '../../rubric';
import { MSG } from '../../messages';
import { cleanText } from '../../text';
import { CONTRACT_MSG, FORM_COLUMNS, FORM, GRID, META, NAMES, REPORTER_CELLS, SHEETS, nameShapeProblem } from '../../workbook/contract';
import { interpretCell, type RawCell } from '../../workbook/cells';
import { colLetter, parseRange } from '../../ooxml/address';
import { assembleUnit, READ_MSG, type Area, type Grid, type UnitLayout } from '../../workbook/assemble';
import { rejected, type ParseResult } from '../../workbook/result';
import { parsePlainWorkbook } from './plain';
import { openXlsx, type SheetBounds, type XlsxBook } from './xlsx-cells';
import { DEFAULT_LIMITS, formatBytes, type Limits } from '../../limits';

export type { ParseResult } from '../../workbook/result';

export const PARSE_MSG = {
  unreadable: '文件无法作为 Excel 工作簿（.xlsx）读取：请用 Excel、WPS 或 LibreOffice 打开后另存为 .xlsx 再上传',
  noSheet: (name: string) => `找不到工作表《${name}》：请不要重命名或删除申报工作簿中的工作表`,
  notUnit: '这不是“红色工地”申报工作簿，也没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）',
  plainTooLarge: (size: string, max: string) => `这不是“红色工地”申报工作簿，其中的表格又过大（${size}，按附件2回执读取的上限为 ${max}）：请只保留申报表回执所在的工作表后再上传`,
} as const;

const EMPTY: RawCell = { value: null };
/** Rows searched for a header when a program dropped the defined names. */
const HEADER_SEARCH_ROWS = 30;
const META_ROWS = 50;

/**
 * A unit workbook being read: which part of each sheet the reader will look at (so nothing beyond is kept), decided
 * before the first cell is read.
 */
class UnitBook {
  private readonly bounds = new Map<string, SheetBounds>();

  constructor(readonly book: XlsxBook) {
    this.need(SHEETS.meta, META_ROWS, 2);
  }

  need(sheet: string, rows: number, cols: number): void {
    const b = this.bounds.get(sheet);
    this.bounds.set(sheet, { rows: Math.max(rows, b?.rows ?? 0), cols: Math.max(cols, b?.cols ?? 0) });
  }

  grid(name: string): Grid | undefined {
    const cells = this.book.sheet(name, this.bounds.get(name) ?? { rows: HEADER_SEARCH_ROWS, cols: FORM_COLUMNS.length });
    return cells ? { name, cell: (address) => cells.get(address) ?? EMPTY, emptyIn: (col, top, bottom) => cells.emptyIn(col, top, bottom) } : undefined;
  }

  area(name: string): Area | undefined {
    const ref = this.book.definedNames.get(name);
    const parsed = ref ? parseRange(ref) : undefined;
    const grid = parsed ? this.grid(parsed.sheet) : undefined;
    return parsed && grid ? { grid, top: parsed.top, left: parsed.left, bottom: parsed.bottom, right: parsed.right } : undefined;
  }
}

function text(grid: Grid, address: string): string {
  return cleanText(interpretCell(grid.cell(address)).value);
}

function readMeta(book: UnitBook): Record<string, string> {
  const grid = book.grid(SHEETS.meta);
  // No prototype: a key typed into the sheet (“constructor”, “__proto__”) is just a key.
  const meta: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!grid) return meta;
  for (let r = 1; r <= META_ROWS; r++) {
    const key = text(grid, `${META.keyCol}${r}`);
    if (key) meta[key] = text(grid, `${META.valueCol}${r}`);
  }
  return meta;
}

/** The 申报表 body: from rs_rows, else the rows after the two header rows that start with 序号 / 企业名称. */
function formArea(book: UnitBook, slots: number): Area | undefined {
  const named = book.area(NAMES.rows);
  if (named) return named;
  const grid = book.grid(SHEETS.form);
  if (!grid) return undefined;
  for (let r = 1; r <= HEADER_SEARCH_ROWS; r++) {
    if (text(grid, `A${r}`) === '序号' && text(grid, `B${r}`) === '企业名称') {
      return { grid, top: r + 2, left: 1, bottom: r + 1 + slots, right: FORM_COLUMNS.length };
    }
  }
  return undefined;
}

function gridArea(book: UnitBook, name: string, sheet: string, rubric: Rubric, slots: number): Area | undefined {
  const named = book.area(name);
  if (named) return named;
  const grid = book.grid(sheet);
  if (!grid) return undefined;
  for (let r = 1; r <= HEADER_SEARCH_ROWS; r++) {
    if (text(grid, `${GRID.idCol}${r}`) === rubric.criteria[0]!.id) {
      return { grid, top: r, left: GRID.firstProjectCol, bottom: r + rubric.criteria.length - 1, right: GRID.firstProjectCol + slots - 1 };
    }
  }
  return undefined;
}

/** The contract names present, checked against their shapes; the first wrong one is the refusal. */
function checkNames(book: UnitBook, rubric: Rubric, maxProjects: number): string | undefined {
  const names = [NAMES.rows, NAMES.ids, NAMES.answers, NAMES.notes, ...REPORTER_CELLS.map((r) => r.name)];
  for (const name of names) {
    const ref = book.book.definedNames.get(name);
    const area = ref ? parseRange(ref) : undefined;
    if (!ref || !area) continue;
    const problem = nameShapeProblem(name, ref, area, rubric.criteria.length, maxProjects);
    if (problem) return problem;
    book.need(area.sheet, area.bottom, area.right);
  }
  return undefined;
}

function readUnit(xlsx: XlsxBook, limits: Pick<Limits, 'projects'>): ParseResult {
  const book = new UnitBook(xlsx);
  const meta = readMeta(book);
  const edition = meta.rubricEdition;
  if (!edition) return rejected(READ_MSG.noEdition);
  const rubric = rubricForEdition(edition);
  if (!rubric) return rejected(MSG.edition(edition), 'rubric.edition');
  const shape = checkNames(book, rubric, limits.projects);
  if (shape) return rejected(shape, 'names');
  const declared = Number(meta.projects);
  const namedAnswers = xlsx.definedNames.get(NAMES.answers);
  const namedArea = namedAnswers ? parseRange(namedAnswers) : undefined;
  if (!namedArea && Number.isInteger(declared) && declared > limits.projects) return rejected(CONTRACT_MSG.projects(declared, limits.projects), 'names');
  const slots = namedArea ? namedArea.right - namedArea.left + 1 : Number.isInteger(declared) && declared > 0 ? declared : 10;
  // Where the fallbacks look when names are missing: the header rows and one row or column per project.
  book.need(SHEETS.form, Math.max(FORM.firstRow, HEADER_SEARCH_ROWS) + 1 + slots, FORM_COLUMNS.length);
  for (const sheet of [SHEETS.answers, SHEETS.notes]) book.need(sheet, HEADER_SEARCH_ROWS + rubric.criteria.length, GRID.firstProjectCol + slots - 1);
  const form = formArea(book, slots);
  const answers = gridArea(book, NAMES.answers, SHEETS.answers, rubric, slots);
  const notes = gridArea(book, NAMES.notes, SHEETS.notes, rubric, slots);
  if (!form) return rejected(PARSE_MSG.noSheet(SHEETS.form));
  if (!answers) return rejected(PARSE_MSG.noSheet(SHEETS.answers));
  const reporter: UnitLayout['reporter'] = {};
  for (const r of REPORTER_CELLS) {
    const at = book.area(r.name);
    if (at) reporter[r.field] = { grid: at.grid, address: `${colLetter(at.left)}${at.top}` };
  }
  const ids = book.area(NAMES.ids);
  return assembleUnit({ meta, form, answers, ...(notes ? { notes } : {}), reporter, ...(ids ? { ids: ids.grid } : {}), source: 'xlsx' });
}

export async function parseWorkbook(
  data: Uint8Array,
  opts: { fileName?: string; district?: string; limits?: Partial<Limits>; parts?: ReadonlyMap<string, Uint8Array> } = {},
): Promise<ParseResult> {
  // The guard's inflated parts, when it has inspected the file: nothing is inflated twice.
  const book = openXlsx(data, opts.parts);
  if (!book) return rejected(PARSE_MSG.unreadable);
  if (book.sheetNames.includes(SHEETS.meta) || book.sheetNames.includes(SHEETS.answers)) {
    try {
      return readUnit(book, { projects: opts.limits?.projects ?? DEFAULT_LIMITS.projects });
    } catch {
      // Malformed XML in a part the reader needed.
      return rejected(PARSE_MSG.unreadable);
    }
  }
  // Any other workbook is read as a plain 附件2 table through exceljs's whole model: only when it is table-sized.
  const maxPlain = opts.limits?.plainSheetBytes ?? DEFAULT_LIMITS.plainSheetBytes;
  if (book.sheetBytes > maxPlain) return rejected(PARSE_MSG.plainTooLarge(formatBytes(book.sheetBytes), formatBytes(maxPlain)));
  // Loaded here, not at the top: a worker reading unit workbooks never pays for it.
  const { default: Excel } = (await import('exceljs')) as { default: typeof ExcelJS };
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(Buffer.from(data.buffer, data.byteOffset, data.byteLength) as unknown as ArrayBuffer);
  } catch {
    return rejected(PARSE_MSG.unreadable);
  }
  return parsePlainWorkbook(wb, opts) ?? rejected(PARSE_MSG.notUnit);
}
