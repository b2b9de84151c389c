/**
 * Roster job of the worker pool: reads the first sheet of a roster workbook (after the guard) or a CSV into a grid
 * of text, within fixed bounds — so a 20,000 × 100 roster costs a worker a moment, never the request thread.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { inspectZip } from '../core/node/workbook/guard';
import { openXlsx } from '../core/node/workbook/xlsx-cells';
import { interpretCell } from '../core/workbook/cells';
import type { Limits } from '../core/limits';
import { colLetter } from '../core/ooxml/address';

/** A roster holds at most this many rows after its header, and is read over this many columns. */
export const ROSTER_ROWS = 5000;
export const ROSTER_COLS = 20;
/** Rows searched for the header. */
const HEADER_ROWS = 20;

export interface RosterJob {
  format: 'xlsx' | 'csv';
  bytes: Uint8Array;
  fileName: string;
  limits: Limits;
}

export type RosterGrid = { name: string; rows: string[][]; more: boolean } | { refused: string };

export const ROSTER_MSG = {
  noSheet: '名单文件中没有工作表',
  unreadable: '名单文件无法读取：请用 Excel 另存为 .xlsx，或保存为 UTF-8 编码的 .csv 后再导入',
} as const;

export async function handle(job: RosterJob): Promise<RosterGrid> {
  const limitRows = HEADER_ROWS + ROSTER_ROWS + 1;
  if (job.format === 'csv') {
    const text = new TextDecoder().decode(job.bytes).replace(/^\ufeff/, '');
    let records: string[][];
    try {
      records = parseCsv(text, { relax_column_count: true, to: limitRows }) as string[][];
    } catch {
      return { refused: ROSTER_MSG.unreadable };
    }
    return { name: job.fileName, rows: records.map((r) => r.slice(0, ROSTER_COLS)), more: records.length >= limitRows };
  }
  const refusal = await inspectZip(job.bytes, job.limits);
  if (refusal) return { refused: refusal };
  const book = openXlsx(job.bytes);
  if (!book) return { refused: ROSTER_MSG.unreadable };
  const name = book.sheetNames[0];
  if (name === undefined) return { refused: ROSTER_MSG.noSheet };
  let cells: ReturnType<typeof book.sheet>;
  try {
    cells = book.sheet(name, { rows: limitRows, cols: ROSTER_COLS });
  } catch {
    return { refused: ROSTER_MSG.unreadable };
  }
  if (!cells) return { refused: ROSTER_MSG.unreadable };
  let last = 0;
  for (const ref of cells.keys()) last = Math.max(last, Number(/\d+$/.exec(ref)?.[0] ?? 0));
  const rows = Array.from({ length: Math.min(last, limitRows) }, (_, r) =>
    Array.from({ length: ROSTER_COLS }, (_, c) => interpretCell(cells.get(`${colLetter(c + 1)}${r + 1}`) ?? { value: null }, c === 3 ? 'phone' : 'text').value),
  );
  return { name, rows, more: last >= limitRows };
}
