/**
 * A new workbook rendered as text, row by row, for writers that stream large exports (the master and district
 * workbooks): the worksheet XML in three pieces (head up to <sheetData>, one <row> at a time, tail), the fixed
 * stylesheet those sheets use, and the workbook, relationship, content-type and document-property parts. Numbers are
 * number cells, every non-empty string an inline string (never a formula, whatever it starts with), an empty string a
 * blank cell (Excel's COUNTA and ISBLANK then count it as nothing written). Browser-safe: the zip and
 * its compression are the caller's.
 */
import { CONTENT_TYPE, NS, REL, XML_DECLARATION } from './namespaces';
import { colLetter, quoteSheet } from './address';

export type CellValue = string | number | null | undefined;
/** The number formats of streamed sheets: text (phones keep their leading 0) and one-decimal percentages. */
export type NumFmt = '@' | '0.0%';

export interface StreamColumn {
  width: number;
  numFmt?: NumFmt;
}

export interface StreamSheetSpec {
  name: string;
  columns: StreamColumn[];
  /** 8 = A3, 9 = A4; always landscape, one page wide, as many pages tall as needed. */
  paperSize: 8 | 9;
}

/** How a row looks: the header (bold white on red, centred, wrapped), wrapped top-aligned text, or plain. */
export type RowLook = 'plain' | 'header' | 'wrap';

// Cell formats (xf indexes) of STYLES_XML: look × number format.
const LOOK_BASE: Record<RowLook, number> = { plain: 0, header: 3, wrap: 6 };
const FMT_OFFSET = (f: NumFmt | undefined) => (f === '@' ? 1 : f === '0.0%' ? 2 : 0);

/** The style index (s) of a cell in a row of this look and a column of this format. */
export function styleIndex(look: RowLook, fmt: NumFmt | undefined): number {
  return LOOK_BASE[look] + FMT_OFFSET(fmt);
}

/**
 * The style index of a text cell that looks like a formula (see looksLikeFormula) in a row of this look: text format
 * with quotePrefix, Excel's own mark for “text typed with a leading apostrophe”. Editing the cell (F2, Enter) or
 * saving as CSV and opening it again then keeps the text instead of making it a live formula.
 */
export function quotedStyleIndex(look: RowLook): number {
  return 9 + (look === 'plain' ? 0 : look === 'header' ? 1 : 2);
}

/**
 * Text a spreadsheet would take for a formula when typed or read from CSV: starts with = + - @, a tab or a CR.
 * One character code compared, no allocation: this runs on every string cell of a master.
 */
export function looksLikeFormula(text: string): boolean {
  const c = text.charCodeAt(0);
  return c === 0x3d || c === 0x2b || c === 0x2d || c === 0x40 || c === 0x09 || c === 0x0d;
}

const XF = (numFmtId: number, fontId: number, fillId: number, align: string) =>
  `<xf numFmtId="${numFmtId}" fontId="${fontId}" fillId="${fillId}" borderId="0" xfId="0"${numFmtId ? ' applyNumberFormat="1"' : ''}${fontId ? ' applyFont="1"' : ''}${fillId ? ' applyFill="1"' : ''}${align ? ` applyAlignment="1">${align}</xf>` : '/>'}`;
/** quotedStyleIndex(): text (@) with quotePrefix, per look. */
const QUOTED_XF = (fontId: number, fillId: number, align: string) =>
  `<xf numFmtId="49" fontId="${fontId}" fillId="${fillId}" borderId="0" xfId="0" quotePrefix="1" applyNumberFormat="1"${fontId ? ' applyFont="1"' : ''}${fillId ? ' applyFill="1"' : ''}${align ? ` applyAlignment="1">${align}</xf>` : '/>'}`;
const HEADER_ALIGN = '<alignment horizontal="center" vertical="center" wrapText="1"/>';
const WRAP_ALIGN = '<alignment vertical="top" wrapText="1"/>';
const FORMATS = [0, 49, 164];

/** The stylesheet of streamed workbooks; its cellXfs are laid out as styleIndex() counts them. */
export const STYLES_XML = `${XML_DECLARATION}<styleSheet xmlns="${NS.main}"><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>`
  + '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font><font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/></font></fonts>'
  + '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFC00000"/><bgColor indexed="64"/></patternFill></fill></fills>'
  + '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
  + '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
  + `<cellXfs count="12">${FORMATS.map((f) => XF(f, 0, 0, '')).join('')}${FORMATS.map((f) => XF(f, 1, 2, HEADER_ALIGN)).join('')}${FORMATS.map((f) => XF(f, 0, 0, WRAP_ALIGN)).join('')}`
  + `${QUOTED_XF(0, 0, '')}${QUOTED_XF(1, 2, HEADER_ALIGN)}${QUOTED_XF(0, 0, WRAP_ALIGN)}</cellXfs>`
  + '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles><dxfs count="0"/><tableStyles count="0"/></styleSheet>';

// XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/FFFF: dropped, so user text cannot break the file.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
// eslint-disable-next-line no-control-regex
const NEEDS_WORK = /[&<>"\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

/** Text for element content or an attribute: escaped, characters XML cannot carry dropped. Fast path for plain text. */
export function escapeText(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  return s.replace(NOT_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** White space as JavaScript's \s counts it (one UTF-16 code unit). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/** Leading or trailing white space, or a line break: the <t> needs xml:space="preserve" to keep it. */
function preserves(text: string): boolean {
  const n = text.length;
  return n > 0 && (isSpace(text.charCodeAt(0)) || isSpace(text.charCodeAt(n - 1)) || text.includes('\n'));
}

/** Column letters of a sheet, computed once (a row renders up to 100+ references). */
export function columnLetters(count: number): string[] {
  return Array.from({ length: count }, (_, i) => colLetter(i + 1));
}

/** Strings up to this long are remembered per column with their rendered cell (answers, 是/否, 旗县区, blanks). */
const SHORT = 24;
/** At most this many remembered strings per column and look. */
const REMEMBERED = 512;

/** The fixed parts of one column's cells in rows of one look. */
interface ColumnParts {
  /** `<c r="B` — the row number follows. */
  open: string;
  /** After the row number: a number's `" s="6"><v>`, an empty cell's `" s="6"/>`, a string's `" s="6" t="inlineStr"><is><t`. */
  num: string;
  empty: string;
  str: string;
  /** A string's start for text that looks like a formula: the quotePrefix style. */
  quoted: string;
  /** Rendered string cells after the row number, by value. */
  known: Map<string, string>;
}

/** The parts of the cells of column `letter` in rows of `look`, with the column's number format. */
function columnParts(letter: string, look: RowLook, numFmt: StreamColumn['numFmt']): ColumnParts {
  const s = styleIndex(look, numFmt);
  const style = s ? ` s="${s}"` : '';
  return { open: `<c r="${letter}`, num: `"${style}><v>`, empty: `"${style}/>`, str: `"${style} t="inlineStr"><is><t`, quoted: `" s="${quotedStyleIndex(look)}" t="inlineStr"><is><t`, known: new Map() };
}

/**
 * Renders the rows of one sheet: the parts of every cell that do not depend on its row (reference letters, style,
 * type) are worked out once per column and look, and short repeated strings (answers, 是/否, 旗县区, blanks) once per
 * column; a row is then a few concatenations per cell.
 */
export class RowRenderer {
  private readonly parts: Record<RowLook, ColumnParts[]>;
  private readonly rowAttrs = new Map<string, string>();

  constructor(private readonly spec: StreamSheetSpec, letters: readonly string[] = columnLetters(spec.columns.length)) {
    const of = (look: RowLook): ColumnParts[] => spec.columns.map((col, i) => columnParts(letters[i]!, look, col.numFmt));
    this.parts = { plain: of('plain'), header: of('header'), wrap: of('wrap') };
  }

  /** One <row>, as rowXml() renders it. */
  row(r: number, values: readonly CellValue[], look: RowLook, height?: number): string {
    const key = `${look}${height ?? ''}`;
    let attrs = this.rowAttrs.get(key);
    if (attrs === undefined) {
      attrs = `" spans="1:${this.spec.columns.length}"${height !== undefined ? ` ht="${height}" customHeight="1"` : ''}${look === 'wrap' ? ` s="${LOOK_BASE.wrap}" customFormat="1"` : ''}>`;
      this.rowAttrs.set(key, attrs);
    }
    const parts = this.parts[look];
    let out = `<row r="${r}${attrs}`;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      // Cells past the declared columns (none in practice) are styled as a column without a format.
      const p = parts[i] ?? this.extra(look, i);
      if (typeof value === 'number') out += Number.isFinite(value) ? `${p.open}${r}${p.num}${value}</v></c>` : `${p.open}${r}${p.empty}`;
      // An empty string is a blank cell (its style kept), not an empty inline string: a master's unanswered criteria
      // were ~6 % of its XML that way.
      else if (value === null || value === undefined || value === '') out += `${p.open}${r}${p.empty}`;
      else {
        let tail = value.length <= SHORT ? p.known.get(value) : undefined;
        if (tail === undefined) {
          const text = escapeText(value);
          tail = `${looksLikeFormula(value) ? p.quoted : p.str}${preserves(text) ? ' xml:space="preserve"' : ''}>${text}</t></is></c>`;
          if (value.length <= SHORT && p.known.size < REMEMBERED) p.known.set(value, tail);
        }
        out += `${p.open}${r}${tail}`;
      }
    }
    return `${out}</row>`;
  }

  private extra(look: RowLook, i: number): ColumnParts {
    return columnParts(colLetter(i + 1), look, undefined);
  }
}

/**
 * One <row>: cell i in column i + 1, styled by the row's look and its column's format; `height` in points (a wrapped
 * row carries its own, see workbook/layout.ts). Wrapped rows also carry the row style, so cells typed later wrap too.
 * Writers of many rows keep one RowRenderer per sheet instead.
 */
export function rowXml(r: number, values: readonly CellValue[], spec: StreamSheetSpec, letters: readonly string[], look: RowLook, height?: number): string {
  return new RowRenderer(spec, letters).row(r, values, look, height);
}

/** Everything up to and including <sheetData>: print fit, the frozen header row, column widths and formats. */
export function sheetHead(spec: StreamSheetSpec): string {
  let cols = '';
  const c = spec.columns;
  for (let i = 0; i < c.length; ) {
    let j = i;
    while (j + 1 < c.length && c[j + 1]!.width === c[i]!.width && c[j + 1]!.numFmt === c[i]!.numFmt) j++;
    const s = styleIndex('plain', c[i]!.numFmt);
    cols += `<col min="${i + 1}" max="${j + 1}" width="${c[i]!.width}"${s ? ` style="${s}"` : ''} customWidth="1"/>`;
    i = j + 1;
  }
  return `${XML_DECLARATION}<worksheet xmlns="${NS.main}" xmlns:r="${NS.rel}"><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>`
    + '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
    + `<sheetFormatPr defaultRowHeight="15"/>${cols ? `<cols>${cols}</cols>` : ''}<sheetData>`;
}

/** From </sheetData> to the end: margins and the landscape, one-page-wide print setup. */
export function sheetTail(spec: StreamSheetSpec): string {
  return `</sheetData><pageMargins left="0.3" right="0.3" top="0.5" bottom="0.5" header="0.3" footer="0.3"/><pageSetup paperSize="${spec.paperSize}" orientation="landscape" fitToWidth="1" fitToHeight="0"/></worksheet>`;
}

export interface SheetEntry {
  name: string;
  /** Printed rectangle, e.g. rows 1..n of columns A..Q: `{ lastCol: 17, lastRow: n }`; absent = the whole sheet. */
  printArea?: { lastCol: number; lastRow: number };
}

/** xl/workbook.xml: the sheets (part xl/worksheets/sheetN.xml, relationship rIdN) and their print titles and areas. */
export function workbookXml(sheets: readonly SheetEntry[]): string {
  const names = sheets.flatMap((s, i) => {
    const q = escapeText(quoteSheet(s.name));
    return [
      ...(s.printArea ? [`<definedName name="_xlnm.Print_Area" localSheetId="${i}">${q}!$A$1:$${colLetter(s.printArea.lastCol)}$${s.printArea.lastRow}</definedName>`] : []),
      `<definedName name="_xlnm.Print_Titles" localSheetId="${i}">${q}!$1:$1</definedName>`,
    ];
  });
  return `${XML_DECLARATION}<workbook xmlns="${NS.main}" xmlns:r="${NS.rel}"><bookViews><workbookView/></bookViews><sheets>`
    + sheets.map((s, i) => `<sheet name="${escapeText(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('')
    + `</sheets>${names.length ? `<definedNames>${names.join('')}</definedNames>` : ''}<calcPr calcId="171027"/></workbook>`;
}

export function workbookRelsXml(sheetCount: number): string {
  const sheets = Array.from({ length: sheetCount }, (_, i) => `<Relationship Id="rId${i + 1}" Type="${REL.worksheet}" Target="worksheets/sheet${i + 1}.xml"/>`).join('');
  return `${XML_DECLARATION}<Relationships xmlns="${NS.pkgRel}">${sheets}<Relationship Id="rId${sheetCount + 1}" Type="${REL.styles}" Target="styles.xml"/></Relationships>`;
}

const CORE_PROPS = 'http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties';
const APP_PROPS = `${NS.rel}/extended-properties`;

export const ROOT_RELS_XML = `${XML_DECLARATION}<Relationships xmlns="${NS.pkgRel}"><Relationship Id="rId1" Type="${REL.officeDocument}" Target="xl/workbook.xml"/><Relationship Id="rId2" Type="${CORE_PROPS}" Target="docProps/core.xml"/><Relationship Id="rId3" Type="${APP_PROPS}" Target="docProps/app.xml"/></Relationships>`;

export function contentTypesXml(sheetCount: number): string {
  const sheets = Array.from({ length: sheetCount }, (_, i) => `<Override PartName="/xl/worksheets/sheet${i + 1}.xml" ContentType="${CONTENT_TYPE.worksheet}"/>`).join('');
  return `${XML_DECLARATION}<Types xmlns="${NS.contentTypes}"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>`
    + `<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>${sheets}`
    + `<Override PartName="/xl/styles.xml" ContentType="${CONTENT_TYPE.styles}"/>`
    + '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    + '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>';
}

/** docProps/core.xml: who made the file and when (W3CDTF, UTC). */
export function corePropsXml(creator: string, at: Date): string {
  const when = `${at.toISOString().slice(0, 19)}Z`;
  return `${XML_DECLARATION}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`
    + `<dc:creator>${escapeText(creator)}</dc:creator><dcterms:created xsi:type="dcterms:W3CDTF">${when}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${when}</dcterms:modified></cp:coreProperties>`;
}

export function appPropsXml(): string {
  return `${XML_DECLARATION}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>redsite</Application></Properties>`;
}
