/**
 * Reading one cell's value the way a person meant it, whatever program saved the file: rich text, hyperlinks,
 * dates as Date objects or serial numbers or text, phones that became numbers, and formulas (never trusted).
 */
import type ExcelJS from 'exceljs';
import { cleanText } from '../text';
import { numericMonth, numericYear, serialToIso } from '../dates';

export type CellKind = 'text' | 'phone' | 'date' | 'int';

export interface CellRead {
  value: string;
  formula?: boolean;
  /** A phone stored as a number: the text was restored. */
  numericPhone?: boolean;
  /**
   * A date cell holding a year and month (2024.3, core/dates.ts numericMonth) or a year alone (2024, numericYear) that
   * Excel stored as a number: the number, for the Submission's date schema to refuse with its own message (value is
   * its text).
   */
  monthNumber?: number;
}

function isoOf(date: Date): string {
  // exceljs returns dates as UTC midnight; values typed in a UTC+8 desktop still land on the right day.
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

/** Restores a phone that a spreadsheet turned into a number (0472… lost its leading 0). */
export function phoneFromNumber(n: number): string {
  const s = Number.isInteger(n) ? String(n) : String(Math.round(n));
  return /^[2-9]\d{9,10}$/.test(s) ? `0${s}` : s;
}

/** A cell as any reader sees it: its value (Office.js and exceljs both give these types) and whether it holds a formula. */
export interface RawCell {
  value: string | number | boolean | Date | null | undefined;
  formula?: boolean;
}

/** Interprets a raw cell for a field kind: phones stored as numbers, dates as serials, formulas never trusted. */
export function interpretCell(raw: RawCell, kind: CellKind = 'text'): CellRead {
  if (raw.formula) return { value: '', formula: true };
  const v = raw.value;
  if (v === null || v === undefined) return { value: '' };
  if (typeof v === 'string') return { value: v };
  if (typeof v === 'number') {
    if (kind === 'phone') return { value: phoneFromNumber(v), numericPhone: true };
    if (kind === 'date') {
      const month = numericMonth(v);
      if (month) return { value: month.text, monthNumber: v };
      return numericYear(v) ? { value: String(v), monthNumber: v } : { value: serialToIso(v) ?? String(v) };
    }
    return { value: String(v) };
  }
  if (typeof v === 'boolean') return { value: v ? 'TRUE' : 'FALSE' };
  return { value: isoOf(v) };
}

/** exceljs's cell value → RawCell (rich text, hyperlinks, errors, formulas). */
export function rawFromExcelJs(cell: ExcelJS.Cell | undefined): RawCell {
  const v = cell?.value;
  if (v === null || v === undefined || typeof v !== 'object' || v instanceof Date) return { value: v as RawCell['value'] };
  if ('formula' in v || 'sharedFormula' in v) return { value: null, formula: true };
  if ('richText' in v && Array.isArray(v.richText)) return { value: v.richText.map((r) => r.text).join('') };
  if ('text' in v && 'hyperlink' in v) {
    const t = (v as ExcelJS.CellHyperlinkValue).text;
    return { value: typeof t === 'string' ? t : cleanText(t) };
  }
  if ('error' in v) return { value: null };
  return { value: cleanText(String(v)) };
}

export function readCell(cell: ExcelJS.Cell | undefined, kind: CellKind = 'text'): CellRead {
  return interpretCell(rawFromExcelJs(cell), kind);
}
