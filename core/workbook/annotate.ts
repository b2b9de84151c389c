/**
 * Returns a unit's own workbook with every issue marked where it is: the cell filled in a warning colour, the message
 * attached as a note (comment), and a 问题清单 sheet placed first (the reviewer's reason on top, one row per issue with
 * a link to its cell). The file is edited in place: only the parts that must change are rewritten, with a real XML DOM;
 * every other part keeps its exact bytes, so the unit's formatting, extra sheets, pictures, dropdowns, formulas and
 * cached results stay as they made them.
 *
 * Why not xlsx-populate (1.21): it has no comment/note API, and loading + saving rewrites every worksheet (also the
 * untouched ones), docProps, shared strings and styles and drops cached formula results (<v>) — README “标注退回”.
 *
 * Touched parts: xl/workbook.xml, its rels, [Content_Types].xml, xl/styles.xml, the worksheets with issue cells (and
 * any worksheet that was the selected tab, so only 问题清单 opens selected), their rels and comments/VML parts.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { DOMParser, XMLSerializer, type Document as XDoc, type Element as XEl, type Node as XNode } from '@xmldom/xmldom';
import type { Issue } from '../issues';
import { fieldLabel } from '../messages';

export { fieldLabel };
import { withLimits, formatBytes, type Limits } from '../limits';
import { answerMarkIssues, type AnswerMark } from './answer-cells';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'http://schemas.openxmlformats.org/package/2006/content-types';
const VML_X = 'urn:schemas-microsoft-com:office:excel';
const VML_V = 'urn:schemas-microsoft-com:vml';
const VML_O = 'urn:schemas-microsoft-com:office:office';
const T_COMMENTS = `${REL}/comments`;
const T_VML = `${REL}/vmlDrawing`;
const T_SHEET = `${REL}/worksheet`;
const T_STYLES = `${REL}/styles`;
const CT_COMMENTS = 'application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml';
const CT_SHEET = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml';
const CT_VML = 'application/vnd.openxmlformats-officedocument.vmlDrawing';
const CT_STYLES = 'application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml';
export const WARNING_FILL = 'FFFFC7CE';
export const ISSUE_SHEET = '问题清单';
export const NOTE_AUTHOR = 'redsite 审核';
export const ISSUE_HEADERS = ['工作表', '单元格', '字段', '问题说明', '类型'] as const;
/** First data row of 问题清单 (1-based); rows above: title, reason, reviewer/time, header. */
export const ISSUE_FIRST_ROW = 5;

/** Bounds for what a caller may ask to write (the workbook itself is bounded by Limits). */
export const ANNOTATE_BOUNDS = { issues: 2000, messageChars: 1000, reasonChars: 2000, nameChars: 100 } as const;

/** Elements that must come after <legacyDrawing> in a worksheet (CT_Worksheet sequence). */
const AFTER_LEGACY = ['legacyDrawingHF', 'drawingHF', 'picture', 'oleObjects', 'controls', 'webPublishItems', 'tableParts', 'extLst'];
/** CT_Stylesheet sequence, to insert a missing collection in its place. */
const STYLE_ORDER = ['numFmts', 'fonts', 'fills', 'borders', 'cellStyleXfs', 'cellXfs', 'cellStyles', 'dxfs', 'tableStyles', 'colors', 'extLst'];

export interface AnnotateOptions {
  reason?: string;
  reviewer?: string;
  at?: string;
  limits?: Partial<Limits>;
  /** A reviewer's reasons on single answers (佐证不足), marked on the answer cells and listed first. */
  marks?: AnswerMark[];
}

/** The workbook could not be annotated; the message is Chinese and says what is wrong with the file. */
export class AnnotateError extends Error {}

type Doc = XDoc;
type Parts = Record<string, Uint8Array>;

const MSG = {
  tooBig: (max: number) => `工作簿超过 ${formatBytes(max)}，无法标注`,
  corrupt: '工作簿文件已损坏或不是 xlsx 格式，无法标注',
  entries: (max: number) => `工作簿包含的文件超过 ${max} 个，无法标注`,
  expanded: (max: number) => `工作簿解压后超过 ${formatBytes(max)}，无法标注`,
  part: (name: string) => `工作簿中的 ${name} 不是有效的 XML，无法标注`,
  missing: (name: string) => `工作簿缺少 ${name}，无法标注`,
};

// XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/FFFF; a message carrying them would make the file unreadable.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text safe to put in XML, cut to `max` characters. */
export function xmlText(s: string | undefined, max: number): string {
  const t = (s ?? '').replace(NOT_XML, '').replace(/\r\n?/g, '\n');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function parseXml(parts: Parts, name: string): Doc {
  const bytes = parts[name];
  if (!bytes) throw new AnnotateError(MSG.missing(name));
  const text = strFromU8(bytes);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new AnnotateError(MSG.part(name));
  try {
    const doc = new DOMParser({
      onError: (level) => {
        if (level !== 'warning') throw new AnnotateError(MSG.part(name));
      },
    }).parseFromString(text, 'text/xml');
    if (!doc.documentElement) throw new AnnotateError(MSG.part(name));
    return doc;
  } catch {
    throw new AnnotateError(MSG.part(name));
  }
}

const serialize = (doc: Doc) => strToU8(new XMLSerializer().serializeToString(doc));
const elements = (el: XEl): XEl[] => Array.from(el.childNodes as ArrayLike<XNode>).filter((n): n is XEl => n.nodeType === 1);
const children = (el: XEl, name: string): XEl[] => elements(el).filter((n) => n.localName === name);
const first = (el: XEl, name: string): XEl | undefined => children(el, name)[0];
const relId = (el: XEl): string => el.getAttributeNS(REL, 'id') ?? el.getAttribute('r:id') ?? '';

function relsPathOf(part: string): string {
  const i = part.lastIndexOf('/');
  return `${part.slice(0, i)}/_rels/${part.slice(i + 1)}.rels`;
}

function resolveTarget(fromPart: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const base = fromPart.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') base.pop();
    else if (seg !== '.' && seg !== '') base.push(seg);
  }
  return base.join('/');
}

/** Path of `to` relative to the folder of `from` (both package part names without a leading slash). */
function relativeTarget(from: string, to: string): string {
  const a = from.split('/').slice(0, -1);
  const b = to.split('/');
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/');
}

const MAX_COL = 16384;
const MAX_ROW = 1048576;

