/**
 * The 附件2 回执 filled in Word (.docx): mammoth turns the document into HTML (it keeps merged cells as colspan /
 * rowspan and line breaks as <p>/<br>), htmlparser2 reads the tables, and each table becomes a grid for the plain
 * 附件2 reader (core/node/workbook/plain.ts) — title rows, two-level headers and several tables work as in Excel. Text
 * outside the tables (填报单位：…, the file's title) is context for the unit and the 旗县区.
 *
 * Runs in the parser worker only (guard → pool), after the zip was inspected within limits.
 */
import mammoth from 'mammoth';
import type { Parser as HtmlParser } from 'htmlparser2';
import { DOCX_MSG, parsePlainGrids, type Grid, type PlainOptions } from './plain';

export { DOCX_MSG };
import { rejected, type ParseResult } from '../../workbook/result';
import { parseCell } from '../../ooxml/address';


interface HtmlCell {
  text: string;
  colspan: number;
  rowspan: number;
}

/** Bounds: a hostile document cannot make a huge grid. */
const MAX_ROWS = 5000;
const MAX_COLS = 40;
const MAX_SPAN = 100;

// htmlparser2 is an ES module: loaded with import(), which every supported Node version allows from CommonJS.
type ParserClass = typeof HtmlParser;
let parserClass: Promise<ParserClass> | undefined;
const loadParser = (): Promise<ParserClass> => (parserClass ??= import('htmlparser2').then((m) => m.Parser));

/** Tables (top level; a nested table's text joins its cell) and the paragraphs outside them. */
export function htmlTables(html: string, Parser: ParserClass): { tables: HtmlCell[][][]; paragraphs: string[] } {
  const tables: HtmlCell[][][] = [];
  const paragraphs: string[] = [];
  let depth = 0;
  let rows: HtmlCell[][] = [];
  let cell: HtmlCell | undefined;
  let lines: string[] = [];
  let line = '';
  let outside = '';
  const span = (v: string | undefined) => Math.min(MAX_SPAN, Math.max(1, Number.parseInt(v ?? '1', 10) || 1));
  const breakLine = () => {
    lines.push(line);
    line = '';
  };
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'table') {
          depth++;
          if (depth === 1) rows = [];
        } else if (depth === 1 && name === 'tr') rows.push([]);
        else if (depth === 1 && (name === 'td' || name === 'th')) {
          cell = { text: '', colspan: span(attrs.colspan), rowspan: span(attrs.rowspan) };
          lines = [];
          line = '';
        } else if (name === 'br' || name === 'p') {
          if (cell) {
            if (line) breakLine();
          } else if (depth === 0 && outside.trim()) {
            paragraphs.push(outside.trim());
            outside = '';
          }
        }
      },
      ontext(text) {
        if (cell) line += text;
        else if (depth === 0) outside += text;
      },
      onclosetag(name) {
        if (name === 'table') {
          if (depth === 1) tables.push(rows);
          depth = Math.max(0, depth - 1);
        } else if (depth === 1 && (name === 'td' || name === 'th') && cell) {
          if (line) breakLine();
          cell.text = lines.join('\n');
          rows.at(-1)?.push(cell);
          cell = undefined;
        } else if (name === 'p' && cell && line) breakLine();
        else if (name === 'p' && depth === 0 && outside.trim()) {
          paragraphs.push(outside.trim());
          outside = '';
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  if (outside.trim()) paragraphs.push(outside.trim());
  return { tables, paragraphs };
}

/** Lays out a table with row and column spans as a grid; a merged cell's text is in every cell it covers (as Excel's merged cells read). */
export function tableGrid(rows: HtmlCell[][], name: string): Grid {
  const grid: string[][] = [];
  rows.slice(0, MAX_ROWS).forEach((row, r) => {
    grid[r] ??= [];
    let c = 0;
    for (const cell of row) {
      while (grid[r]![c] !== undefined) c++;
      for (let dr = 0; dr < cell.rowspan && r + dr < MAX_ROWS; dr++) {
        grid[r + dr] ??= [];
        for (let dc = 0; dc < cell.colspan && c + dc < MAX_COLS; dc++) grid[r + dr]![c + dc] = cell.text;
      }
      c += cell.colspan;
      if (c >= MAX_COLS) break;
    }
  });
  return {
    name, rowCount: grid.length, colCount: Math.min(MAX_COLS, Math.max(0, ...grid.map((r) => r.length))),
    get: (r, c) => grid[r - 1]?.[c - 1] ?? '',
  };
}

export async function parseDocx(data: Uint8Array, opts: PlainOptions = {}): Promise<ParseResult> {
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: Buffer.from(data.buffer, data.byteOffset, data.byteLength) })).value;
  } catch {
    return rejected(DOCX_MSG.unreadable);
  }
  const { tables, paragraphs } = htmlTables(html, await loadParser());
  if (tables.length === 0) return rejected(DOCX_MSG.noTable);
  const grids = tables.map((t, i) => tableGrid(t, `Word 表格${tables.length > 1 ? ` ${i + 1}` : ''}`));
  const result = parsePlainGrids(grids, [opts.fileName ?? '', ...paragraphs], opts);
  if (!result) return rejected(DOCX_MSG.notPlain);
  // Word has no column letters: say “第 5 行第 3 列” instead of C5.
  const place = (cell: string | undefined) => {
    const at = cell ? parseCell(cell) : undefined;
    return at ? `第 ${at.row} 行第 ${at.col} 列` : cell;
  };
  return { ...result, issues: result.issues.map((i) => (i.cell ? { ...i, cell: place(i.cell)! } : i)) };
}
