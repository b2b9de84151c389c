/**
 * Data validations written as disjoint rectangles, each rule once for its cells. exceljs 4.4 keeps validations per
 * cell and, when writing, "optimises" them into ranges after sorting the addresses as text (E10 before E4), so it grows
 * a second range over cells it already covered (E10:N58 and E4:N58; exceljs issue #2820). Programs that apply the
 * first matching rule then lose the dropdown or check on the first rows. A range key in the worksheet's validation
 * collection is written as given, so we replace the per-cell entries by maximal rectangles before writing.
 */
import type ExcelJS from 'exceljs';
import { colLetter, parseCell } from '../../ooxml/address';

type Model = Record<string, ExcelJS.DataValidation | undefined>;

/** exceljs keeps the collection on every worksheet (also WorkbookWriter's), but its typings do not declare it. */
function modelOf(ws: ExcelJS.Worksheet): { model: Model } {
  return (ws as unknown as { dataValidations: { model: Model } }).dataValidations;
}

function decode(address: string): { row: number; col: number } {
  const at = parseCell(address);
  if (!at) throw new Error(`不是单元格地址：${address}`);
  return at;
}

/** Every cell of a key: "B3", "E4:N58" or several separated by spaces (as a sqref). */
function cellsOf(key: string): Array<{ row: number; col: number }> {
  return key.split(/\s+/).filter(Boolean).flatMap((part) => {
    const [a, b = a] = part.split(':') as [string, string?];
    const from = decode(a);
    const to = decode(b);
    const out: Array<{ row: number; col: number }> = [];
    for (let row = Math.min(from.row, to.row); row <= Math.max(from.row, to.row); row++) {
      for (let col = Math.min(from.col, to.col); col <= Math.max(from.col, to.col); col++) out.push({ row, col });
    }
    return out;
  });
}

/** The same text for equal rules whatever their key order (dates as ISO text). */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value,
  );
}

/**
 * Disjoint rectangles covering exactly `cells`: from each uncovered cell in row order, grow down as far as the rule
 * goes, then right while the whole column segment does.
 */
export function rectangles(cells: ReadonlyArray<{ row: number; col: number }>): string[] {
  const key = (row: number, col: number) => `${row}:${col}`;
  const open = new Set(cells.map((c) => key(c.row, c.col)));
  const ordered = [...cells].sort((a, b) => a.row - b.row || a.col - b.col);
  const out: string[] = [];
  for (const { row, col } of ordered) {
    if (!open.has(key(row, col))) continue;
    let height = 1;
    while (open.has(key(row + height, col))) height++;
    let width = 1;
    const columnFree = (c: number) => Array.from({ length: height }, (_, i) => row + i).every((r) => open.has(key(r, c)));
    while (columnFree(col + width)) width++;
    for (let r = row; r < row + height; r++) for (let c = col; c < col + width; c++) open.delete(key(r, c));
    const tl = `${colLetter(col)}${row}`;
    out.push(height === 1 && width === 1 ? tl : `${tl}:${colLetter(col + width - 1)}${row + height - 1}`);
  }
  return out;
}

/**
 * Rewrites a worksheet's validations as disjoint rectangles, one entry per rectangle, so exceljs writes each rule once
 * and no two sqref ranges intersect. A cell listed twice keeps the rule set last, as exceljs itself would.
 */
export function compactValidations(ws: ExcelJS.Worksheet): void {
  const collection = modelOf(ws);
  const byCell = new Map<string, { row: number; col: number; rule: ExcelJS.DataValidation }>();
  for (const [address, rule] of Object.entries(collection.model)) {
    if (!rule) continue;
    for (const c of cellsOf(address)) byCell.set(`${c.row}:${c.col}`, { ...c, rule });
  }
  const groups = new Map<string, { rule: ExcelJS.DataValidation; cells: Array<{ row: number; col: number }> }>();
  for (const { row, col, rule } of byCell.values()) {
    const k = canonical(rule);
    const g = groups.get(k) ?? { rule, cells: [] };
    groups.set(k, g);
    g.cells.push({ row, col });
  }
  const model: Model = {};
  for (const { rule, cells } of groups.values()) for (const range of rectangles(cells)) model[range] = rule;
  collection.model = model;
}
