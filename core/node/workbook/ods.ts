/**
 * The 回执 saved by LibreOffice or WPS as .ods: content.xml's tables (streamed by core/ooxml/scan.ts) become grids for the plain
 * 附件2 reader, merged cells spread like Excel's, repeated rows and columns expanded within bounds. A redsite unit
 * workbook saved as .ods is not read here (its self-assessment would be lost): the unit is asked to save it as .xlsx.
 *
 * Runs in the parser worker only, after the zip was inspected within limits.
 */
import { unzipSync } from 'fflate';
import { scanXml, type Attributes } from '../../ooxml/scan';
import { phoneFromNumber } from '../../workbook/cells';
import { serialToIso } from '../../dates';
import { SHEETS } from '../../workbook/contract';
import { parsePlainGrids, type Grid, type PlainOptions } from './plain';
import { rejected, type ParseResult } from '../../workbook/result';

export const ODS_MSG = {
  unreadable: '.ods 表格无法读取（文件已损坏）：请在 LibreOffice 中点“文件 → 另存为”，文件类型选“Excel 2007-365 (.xlsx)”后再上传',
  unitWorkbook: '这是用 LibreOffice／WPS 另存为 .ods 的申报工作簿，.ods 中的自评无法可靠读取：请点“文件 → 另存为”，文件类型选“Excel 2007-365 (.xlsx)”后再上传',
  notPlain: '.ods 表格中没有找到附件2《申报表回执》的表头（序号、企业名称、项目情况、负责人、联系电话、开竣工日期）：请检查表格的列名',
} as const;

interface OdsCell {
  text: string;
  number?: number;
  date?: string;
  colspan: number;
  rowspan: number;
  repeat: number;
}

const MAX_ROWS = 5000;
const MAX_COLS = 40;

function readTables(xml: Uint8Array): Array<{ name: string; rows: OdsCell[][] }> {
  const tables: Array<{ name: string; rows: OdsCell[][] }> = [];
  let table: { name: string; rows: OdsCell[][] } | undefined;
  let row: OdsCell[] | undefined;
  let rowRepeat = 1;
  let cell: OdsCell | undefined;
  let lines: string[] = [];
  let inP = 0;
  const int = (v: string | undefined, max: number) => Math.min(max, Math.max(1, Number.parseInt(v ?? '1', 10) || 1));
  const open = (name: string, attrs: Attributes) => {
    const a = (key: string) => attrs.get(key);
    switch (name) {
      case 'table:table':
        table = { name: a('table:name') ?? '', rows: [] };
        break;
      case 'table:table-row':
        row = [];
        rowRepeat = int(a('table:number-rows-repeated'), MAX_ROWS);
        break;
      case 'table:table-cell':
      case 'table:covered-table-cell': {
        const type = a('office:value-type');
        const date = a('office:date-value');
        cell = {
          text: '',
          ...(type === 'float' || type === 'currency' || type === 'percentage' ? { number: Number(a('office:value')) } : {}),
          ...(type === 'date' && date ? { date: date.slice(0, 10) } : {}),
          colspan: name === 'table:covered-table-cell' ? 0 : int(a('table:number-columns-spanned'), MAX_COLS),
          rowspan: int(a('table:number-rows-spanned'), MAX_ROWS),
          repeat: int(a('table:number-columns-repeated'), MAX_COLS),
        };
        lines = [];
        break;
      }
      case 'text:p':
        inP++;
        lines.push('');
        break;
      case 'text:s':
        if (inP && cell) lines[lines.length - 1] += ' '.repeat(int(a('text:c'), 100));
        break;
      case 'text:tab':
        if (inP && cell) lines[lines.length - 1] += '\t';
        break;
      case 'text:line-break':
        if (inP && cell) lines.push('');
        break;
      default:
    }
  };
  const text = (t: string) => {
    if (inP && cell) lines[lines.length - 1] += t;
  };
  const close = (name: string) => {
    switch (name) {
      case 'text:p':
        inP = Math.max(0, inP - 1);
        break;
      case 'table:table-cell':
      case 'table:covered-table-cell':
        if (cell && row) {
          cell.text = lines.join('\n');
          row.push(cell);
        }
        cell = undefined;
        break;
      case 'table:table-row':
        if (row && table) {
          // Trailing empty repeats fill a sheet to its last row/column: stop at the bounds.
          const empty = row.every((c) => !c.text && c.number === undefined && !c.date);
          for (let k = 0; k < (empty ? Math.min(rowRepeat, 1) : rowRepeat) && table.rows.length < MAX_ROWS; k++) table.rows.push(row);
        }
        row = undefined;
        break;
      case 'table:table':
        if (table) tables.push(table);
        table = undefined;
        break;
      default:
    }
  };
  scanXml(xml, { open, text, close });
  return tables;
}

