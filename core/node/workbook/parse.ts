/**
 * Reads a workbook back into a canonical Submission. Unit workbooks are read cell by cell from their XML (fast,
 * values only) through the defined names, falling back to the contract's fixed positions found by their headers when
 * a program dropped the names; the one assembler then validates and scores. Workbooks without our sheets are tried as
 * plain 附件2 tables (exceljs model, header search).
 */
import type ExcelJS from 'exceljs';
import { cleanText } from '../../text';
import { CONTRACT_MSG, FORM_COLUMNS, META, SHEETS } from '../../workbook/contract';
import { interpretCell, type RawCell } from '../../workbook/cells';
import { assembleUnit, type Grid } from '../../workbook/assemble';
import { HEADER_SEARCH_ROWS, META_ROWS, isRejected, locateUnit, planUnit } from '../../workbook/locate';
import { rejected, type ParseResult } from '../../workbook/result';
import { parsePlainWorkbook } from './plain';
import { openXlsx, type SheetBounds, type XlsxBook } from './xlsx-cells';
import { DEFAULT_LIMITS, formatBytes, type Limits } from '../../limits';

export type { ParseResult } from '../../workbook/result';

export const PARSE_MSG = {
  unreadable: '文件无法作为 Excel 工作簿（.xlsx）读取：请用 Excel、WPS 或 LibreOffice 打开后另存为 .xlsx 再上传',
  noSheet: CONTRACT_MSG.noSheet,
  notUnit: '这不是“红色工地”申报工作簿，也没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）',
  plainTooLarge: (size: string, max: string) => `这不是“红色工地”申报工作簿，其中的表格又过大（${size}，按附件2回执读取的上限为 ${max}）：请只保留申报表回执所在的工作表后再上传`,
} as const;

const EMPTY: RawCell = { value: null };

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

/** Planned and located by core/workbook/locate.ts, as the task pane does through Office.js. */
function readUnit(xlsx: XlsxBook, limits: Pick<Limits, 'projects'>): ParseResult {
  const book = new UnitBook(xlsx);
  const meta = readMeta(book);
  const plan = planUnit(meta, xlsx.definedNames, limits.projects);
  if (isRejected(plan)) return plan;
  for (const r of plan.reads) book.need(r.sheet, r.bottom, r.right);
  const layout = locateUnit(plan, book, 'xlsx', meta);
  return isRejected(layout) ? layout : assembleUnit(layout);
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
