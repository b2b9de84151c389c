/**
 * Returns a unit's own workbook with every issue marked where it is: the cell filled in a warning colour, the message
 * attached as a note (comment), and a 问题清单 sheet (reason on top, a link to each cell). The file is edited in place:
 * only the parts that must change are rewritten, with a real XML DOM; every other part keeps its exact bytes, so the
 * unit's formatting, extra sheets, pictures, dropdowns and formulas stay as they made them.
 *
 * Why not xlsx-populate: loading and saving with it rewrites every worksheet, docProps and shared strings and drops
 * cached formula results (<v>) — see the issue note for the evidence.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { DOMParser, XMLSerializer, type Document as XDoc, type Element as XEl, type Node as XNode } from '@xmldom/xmldom';
import type { Issue } from '../issues';

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CT = 'http://schemas.openxmlformats.org/package/2006/content-types';
const T_COMMENTS = `${REL}/comments`;
const T_VML = `${REL}/vmlDrawing`;
const T_SHEET = `${REL}/worksheet`;
const WARNING_FILL = 'FFFFC7CE';
export const ISSUE_SHEET = '问题清单';

/** Elements that must come after <legacyDrawing> in a worksheet (CT_Worksheet sequence). */
const AFTER_LEGACY = ['legacyDrawingHF', 'drawingHF', 'picture', 'oleObjects', 'controls', 'webPublishItems', 'tableParts', 'extLst'];

export interface AnnotateOptions {
  reason?: string;
  reviewer?: string;
  at?: string;
}

type Doc = XDoc;
const parse = (bytes: Uint8Array): Doc => new DOMParser().parseFromString(strFromU8(bytes), 'text/xml');
const serialize = (doc: Doc) => strToU8(new XMLSerializer().serializeToString(doc));
const children = (el: XEl, name: string): XEl[] => Array.from(el.childNodes as ArrayLike<XNode>).filter((n): n is XEl => n.nodeType === 1 && (n as XEl).localName === name);
const first = (el: XEl, name: string): XEl | undefined => children(el, name)[0];

function relsPathOf(part: string): string {
  const i = part.lastIndexOf('/');
  return `${part.slice(0, i)}/_rels/${part.slice(i + 1)}.rels`;
}

function resolveTarget(fromPart: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const base = fromPart.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') base.pop();
    else if (seg !== '.') base.push(seg);
  }
  return base.join('/');
}

function splitAddress(cell: string): { col: number; row: number } {
  const m = /^([A-Z]+)(\d+)$/.exec(cell)!;
  return { col: [...m[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0), row: Number(m[2]) };
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Adds the warning fill and, per original style index, a copy of that style with the fill (keeps formats, fonts, protection). */
function styleCloner(styles: Doc): (s: number) => number {
  const sheet = styles.documentElement!;
  const fills = first(sheet, 'fills')!;
  const fill = styles.createElementNS(MAIN, 'fill');
  const pattern = styles.createElementNS(MAIN, 'patternFill');
  pattern.setAttribute('patternType', 'solid');
  const fg = styles.createElementNS(MAIN, 'fgColor');
  fg.setAttribute('rgb', WARNING_FILL);
  const bg = styles.createElementNS(MAIN, 'bgColor');
  bg.setAttribute('indexed', '64');
  pattern.appendChild(fg);
  pattern.appendChild(bg);
  fill.appendChild(pattern);
  fills.appendChild(fill);
  const fillId = children(fills, 'fill').length - 1;
  fills.setAttribute('count', String(fillId + 1));
  const xfs = first(sheet, 'cellXfs')!;
  const made = new Map<number, number>();
  return (s) => {
    const known = made.get(s);
    if (known !== undefined) return known;
    const list = children(xfs, 'xf');
    const copy = (list[s] ?? list[0]!).cloneNode(true) as XEl;
    copy.setAttribute('fillId', String(fillId));
    copy.setAttribute('applyFill', '1');
    xfs.appendChild(copy);
    const index = children(xfs, 'xf').length - 1;
    xfs.setAttribute('count', String(index + 1));
    made.set(s, index);
    return index;
  };
}

/** The <c> element for an address, created (in row/column order) when the sheet has none. */
function cellElement(doc: Doc, address: string): XEl {
  const sheetData = first(doc.documentElement!, 'sheetData')!;
  const { row, col } = splitAddress(address);
  let rowEl = children(sheetData, 'row').find((r) => Number(r.getAttribute('r')) === row);
  if (!rowEl) {
    rowEl = doc.createElementNS(MAIN, 'row');
    rowEl.setAttribute('r', String(row));
    const next = children(sheetData, 'row').find((r) => Number(r.getAttribute('r')) > row);
    sheetData.insertBefore(rowEl, next ?? null);
  }
  let cell = children(rowEl, 'c').find((c) => c.getAttribute('r') === address);
  if (!cell) {
    cell = doc.createElementNS(MAIN, 'c');
    cell.setAttribute('r', address);
    const next = children(rowEl, 'c').find((c) => splitAddress(c.getAttribute('r') ?? 'A1').col > col);
    rowEl.insertBefore(cell, next ?? null);
  }
  return cell;
}

function commentsXml(notes: Array<{ cell: string; text: string }>): string {
  const list = notes.map((n) => `<comment ref="${n.cell}" authorId="0"><text><r><rPr><sz val="9"/><color rgb="FFC00000"/></rPr><t xml:space="preserve">${esc(n.text)}</t></r></text></comment>`).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="${MAIN}"><authors><author>redsite 审核</author></authors><commentList>${list}</commentList></comments>`;
}

function vmlXml(notes: Array<{ cell: string }>): string {
  const shapes = notes
    .map((n, i) => {
      const { row, col } = splitAddress(n.cell);
      return `<v:shape id="_x0000_s${1025 + i}" type="#_x0000_t202" style="position:absolute;margin-left:59.25pt;margin-top:1.5pt;width:180pt;height:60pt;z-index:${i + 1};visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/><v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/><v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox><x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/><x:AutoFill>False</x:AutoFill><x:Row>${row - 1}</x:Row><x:Column>${col - 1}</x:Column></x:ClientData></v:shape>`;
    })
    .join('');
  return `<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe"><v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>${shapes}</xml>`;
}

