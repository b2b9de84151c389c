/**
 * A1 addresses: column letters ↔ numbers, cell references (`$B$7`) and ranges with their sheet
 * (`'细则自评'!$E$4:$N$58`). The one implementation for every reader and writer, the task pane included, so it stays
 * browser-safe (no Node imports).
 */

/** The largest column and row of a worksheet (XFD1048576). */
export const MAX_COL = 16384;
export const MAX_ROW = 1048576;

/** 1 → A, 27 → AA. */
export function colLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** A → 1, AA → 27 (either case). Hot in streaming readers: a plain loop. */
export function colNumber(letters: string): number {
  let n = 0;
  for (let i = 0; i < letters.length; i++) {
    const c = letters.charCodeAt(i);
    n = n * 26 + (c >= 97 ? c - 96 : c - 64);
  }
  return n;
}

export interface CellAddress {
  col: number;
  row: number;
}

const CELL = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/;

/** `B7`, `$b$7` → { col: 2, row: 7 }; undefined for anything else, ranges and cells beyond XFD1048576 included. */
export function parseCell(ref: string): CellAddress | undefined {
  const m = CELL.exec(ref.toUpperCase());
  if (!m) return undefined;
  const col = colNumber(m[1]!);
  const row = Number(m[2]);
  return col >= 1 && col <= MAX_COL && row >= 1 && row <= MAX_ROW ? { col, row } : undefined;
}

/** The canonical form of a cell reference (`$b$7` → `B7`), or undefined when it is not one. */
export function normalizeCell(ref: string): string | undefined {
  const at = parseCell(ref);
  return at ? formatCell(at.col, at.row) : undefined;
}

/** { col: 2, row: 7 } → `B7`. */
export function formatCell(col: number, row: number): string {
  return `${colLetter(col)}${row}`;
}

/** A rectangle on a sheet, 1-based and inclusive. */
export interface Area {
  sheet: string;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

const RANGE = /^(?:'((?:[^']|'')+)'|([^!]+))!\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$/;

/** Parses a reference such as `'细则自评'!$E$4:$N$58` or `申报表!B3` (quotes and $ optional). */
export function parseRange(ref: string): Area | undefined {
  const m = RANGE.exec(ref.trim());
  if (!m) return undefined;
  const sheet = (m[1] ?? m[2] ?? '').replace(/''/g, "'");
  const left = colNumber(m[3]!);
  const top = Number(m[4]);
  return { sheet, top, left, bottom: m[6] ? Number(m[6]) : top, right: m[5] ? colNumber(m[5]) : left };
}

/** A sheet name as a formula or link writes it: `'申报表'` (quotes doubled inside). */
export function quoteSheet(name: string): string {
  return `'${name.replace(/'/g, "''")}'`;
}

/** Absolute reference with a quoted sheet name: `'细则自评'!$E$4:$N$58`. */
export function absRef(sheet: string, from: string, to?: string): string {
  const abs = (a: string) => a.replace(/^([A-Z]+)(\d+)$/, '$$$1$$$2');
  return `${quoteSheet(sheet)}!${abs(from)}${to ? `:${abs(to)}` : ''}`;
}

/** Whether `at` lies in the rectangle from `a` to `b`. */
export function inRange(at: CellAddress, a: CellAddress, b: CellAddress): boolean {
  return at.row >= a.row && at.row <= b.row && at.col >= a.col && at.col <= b.col;
}
