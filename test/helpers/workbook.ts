/** Fills a generated unit workbook with exceljs the way a person would in Excel: typing into the input cells. */
import ExcelJS from 'exceljs';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { currentRubric } from '../../core/rubric';
import { validProject } from './fixtures';
import { FORM_COLUMNS, REPORTER_CELLS, SHEETS, formCell, gridCell } from '../../core/workbook/contract';

export interface FillProject {
  slot?: number;
  fields: Record<string, string | number | Date>;
  answers?: Record<string, string>;
  notes?: Record<string, string>;
}

export async function fillWorkbook(template: Uint8Array, reporter: Record<string, string | Date>, projects: FillProject[], edit?: (wb: ExcelJS.Workbook) => void): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(template) as unknown as ArrayBuffer);
  const form = wb.getWorksheet(SHEETS.form)!;
  for (const r of REPORTER_CELLS) if (reporter[r.field] !== undefined) form.getCell(r.cell).value = reporter[r.field]!;
  const rubric = currentRubric();
  projects.forEach((p, i) => {
    const slot = p.slot ?? i;
    for (const c of FORM_COLUMNS) if (p.fields[c.field] !== undefined) form.getCell(formCell(slot, c.field)).value = p.fields[c.field]!;
    for (const [id, a] of Object.entries(p.answers ?? {})) wb.getWorksheet(SHEETS.answers)!.getCell(gridCell(rubric.byId.get(id)!.index, slot)).value = a;
    for (const [id, n] of Object.entries(p.notes ?? {})) wb.getWorksheet(SHEETS.notes)!.getCell(gridCell(rubric.byId.get(id)!.index, slot)).value = n;
  });
  edit?.(wb);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

export const REPORTER = { unit: '包头市第一建筑工程有限公司', district: '东河区', contact: '李红', phone: '13912345678', date: '2024-05-20' };

/** The 申报表 fields of test/helpers/fixtures' validProject, as a user types them into a row. */
export function projectFields(seq: number, overrides: Record<string, string | number | Date> = {}): Record<string, string | number | Date> {
  const { seq: _seq, answers: _answers, notes: _notes, ...fields } = validProject(seq);
  return { ...fields, ...overrides };
}

/**
 * Inserts (count > 0) or deletes (count < 0) whole rows of a sheet, as a user does in Excel: the cells below move, and
 * so do the workbook's defined names on that sheet (exceljs spliceRows moves them as Excel does; a name whose cells
 * are all deleted is dropped, where Excel keeps it as #REF!: see withBrokenName).
 */
export async function spliceRowsAsExcel(file: Uint8Array, sheet: string, at: number, count: number): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(file) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet(sheet)!;
  if (count > 0) ws.spliceRows(at, 0, ...Array.from({ length: count }, () => []));
  else ws.spliceRows(at, -count);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The workbook with defined name `name` pointing at deleted cells, as Excel keeps it: `'申报表'!#REF!`. */
export function withBrokenName(file: Uint8Array, name: string, sheet: string): Buffer {
  const parts = unzipSync(file);
  const xml = strFromU8(parts['xl/workbook.xml']!)
    .replace(new RegExp(`<definedName name="${name}">[^<]*</definedName>`), '')
    .replace('<definedNames>', `<definedNames><definedName name="${name}">&apos;${sheet}&apos;!#REF!</definedName>`);
  parts['xl/workbook.xml'] = strToU8(xml);
  return Buffer.from(zipSync(parts));
}

/** Workbook-level defined names of a file as it stores them (name → reference), #REF! ones included. */
export function definedNamesOf(file: Uint8Array): Map<string, string> {
  const xml = strFromU8(unzipSync(file)['xl/workbook.xml']!);
  const unescape = (s: string) => s.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return new Map([...xml.matchAll(/<definedName name="([^"]+)">([^<]*)<\/definedName>/g)].map((m) => [m[1]!, unescape(m[2]!)]));
}