function issueSheetXml(issues: Issue[], opts: AnnotateOptions): string {
  const rows: string[][] = [
    [ISSUE_SHEET],
    [opts.reason ? `退回原因：${opts.reason}` : '请按下列问题逐条修改后重新提交'],
    [`${opts.reviewer ? `审核人：${opts.reviewer}\u3000` : ''}${opts.at ? `时间：${opts.at}` : ''}`],
    ['工作表', '单元格', '类型', '问题说明'],
    ...issues.map((i) => [i.sheet ?? '', i.cell ? `${i.sheet}!${i.cell}` : '', i.severity === 'error' ? '错误' : '提醒', i.message]),
  ];
  const cell = (r: number, c: number, v: string) => `<c r="${String.fromCharCode(65 + c)}${r}" t="inlineStr"><is><t xml:space="preserve">${esc(v)}</t></is></c>`;
  const body = rows.map((row, i) => `<row r="${i + 1}">${row.map((v, c) => cell(i + 1, c, v)).join('')}</row>`).join('');
  const links = issues
    .map((iss, k) => (iss.sheet && iss.cell ? `<hyperlink ref="B${k + 5}" location="'${esc(iss.sheet.replace(/'/g, "''"))}'!${iss.cell}" display="${esc(`${iss.sheet}!${iss.cell}`)}"/>` : ''))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="${MAIN}" xmlns:r="${REL}"><sheetViews><sheetView workbookViewId="0"/></sheetViews><cols><col min="1" max="1" width="14" customWidth="1"/><col min="2" max="2" width="16" customWidth="1"/><col min="3" max="3" width="8" customWidth="1"/><col min="4" max="4" width="90" customWidth="1"/></cols><sheetData>${body}</sheetData>${links ? `<hyperlinks>${links}</hyperlinks>` : ''}<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>`;
}

export function annotateWorkbook(original: Uint8Array, issues: readonly Issue[], opts: AnnotateOptions = {}): Uint8Array {
  const parts = unzipSync(original);
  const workbookPart = 'xl/workbook.xml';
  const wb = parse(parts[workbookPart]!);
  const wbRelsPart = relsPathOf(workbookPart);
  const wbRels = parse(parts[wbRelsPart]!);
  const types = parse(parts['[Content_Types].xml']!);
  const relTarget = new Map(children(wbRels.documentElement!, 'Relationship').map((r) => [r.getAttribute('Id')!, resolveTarget(workbookPart, r.getAttribute('Target')!)]));
  const sheetsEl = first(wb.documentElement!, 'sheets')!;
  const sheetPart = new Map(children(sheetsEl, 'sheet').map((s) => [s.getAttribute('name')!, relTarget.get(s.getAttribute('r:id') ?? '')!]));
  const placed = issues.filter((i) => i.sheet && i.cell && /^[A-Z]{1,3}\d+$/.test(i.cell) && sheetPart.get(i.sheet) && parts[sheetPart.get(i.sheet)!]);

  const addOverride = (part: string, type: string) => {
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

  if (placed.length) {
    const styles = parse(parts['xl/styles.xml']!);
    const warn = styleCloner(styles);
    const bySheet = new Map<string, Issue[]>();
    for (const i of placed) bySheet.set(i.sheet!, [...(bySheet.get(i.sheet!) ?? []), i]);
    for (const [name, list] of bySheet) {
      const part = sheetPart.get(name)!;
      const doc = parse(parts[part]!);
      const notes = new Map<string, string>();
      for (const i of list) {
        const c = cellElement(doc, i.cell!);
        c.setAttribute('s', String(warn(Number(c.getAttribute('s') ?? 0))));
        notes.set(i.cell!, notes.has(i.cell!) ? `${notes.get(i.cell!)}\n${i.message}` : i.message);
      }
      const root = doc.documentElement!;
      if (!first(root, 'legacyDrawing')) {
        const relsPart = relsPathOf(part);
        const rels = parts[relsPart] ? parse(parts[relsPart]!) : parse(strToU8(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${PKG_REL}"/>`));
        const n = Math.max(unused((k) => `xl/comments${k}.xml`), unused((k) => `xl/drawings/vmlDrawing${k}.vml`));
        const noteList = [...notes].map(([cell, text]) => ({ cell, text }));
        parts[`xl/comments${n}.xml`] = strToU8(commentsXml(noteList));
        parts[`xl/drawings/vmlDrawing${n}.vml`] = strToU8(vmlXml(noteList));
        addRel(rels, T_COMMENTS, `../comments${n}.xml`);
        const vmlId = addRel(rels, T_VML, `../drawings/vmlDrawing${n}.vml`);
        parts[relsPart] = serialize(rels);
        addOverride(`xl/comments${n}.xml`, 'application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml');
        const legacy = doc.createElementNS(MAIN, 'legacyDrawing');
        legacy.setAttribute('r:id', vmlId);
        const before = Array.from(root.childNodes).find((n2) => n2.nodeType === 1 && AFTER_LEGACY.includes((n2 as XEl).localName ?? ''));
        root.insertBefore(legacy, before ?? null);
      }
      parts[part] = serialize(doc);
    }
    if (!children(types.documentElement!, 'Default').some((d) => d.getAttribute('Extension') === 'vml')) {
      const d = types.createElementNS(CT, 'Default');
      d.setAttribute('Extension', 'vml');
      d.setAttribute('ContentType', 'application/vnd.openxmlformats-officedocument.vmlDrawing');
      types.documentElement!.insertBefore(d, first(types.documentElement!, 'Override') ?? null);
    }
    parts['xl/styles.xml'] = serialize(styles);
  }

  // 问题清单, appended after the unit's sheets so no sheet index (print areas, active tab) moves.
  const n = unused((k) => `xl/worksheets/sheet${k}.xml`);
  const issuePart = `xl/worksheets/sheet${n}.xml`;
  parts[issuePart] = strToU8(issueSheetXml([...issues], opts));
  addOverride(issuePart, 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml');
  const rid = addRel(wbRels, T_SHEET, `worksheets/sheet${n}.xml`);
  const sheet = wb.createElementNS(MAIN, 'sheet');
  const existing = new Set(children(sheetsEl, 'sheet').map((s) => s.getAttribute('name')));
  let name = ISSUE_SHEET;
  for (let k = 2; existing.has(name); k++) name = `${ISSUE_SHEET}${k}`;
  sheet.setAttribute('name', name);
  sheet.setAttribute('sheetId', String(Math.max(0, ...children(sheetsEl, 'sheet').map((s) => Number(s.getAttribute('sheetId')))) + 1));
  sheet.setAttributeNS(REL, 'r:id', rid);
  sheetsEl.appendChild(sheet);
  parts[workbookPart] = serialize(wb);
  parts[wbRelsPart] = serialize(wbRels);
  parts['[Content_Types].xml'] = serialize(types);
  return zipSync(parts);
}
