/**
 * Dates and date spans as people write them in a 回执: 2024.3-2024.12, 2024/3-2024/12, 2024.3 - 2024.12,
 * 2024.3.1-2024.12.30, 2024年3月—2025年6月, 2024年3月1日-12月30日 (end year omitted), 2024/03/01至2024/12/31.
 * A month without a day reads as the first (start) or last (end) day of that month; the caller warns about it.
 *
 * The span is matched as a whole (start, separator, end), so a hyphen is a date separator or the span separator by
 * position, and the “20” of the next year is never taken as a day.
 */
import { cleanText, toHalfWidth } from './text';

const EXCEL_EPOCH = Date.UTC(1899, 11, 30);

/** A spreadsheet's date serial (days since 1899-12-30, as Excel counts from March 1900 on) → ISO 'YYYY-MM-DD'. */
export function serialToIso(serial: number): string | undefined {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2958465) return undefined;
  const d = new Date(EXCEL_EPOCH + Math.round(serial * 86400000));
  return d.toISOString().slice(0, 10);
}

/**
 * One date cell's text, the spellings people type (2024-05-17, 2024/5/17, 2024.5.17, 2024年5月17日) → ISO
 * 'YYYY-MM-DD'; anything else (a month alone, a span, a day that does not exist) → undefined.
 */
export function normalizeDate(value: unknown): string | undefined {
  const text = toHalfWidth(cleanText(value));
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const SEP = String.raw`\s*(?:[-/.]|年)\s*`;
// year, month, optional day (a day is 1–2 digits not followed by another digit), optional 日/月 marks.
const DATE = String.raw`(\d{4})${SEP}(\d{1,2})(?:\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?)?\s*月?`;
const END = String.raw`(?:(\d{4})${SEP})?(\d{1,2})(?:\s*(?:[-/.]|月)\s*(\d{1,2})(?!\d)\s*日?)?\s*月?`;
const RANGE = String.raw`\s*(?:至|到|~|-{1,2}|—{1,2}|–|―|－|一)\s*`;
const SPAN_RE = new RegExp(`^\\s*${DATE}${RANGE}${END}\\s*$`);
const ONE_RE = new RegExp(`^\\s*${DATE}\\s*$`);

export interface DateRead {
  /** ISO date, or undefined when the text is not a date. */
  iso?: string;
  /** Only year and month were given. */
  monthOnly: boolean;
}

export interface SpanRead {
  start?: string;
  end?: string;
  /** A month without a day on either side. */
  approximate: boolean;
  /** The end's year was omitted and taken from the start (the next year when it would end before it starts). */
  endYearGuessed: boolean;
}

function iso(y: number, mo: number, d: number | undefined, end: boolean): string | undefined {
  const day = d ?? (end ? new Date(Date.UTC(y, mo, 0)).getUTCDate() : 1);
  return mo >= 1 && mo <= 12 ? normalizeDate(`${y}-${mo}-${day}`) : undefined;
}

/** One date: 2024-05-17, 2024/5/17, 2024.5.17, 2024年5月17日, or a month (2024.3, 2024年3月). */
export function readDate(text: string, end = false): DateRead {
  const m = ONE_RE.exec(toHalfWidth(text));
  if (!m) return { monthOnly: false };
  const day = m[3] ? Number(m[3]) : undefined;
  return { iso: iso(Number(m[1]), Number(m[2]), day, end), monthOnly: day === undefined };
}

/** A 开竣工日期 span in one cell. */
export function readDateSpan(text: string): SpanRead {
  const t = toHalfWidth(text).replace(/\s+/g, ' ');
  // A complete single date (2024-03-01) is a start, not the span “2024-03 to January”.
  const single = readDate(t);
  if (single.iso && !single.monthOnly) return { start: single.iso, approximate: false, endYearGuessed: false };
  const m = SPAN_RE.exec(t);
  if (!m) {
    // Only a start (or nothing readable).
    const one = readDate(t);
    return { ...(one.iso ? { start: one.iso } : {}), approximate: one.monthOnly && Boolean(one.iso), endYearGuessed: false };
  }
  const [sy, smo, sd] = [Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : undefined];
  const [eyText, emo, ed] = [m[4], Number(m[5]), m[6] ? Number(m[6]) : undefined];
  const start = iso(sy, smo, sd, false);
  let ey = eyText ? Number(eyText) : sy;
  let end = iso(ey, emo, ed, true);
  if (!eyText && start && end && end < start) {
    ey = sy + 1;
    end = iso(ey, emo, ed, true);
  }
  return { start, end, approximate: sd === undefined || ed === undefined, endYearGuessed: !eyText };
}

/** A year and month that Excel stored as a decimal number (numericMonth). */
export interface NumericMonth {
  /** The number as Excel shows it in a General cell: 2024.3, 2024.03. */
  text: string;
  /** The year the person typed. */
  year: number;
  /**
   * The days they may have meant, as a month is read (its first day, or its last for an end): one, or two for .1
   * (2024.1 is January, or October typed as 2024.10).
   */
  days: string[];
  /** The number read as a date serial: what a date-formatted cell shows instead (2024.3 → 1905-07-16). */
  shown: string;
}

/**
 * A whole number from 1900 to 2099 in a date cell: a year typed alone (2024), which Excel keeps as the number 2024 —
 * as a date, a day in 1905 (its `shown`). No date of the years people report is such a serial. Undefined otherwise.
 */
export function numericYear(n: number): { year: number; shown: string } | undefined {
  return Number.isInteger(n) && n >= 1900 && n <= 2099 ? { year: n, shown: serialToIso(n)! } : undefined;
}

/**
 * A number in a date cell that is a year and month typed with a dot (2024.3, 2024.03): Excel keeps what looks like
 * a decimal as a number, not a date. No date of the years people report is such a serial (2000-01-01 is 36,526), so
 * a number from 1900 to 2099 with one or two decimals that make a month is what was typed. Undefined for any other
 * number (a real date's serial, a year alone, 2024.13).
 */
export function numericMonth(n: number, end = false): NumericMonth | undefined {
  if (!Number.isFinite(n)) return undefined;
  const year = Math.floor(n);
  const hundredths = Math.round((n - year) * 100);
  if (year < 1900 || year > 2099 || hundredths === 0 || Math.abs(n - year - hundredths / 100) > 1e-9) return undefined;
  // 2024.3 (30 hundredths) is month 3, and 2024.1 month 1 or 10; 2024.03 (3) is month 3, 2024.12 month 12.
  const months = hundredths % 10 === 0 ? (hundredths === 10 ? [1, 10] : [hundredths / 10]) : hundredths <= 12 ? [hundredths] : [];
  if (months.length === 0) return undefined;
  // As typed, not as the float a program may have written (2024.2999999999993).
  const text = `${year}.${hundredths % 10 === 0 ? hundredths / 10 : String(hundredths).padStart(2, '0')}`;
  return { text, year, days: months.map((m) => readDate(`${year}.${m}`, end).iso!), shown: serialToIso(n)! };
}