/** Lays out one table: covered cells are skipped, a merged cell's text is in every cell it covers. */
function tableGrid(name: string, rows: OdsCell[][]): Grid {
  const grid: Array<Array<OdsCell | undefined>> = [];
  rows.forEach((cells, r) => {
    grid[r] ??= [];
    let c = 0;
    for (const cell of cells) {
      // A covered cell's place is taken by the merged cell that spans it (placed like HTML's colspan/rowspan).
      if (cell.colspan === 0) continue;
      for (let k = 0; k < cell.repeat && c < MAX_COLS; k++) {
        while (grid[r]![c] !== undefined && c < MAX_COLS) c++;
        for (let dr = 0; dr < cell.rowspan && r + dr < MAX_ROWS; dr++) {
          grid[r + dr] ??= [];
          for (let dc = 0; dc < cell.colspan && c + dc < MAX_COLS; dc++) grid[r + dr]![c + dc] ??= cell;
        }
        c += cell.colspan;
      }
    }
  });
  const at = (r: number, c: number) => grid[r - 1]?.[c - 1];
  // A date cell's value is its ISO date (the shown text depends on the locale's format).
  const text = (x: OdsCell | undefined) => (x ? (x.date ?? (x.text || (x.number !== undefined ? String(x.number) : ''))) : '');
  return {
    name, rowCount: grid.length, colCount: Math.min(MAX_COLS, Math.max(0, ...grid.map((r) => r.length))),
    get: (r, c) => text(at(r, c)),
    read: (r, c, kind) => {
      const x = at(r, c);
      if (kind === 'phone' && x?.number !== undefined && !x.text.replace(/[\s\d.]/g, '')) return { value: phoneFromNumber(x.number), numericPhone: true };
      if (kind === 'date' && x?.number !== undefined && !x.date) return { value: serialToIso(x.number) ?? text(x) };
      return { value: text(x) };
    },
  };
}

export function parseOds(data: Uint8Array, opts: PlainOptions = {}): ParseResult {
  let xml: Uint8Array;
  try {
    const parts = unzipSync(data, { filter: (f) => f.name === 'content.xml' });
    if (!parts['content.xml']) return rejected(ODS_MSG.unreadable);
    xml = parts['content.xml'];
  } catch {
    return rejected(ODS_MSG.unreadable);
  }
  let tables: ReturnType<typeof readTables>;
  try {
    tables = readTables(xml);
  } catch {
    return rejected(ODS_MSG.unreadable);
  }
  if (tables.some((t) => t.name === SHEETS.answers || t.name === SHEETS.meta)) return rejected(ODS_MSG.unitWorkbook);
  const grids = tables.map((t) => tableGrid(t.name, t.rows));
  const context = [opts.fileName ?? '', ...tables.map((t) => t.name)];
  for (const g of grids) {
    for (let r = 1; r <= Math.min(g.rowCount, 5); r++) {
      const line = Array.from({ length: Math.min(g.colCount, 12) }, (_, c) => g.get(r, c + 1)).filter(Boolean).join('  ');
      if (/序号|企业名称/.test(line)) break;
      context.push(line);
    }
  }
  return parsePlainGrids(grids, context, opts) ?? rejected(ODS_MSG.notPlain);
}