function splitAddress(cell: string): { col: number; row: number } | undefined {
  const m = /^\$?([A-Z]{1,3})\$?(\d{1,7})$/.exec(cell.toUpperCase());
  if (!m) return undefined;
  const col = [...m[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
  const row = Number(m[2]);
  return col >= 1 && col <= MAX_COL && row >= 1 && row <= MAX_ROW ? { col, row } : undefined;
}

function colLetters(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** Unzips within the limits: entry count, declared sizes (fflate inflates into a buffer of the declared size). */
function unzipBounded(original: Uint8Array, limits: Limits): Parts {
  if (original.length > limits.uploadBytes) throw new AnnotateError(MSG.tooBig(limits.uploadBytes));
  let count = 0;
  let total = 0;
  let problem: string | undefined;
  let parts: Parts;
  try {
    parts = unzipSync(original, {
      filter: (f) => {
        count++;
        total += f.originalSize;
        if (count > limits.zipEntries) problem ??= MSG.entries(limits.zipEntries);
        else if (f.originalSize > limits.entryBytes || total > limits.totalBytes) problem ??= MSG.expanded(limits.totalBytes);
        else if (f.name.startsWith('/') || f.name.includes('\\') || f.name.split('/').includes('..')) problem ??= MSG.corrupt;
        // Folder entries (`xl/`) are not parts; Excel writes none, so the annotated file has none either.
        return problem === undefined && !f.name.endsWith('/');
      },
    });
  } catch {
    throw new AnnotateError(problem ?? MSG.corrupt);
  }
  if (problem) throw new AnnotateError(problem);
  return parts;
}

function ensureChild(doc: Doc, parent: XEl, name: string, order: readonly string[]): XEl {
  const found = first(parent, name);
  if (found) return found;
  const el = doc.createElementNS(parent.namespaceURI ?? MAIN, name);
  const rank = order.indexOf(name);
  const next = elements(parent).find((e) => order.indexOf(e.localName ?? '') > rank);
  parent.insertBefore(el, next ?? null);
  return el;
}

/** Appends `el` to a counted collection (fonts, fills, cellXfs…) and returns its index. */
function appendCounted(coll: XEl, el: XEl): number {
  coll.appendChild(el);
  const n = children(coll, el.localName!).length;
  coll.setAttribute('count', String(n));
  return n - 1;
}

function make(doc: Doc, name: string, attrs: Record<string, string> = {}, kids: XEl[] = []): XEl {
  const el = doc.createElementNS(MAIN, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const k of kids) el.appendChild(k);
  return el;
}

interface IssueSheetStyles {
  title: number;
  reason: number;
  header: number;
  text: number;
  link: number;
}

/** Styles: the warning fill, a filled copy of each touched cell's xf (keeps its number format, font, borders,
 * protection), and the few styles of 问题清单. */
class Styles {
  private readonly made = new Map<number, number>();
  private readonly xfs: XEl;
  private readonly warnFill: number;
  readonly sheet: IssueSheetStyles;

  constructor(readonly doc: Doc) {
    const root = doc.documentElement!;
    const fonts = ensureChild(doc, root, 'fonts', STYLE_ORDER);
    const fills = ensureChild(doc, root, 'fills', STYLE_ORDER);
    const borders = ensureChild(doc, root, 'borders', STYLE_ORDER);
    const styleXfs = ensureChild(doc, root, 'cellStyleXfs', STYLE_ORDER);
    this.xfs = ensureChild(doc, root, 'cellXfs', STYLE_ORDER);
    if (!children(fonts, 'font').length) appendCounted(fonts, make(doc, 'font', {}, [make(doc, 'sz', { val: '11' })]));
    if (!children(fills, 'fill').length) {
      appendCounted(fills, make(doc, 'fill', {}, [make(doc, 'patternFill', { patternType: 'none' })]));
      appendCounted(fills, make(doc, 'fill', {}, [make(doc, 'patternFill', { patternType: 'gray125' })]));
    }
    if (!children(borders, 'border').length) appendCounted(borders, make(doc, 'border', {}, ['left', 'right', 'top', 'bottom', 'diagonal'].map((s) => make(doc, s))));
    if (!children(styleXfs, 'xf').length) appendCounted(styleXfs, make(doc, 'xf', { numFmtId: '0', fontId: '0', fillId: '0', borderId: '0' }));
    if (!children(this.xfs, 'xf').length) appendCounted(this.xfs, make(doc, 'xf', { numFmtId: '0', fontId: '0', fillId: '0', borderId: '0' }));
    const solid = (rgb: string) => make(doc, 'fill', {}, [make(doc, 'patternFill', { patternType: 'solid' }, [make(doc, 'fgColor', { rgb }), make(doc, 'bgColor', { indexed: '64' })])]);
    this.warnFill = appendCounted(fills, solid(WARNING_FILL));
    const headFill = appendCounted(fills, solid('FFF3F2F1'));
    const font = (attrs: { bold?: boolean; size: number; rgb?: string; underline?: boolean }) =>
      appendCounted(fonts, make(doc, 'font', {}, [
        ...(attrs.bold ? [make(doc, 'b')] : []),
        ...(attrs.underline ? [make(doc, 'u')] : []),
        make(doc, 'sz', { val: String(attrs.size) }),
        ...(attrs.rgb ? [make(doc, 'color', { rgb: attrs.rgb })] : []),
        make(doc, 'name', { val: '宋体' }),
        make(doc, 'charset', { val: '134' }),
      ]));
    const xf = (fontId: number, fillId: number, wrap: boolean) =>
      appendCounted(this.xfs, make(doc, 'xf', { numFmtId: '49', fontId: String(fontId), fillId: String(fillId), borderId: '0', xfId: '0', applyNumberFormat: '1', applyFont: '1', applyFill: '1', applyAlignment: '1' }, [
        make(doc, 'alignment', { vertical: 'top', ...(wrap ? { wrapText: '1' } : {}) }),
      ]));
    const plain = font({ size: 11 });
    this.sheet = {
      title: xf(font({ bold: true, size: 14, rgb: 'FFC00000' }), 0, false),
      reason: xf(font({ bold: true, size: 11, rgb: 'FFC00000' }), 0, true),
      header: xf(font({ bold: true, size: 11 }), headFill, false),
      text: xf(plain, 0, true),
      link: xf(font({ size: 11, rgb: 'FF0563C1', underline: true }), 0, false),
    };
  }

  /** Index of a copy of xf `s` with the warning fill (one copy per original style). */
  warn(s: number): number {
    const known = this.made.get(s);
    if (known !== undefined) return known;
    const list = children(this.xfs, 'xf');
    const copy = (list[s] ?? list[0]!).cloneNode(true) as XEl;
    copy.setAttribute('fillId', String(this.warnFill));
    copy.setAttribute('applyFill', '1');
    const index = appendCounted(this.xfs, copy);
    this.made.set(s, index);
    return index;
  }
}

/** The <c> element for an address, created (in row/column order) when the sheet has none. `rows` indexes the
 * <row> elements of sheetData by number (rows without r follow the previous one, as the format says). */
function cellElement(doc: Doc, sheetData: XEl, rows: Map<number, XEl>, address: string): XEl {
  const { row, col } = splitAddress(address)!;
  let rowEl = rows.get(row);
  if (!rowEl) {
    rowEl = doc.createElementNS(MAIN, 'row');
    rowEl.setAttribute('r', String(row));
    const next = [...rows.keys()].filter((r) => r > row).sort((a, b) => a - b)[0];
    sheetData.insertBefore(rowEl, next === undefined ? null : rows.get(next)!);
    rows.set(row, rowEl);
  }
  const cells = children(rowEl, 'c');
  let cell = cells.find((c) => c.getAttribute('r') === address);
  if (!cell) {
    cell = doc.createElementNS(MAIN, 'c');
    cell.setAttribute('r', address);
    rowEl.insertBefore(cell, cells.find((c) => (splitAddress(c.getAttribute('r') ?? '')?.col ?? 0) > col) ?? null);
    const spans = /^(\d+):(\d+)$/.exec(rowEl.getAttribute('spans') ?? '');
    if (spans && (col < Number(spans[1]) || col > Number(spans[2]))) rowEl.setAttribute('spans', `${Math.min(col, Number(spans[1]))}:${Math.max(col, Number(spans[2]))}`);
  }
  return cell;
}

/** The top-left cell of the merged range holding `address` (fills and notes on hidden merged cells are invisible). */
function mergeAnchor(sheet: XEl, address: string): string {
  const at = splitAddress(address)!;
  for (const m of children(first(sheet, 'mergeCells') ?? sheet, 'mergeCell')) {
    const [a, b] = (m.getAttribute('ref') ?? '').split(':');
    const from = a ? splitAddress(a) : undefined;
    const to = b ? splitAddress(b) : undefined;
    if (from && to && at.row >= from.row && at.row <= to.row && at.col >= from.col && at.col <= to.col) return `${colLetters(from.col)}${from.row}`;
  }
  return address;
}

function newCommentsXml(): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="${MAIN}"><authors/><commentList/></comments>`;
}

function newVmlXml(block: number): string {
  return `<xml xmlns:v="${VML_V}" xmlns:o="${VML_O}" xmlns:x="${VML_X}"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="${block}"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype></xml>`;
}

/** Adds (or extends) the notes of one sheet in its comments part, by DOM. */
function addComments(doc: Doc, notes: ReadonlyMap<string, string>): void {
  const root = doc.documentElement!;
  const authors = ensureChild(doc, root, 'authors', ['authors', 'commentList', 'extLst']);
  const list = ensureChild(doc, root, 'commentList', ['authors', 'commentList', 'extLst']);
  let authorId = children(authors, 'author').findIndex((a) => a.textContent === NOTE_AUTHOR);
  if (authorId < 0) {
    const a = make(doc, 'author');
    a.appendChild(doc.createTextNode(NOTE_AUTHOR));
    authors.appendChild(a);
    authorId = children(authors, 'author').length - 1;
  }
  for (const [ref, text] of notes) {
    const existing = children(list, 'comment').find((c) => c.getAttribute('ref') === ref);
    const run = make(doc, 'r', {}, [make(doc, 'rPr', {}, [make(doc, 'b'), make(doc, 'sz', { val: '9' }), make(doc, 'color', { rgb: 'FFC00000' })])]);
    const t = make(doc, 't', { 'xml:space': 'preserve' });
    t.appendChild(doc.createTextNode(existing ? `\n${NOTE_AUTHOR}：${text}` : `${NOTE_AUTHOR}：${text}`));
    run.appendChild(t);
    if (existing) {
      const body = first(existing, 'text') ?? (existing.appendChild(make(doc, 'text')) as XEl);
      // A plain <t> body becomes a run so both texts keep their own formatting.
      for (const plain of children(body, 't')) {
        const r = make(doc, 'r');
        body.insertBefore(r, plain);
        r.appendChild(plain);
      }
      body.appendChild(run);
    } else {
      list.appendChild(make(doc, 'comment', { ref, authorId: String(authorId) }, [make(doc, 'text', {}, [run])]));
    }
  }
}

/** Adds a hidden note shape for each cell that has none yet, by DOM (ids after the highest one already there). */
function addNoteShapes(doc: Doc, cells: readonly string[]): void {
  const root = doc.documentElement!;
  const shapes = Array.from(doc.getElementsByTagNameNS(VML_V, 'shape'));
  const noteAt = new Set(
    shapes.flatMap((s) => {
      const data = Array.from(s.getElementsByTagNameNS(VML_X, 'ClientData'))[0];
      if (!data || data.getAttribute('ObjectType') !== 'Note') return [];
      const row = Array.from(data.getElementsByTagNameNS(VML_X, 'Row'))[0]?.textContent;
      const col = Array.from(data.getElementsByTagNameNS(VML_X, 'Column'))[0]?.textContent;
      return row && col ? [`${Number(row)}:${Number(col)}`] : [];
    }),
  );
  const block = Number(Array.from(doc.getElementsByTagNameNS(VML_O, 'idmap'))[0]?.getAttribute('data')?.split(',')[0] ?? 1) || 1;
  let id = Math.max(block * 1024, ...shapes.map((s) => Number(/_x0000_s(\d+)$/.exec(s.getAttribute('id') ?? '')?.[1] ?? 0)));
  if (!Array.from(doc.getElementsByTagNameNS(VML_V, 'shapetype')).some((t) => t.getAttribute('id') === '_x0000_t202')) {
    const type = parseFragment(`<v:shapetype xmlns:v="${VML_V}" xmlns:o="${VML_O}" id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>`);
    root.appendChild(doc.importNode(type, true) as XNode);
  }
  cells.forEach((cell) => {
    const { row, col } = splitAddress(cell)!;
    if (noteAt.has(`${row - 1}:${col - 1}`)) return;
    id++;
    const shape = parseFragment(
      `<v:shape xmlns:v="${VML_V}" xmlns:o="${VML_O}" xmlns:x="${VML_X}" id="_x0000_s${id}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:200pt;height:70pt;z-index:${id};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"/></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:Anchor>${col}, 15, ${Math.max(0, row - 2)}, 10, ${col + 2}, 15, ${Math.max(0, row - 2) + 4}, 4</x:Anchor><x:AutoFill>False</x:AutoFill><x:Row>${row - 1}</x:Row><x:Column>${col - 1}</x:Column></x:ClientData></v:shape>`,
    );
    root.appendChild(doc.importNode(shape, true) as XNode);
  });
}

function parseFragment(xml: string): XEl {
  return new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
}

interface Row {
  sheet: string;
  cell: string;
  target?: string;
  field: string;
  message: string;
  severity: string;
}

function issueSheetXml(rows: Row[], extra: number, opts: AnnotateOptions, st: IssueSheetStyles): string {
  const cell = (r: number, c: number, v: string, s: number) => `<c r="${colLetters(c + 1)}${r}" s="${s}" t="inlineStr"><is><t xml:space="preserve">${esc(v)}</t></is></c>`;
  const reason = xmlText(opts.reason, ANNOTATE_BOUNDS.reasonChars);
  const reasonText = reason ? `退回原因：${reason}` : '请按下列问题逐条修改后重新提交';
  const errors = rows.filter((r) => r.severity === '错误').length;
  const meta = [
    opts.reviewer ? `审核人：${xmlText(opts.reviewer, ANNOTATE_BOUNDS.nameChars)}` : '',
    opts.at ? `时间：${xmlText(opts.at, ANNOTATE_BOUNDS.nameChars)}` : '',
    `共 ${rows.length + extra} 条（错误 ${errors} 条，提醒 ${rows.length - errors} 条）；点“单元格”一列可跳到该单元格，问题单元格已标成红色并附批注`,
  ].filter(Boolean).join('\u3000');
  const lines = reasonText.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(l.length / 70)), 0);
  const body = [
    `<row r="1" ht="24" customHeight="1">${cell(1, 0, ISSUE_SHEET, st.title)}</row>`,
    `<row r="2" ht="${Math.min(400, 18 * lines)}" customHeight="1">${cell(2, 0, reasonText, st.reason)}</row>`,
    `<row r="3" ht="32" customHeight="1">${cell(3, 0, meta, st.text)}</row>`,
    `<row r="4">${ISSUE_HEADERS.map((h, c) => cell(4, c, h, st.header)).join('')}</row>`,
    ...rows.map((row, k) => {
      const r = ISSUE_FIRST_ROW + k;
      return `<row r="${r}">${[row.sheet, row.cell, row.field, row.message, row.severity].map((v, c) => cell(r, c, v, c === 1 && row.target ? st.link : st.text)).join('')}</row>`;
    }),
    ...(extra ? [`<row r="${ISSUE_FIRST_ROW + rows.length}">${cell(ISSUE_FIRST_ROW + rows.length, 3, `另有 ${extra} 条问题未列出，请先修改以上问题后重新检查`, st.text)}</row>`] : []),
  ].join('');
  const links = rows.map((row, k) => (row.target ? `<hyperlink ref="B${ISSUE_FIRST_ROW + k}" location="${esc(row.target)}" display="${esc(row.cell)}"/>` : '')).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><dimension ref="A1:E${Math.max(4, ISSUE_FIRST_ROW + rows.length)}"/><sheetViews><sheetView tabSelected="1" workbookViewId="0"><pane ySplit="4" topLeftCell="A5" activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="B5" sqref="B5"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="14" customWidth="1"/><col min="2" max="2" width="16" customWidth="1"/><col min="3" max="3" width="22" customWidth="1"/><col min="4" max="4" width="80" customWidth="1"/><col min="5" max="5" width="8" customWidth="1"/></cols><sheetData>${body}</sheetData><mergeCells count="2"><mergeCell ref="A2:E2"/><mergeCell ref="A3:E3"/></mergeCells>${links ? `<hyperlinks>${links}</hyperlinks>` : ''}<pageMargins left="0.4" right="0.4" top="0.5" bottom="0.5" header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape"/></worksheet>`;
}

const quoteSheet = (name: string) => `'${name.replace(/'/g, "''")}'`;

export function annotateWorkbook(original: Uint8Array, stored: readonly Issue[], opts: AnnotateOptions = {}): Uint8Array {
  const limits = withLimits(opts.limits);
  const parts = unzipBounded(original, limits);
  const issues = opts.marks?.length ? [...answerMarkIssues(original, opts.marks), ...stored] : stored;
  const workbookPart = (() => {
    const rels = parseXml(parts, '_rels/.rels');
    const main = children(rels.documentElement!, 'Relationship').find((r) => r.getAttribute('Type') === `${REL}/officeDocument`);
    return main ? resolveTarget('', main.getAttribute('Target') ?? '') : 'xl/workbook.xml';
  })();
  const wb = parseXml(parts, workbookPart);
  const wbRelsPart = relsPathOf(workbookPart);
  const wbRels = parseXml(parts, wbRelsPart);
  const types = parseXml(parts, '[Content_Types].xml');
  const wbRoot = wb.documentElement!;
  const relEls = children(wbRels.documentElement!, 'Relationship');
  const relTarget = new Map(relEls.filter((r) => r.getAttribute('TargetMode') !== 'External').map((r) => [r.getAttribute('Id') ?? '', resolveTarget(workbookPart, r.getAttribute('Target') ?? '')]));
  const sheetsEl = first(wbRoot, 'sheets');
  if (!sheetsEl) throw new AnnotateError(MSG.part(workbookPart));
  const sheetPart = new Map(children(sheetsEl, 'sheet').map((s) => [s.getAttribute('name') ?? '', relTarget.get(relId(s)) ?? '']));
  const sheetDocs = new Map<string, Doc>();
  const sheetDoc = (part: string) => {
    let doc = sheetDocs.get(part);
    if (!doc) sheetDocs.set(part, (doc = parseXml(parts, part)));
    return doc;
  };

  const addOverride = (part: string, type: string) => {
    if (children(types.documentElement!, 'Override').some((o) => o.getAttribute('PartName') === `/${part}`)) return;
    const o = types.createElementNS(CT, 'Override');
    o.setAttribute('PartName', `/${part}`);
    o.setAttribute('ContentType', type);
    types.documentElement!.appendChild(o);
  };
  const addRel = (relsDoc: Doc, type: string, target: string): string => {
    const ids = new Set(children(relsDoc.documentElement!, 'Relationship').map((r) => r.getAttribute('Id')));
    let n = ids.size + 1;
    while (ids.has(`rId${n}`)) n++;
    const r = relsDoc.createElementNS(PKG_REL, 'Relationship');
    r.setAttribute('Id', `rId${n}`);
    r.setAttribute('Type', type);
    r.setAttribute('Target', target);
    relsDoc.documentElement!.appendChild(r);
    return `rId${n}`;
  };
  const unused = (pattern: (n: number) => string) => {
    let n = 1;
    while (parts[pattern(n)]) n++;
    return n;
  };
  const relsOf = (part: string): Doc => {
    const p = relsPathOf(part);
    return parts[p] ? parseXml(parts, p) : new DOMParser().parseFromString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG_REL}"/>`, 'text/xml');
  };

  // Styles: the workbook's own part, or a minimal new one when it has none.
  let stylesPart = relEls.map((r) => (r.getAttribute('Type') === T_STYLES ? relTarget.get(r.getAttribute('Id') ?? '') : undefined)).find(Boolean);
  if (!stylesPart || !parts[stylesPart]) {
    stylesPart = 'xl/styles.xml';
    for (let k = 2; parts[stylesPart]; k++) stylesPart = `xl/styles${k}.xml`;
    parts[stylesPart] = strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="${MAIN}"/>`);
    addRel(wbRels, T_STYLES, relativeTarget(workbookPart, stylesPart));
    addOverride(stylesPart, CT_STYLES);
  }
  const styles = new Styles(parseXml(parts, stylesPart));

  // Bound what is written: number of issues and length of each text.
  const listed = issues.slice(0, ANNOTATE_BOUNDS.issues);
  const rows: Row[] = [];
  const bySheet = new Map<string, Map<string, string[]>>();
  for (const i of listed) {
    const message = xmlText(i.message, ANNOTATE_BOUNDS.messageChars);
    const sheet = xmlText(i.sheet, ANNOTATE_BOUNDS.nameChars);
    const part = i.sheet ? sheetPart.get(i.sheet) : undefined;
    const isSheet = !!part && !!parts[part] && sheetDoc(part).documentElement!.localName === 'worksheet';
    const address = i.cell && splitAddress(i.cell) && isSheet ? mergeAnchor(sheetDoc(part).documentElement!, i.cell.replace(/\$/g, '').toUpperCase()) : undefined;
    rows.push({ sheet, cell: address ? `${sheet}!${address}` : '', target: address ? `${quoteSheet(i.sheet!)}!${address}` : undefined, field: fieldLabel(xmlText(i.field, 200)), message, severity: i.severity === 'error' ? '错误' : '提醒' });
    if (!address) continue;
    const notes = bySheet.get(part!) ?? new Map<string, string[]>();
    bySheet.set(part!, notes);
    notes.set(address, [...(notes.get(address) ?? []), message]);
    // Further cells of the issue (a project's blank answers) are filled too, without a note of their own.
    for (const extra of (i.cells ?? []).slice(0, ANNOTATE_BOUNDS.issues)) {
      if (!splitAddress(extra)) continue;
      const at = mergeAnchor(sheetDoc(part!).documentElement!, extra.replace(/\$/g, '').toUpperCase());
      if (!notes.has(at)) notes.set(at, []);
    }
  }

  let vmlUsed = false;
  for (const [part, cellNotes] of bySheet) {
    const doc = sheetDoc(part);
    const root = doc.documentElement!;
    const sheetData = first(root, 'sheetData') ?? (root.insertBefore(make(doc, 'sheetData'), elements(root).find((e) => !['sheetPr', 'dimension', 'sheetViews', 'sheetFormatPr', 'cols'].includes(e.localName ?? '')) ?? null) as XEl);
    const rowIndex = new Map<number, XEl>();
    let last = 0;
    for (const r of children(sheetData, 'row')) {
      last = Number(r.getAttribute('r')) || last + 1;
      rowIndex.set(last, r);
    }
    for (const address of cellNotes.keys()) {
      const c = cellElement(doc, sheetData, rowIndex, address);
      c.setAttribute('s', String(styles.warn(Number(c.getAttribute('s') ?? 0) || 0)));
    }
    const notes = new Map([...cellNotes].filter(([, list]) => list.length > 0).map(([cell, list]) => [cell, xmlText(list.join('\n'), 30000)]));
    const rels = relsOf(part);
    const relList = children(rels.documentElement!, 'Relationship');
    const target = (type: string, id?: string) => {
      const r = relList.find((x) => x.getAttribute('Type') === type && (id === undefined || x.getAttribute('Id') === id) && x.getAttribute('TargetMode') !== 'External');
      return r ? resolveTarget(part, r.getAttribute('Target') ?? '') : undefined;
    };
    const legacy = first(root, 'legacyDrawing');
    let vmlPart = legacy ? target(T_VML, relId(legacy)) : undefined;
    let vml: Doc | undefined;
    try {
      vml = vmlPart && parts[vmlPart] ? parseXml(parts, vmlPart) : undefined;
    } catch {
      // A drawing we cannot read safely stays untouched; its notes are still in 问题清单 and the cells are filled.
      parts[part] = serialize(doc);
      continue;
    }
    let relsChanged = false;
    let commentsPart = target(T_COMMENTS);
    const n = Math.max(unused((k) => `xl/comments${k}.xml`), unused((k) => `xl/drawings/vmlDrawing${k}.vml`));
    if (!commentsPart || !parts[commentsPart]) {
      commentsPart = `xl/comments${n}.xml`;
      parts[commentsPart] = strToU8(newCommentsXml());
      addRel(rels, T_COMMENTS, relativeTarget(part, commentsPart));
      addOverride(commentsPart, CT_COMMENTS);
      relsChanged = true;
    }
    if (!vml) {
      vmlPart = `xl/drawings/vmlDrawing${n}.vml`;
      vml = new DOMParser().parseFromString(newVmlXml(n), 'text/xml');
      const rid = addRel(rels, T_VML, relativeTarget(part, vmlPart));
      relsChanged = true;
      const el = legacy ?? doc.createElementNS(MAIN, 'legacyDrawing');
      el.setAttributeNS(REL, `${root.lookupPrefix(REL) ?? 'r'}:id`, rid);
      if (!legacy) root.insertBefore(el, elements(root).find((e) => AFTER_LEGACY.includes(e.localName ?? '')) ?? null);
    }
    vmlUsed = true;
    const comments = parseXml(parts, commentsPart);
    addComments(comments, notes);
    addNoteShapes(vml, [...notes.keys()]);
    parts[commentsPart] = serialize(comments);
    parts[vmlPart!] = serialize(vml);
    if (relsChanged) parts[relsPathOf(part)] = serialize(rels);
    parts[part] = serialize(doc);
  }
  if (vmlUsed && !children(types.documentElement!, 'Default').some((d) => d.getAttribute('Extension')?.toLowerCase() === 'vml')) {
    const d = types.createElementNS(CT, 'Default');
    d.setAttribute('Extension', 'vml');
    d.setAttribute('ContentType', CT_VML);
    types.documentElement!.insertBefore(d, first(types.documentElement!, 'Override') ?? null);
  }

  // 问题清单 goes first and opens selected: an earlier one (re-annotating a returned file) is replaced.
  const sheetEls = children(sheetsEl, 'sheet');
  const old = sheetEls.find((s) => s.getAttribute('name') === ISSUE_SHEET);
  const oldPart = old ? relTarget.get(relId(old)) : undefined;
  const issuePart = oldPart && parts[oldPart] && !parts[relsPathOf(oldPart)] ? oldPart : `xl/worksheets/sheet${unused((k) => `xl/worksheets/sheet${k}.xml`)}.xml`;
  parts[issuePart] = strToU8(issueSheetXml(rows, issues.length - listed.length, opts, styles.sheet));
  addOverride(issuePart, CT_SHEET);
  let sheet: XEl;
  if (old && issuePart === oldPart) {
    sheet = old;
    sheet.removeAttribute('state');
  } else {
    if (old) {
      const names = new Set(sheetEls.map((s) => s.getAttribute('name')));
      let name = `${ISSUE_SHEET}（上次）`;
      for (let k = 2; names.has(name); k++) name = `${ISSUE_SHEET}（上次${k}）`;
      old.setAttribute('name', name);
    }
    sheet = wb.createElementNS(MAIN, 'sheet');
    sheet.setAttribute('name', ISSUE_SHEET);
    sheet.setAttribute('sheetId', String(Math.max(0, ...sheetEls.map((s) => Number(s.getAttribute('sheetId')) || 0)) + 1));
    sheet.setAttributeNS(REL, `${wbRoot.lookupPrefix(REL) ?? 'r'}:id`, addRel(wbRels, T_SHEET, relativeTarget(workbookPart, issuePart)));
  }
  // Sheet-local names (print titles, filters) refer to sheets by position: renumber them for the new order.
  const before = children(sheetsEl, 'sheet');
  if (before[0] !== sheet) sheetsEl.insertBefore(sheet, before[0] ?? null);
  const after = children(sheetsEl, 'sheet');
  const newIndex = new Map(before.map((s, i) => [i, after.indexOf(s)]));
  for (const dn of children(first(wbRoot, 'definedNames') ?? wbRoot, 'definedName')) {
    const local = dn.getAttribute('localSheetId');
    if (local !== null && newIndex.has(Number(local))) dn.setAttribute('localSheetId', String(newIndex.get(Number(local))));
  }
  for (const view of children(first(wbRoot, 'bookViews') ?? wbRoot, 'workbookView')) {
    view.setAttribute('activeTab', '0');
    view.removeAttribute('firstSheet');
  }
  // Only 问题清单 is selected (two selected tabs would group the sheets, and typing would change both).
  for (const [name, part] of sheetPart) {
    if (name === ISSUE_SHEET || !part || !parts[part] || part === issuePart) continue;
    if (!/tabSelected="(?:1|true)"/.test(new TextDecoder().decode(parts[part]!.subarray(0, 16384)))) continue;
    const doc = sheetDoc(part);
    let changed = false;
    for (const v of children(first(doc.documentElement!, 'sheetViews') ?? doc.documentElement!, 'sheetView')) {
      if (v.hasAttribute('tabSelected')) {
        v.removeAttribute('tabSelected');
        changed = true;
      }
    }
    if (changed) parts[part] = serialize(doc);
  }

  parts[stylesPart] = serialize(styles.doc);
  parts[workbookPart] = serialize(wb);
  parts[wbRelsPart] = serialize(wbRels);
  parts['[Content_Types].xml'] = serialize(types);
  return zipSync(parts, { level: 6 });
}
