/**
 * Returns a unit's own workbook with every issue marked where it is: the cell filled in a warning colour, the message
 * attached as a note (comment), and a 问题清单 sheet placed first (the reviewer's reason on top, one row per issue with
 * a link to its cell). The file is edited in place over core/ooxml: only the parts that must change are rewritten,
 * with a real XML DOM; every other part keeps its exact bytes, so the unit's formatting, extra sheets, pictures,
 * dropdowns, formulas and cached results stay as they made them.
 *
 * Why not xlsx-populate (1.21): it has no comment/note API, and loading + saving rewrites every worksheet (also the
 * untouched ones), docProps, shared strings and styles and drops cached formula results (<v>) — docs/annotate.md.
 *
 * Touched parts: the workbook part, its rels, [Content_Types].xml, the stylesheet, the worksheets with issue cells (and
 * any worksheet that was the selected tab, so only 问题清单 opens selected), their rels and comments/VML parts.
 */
import { strToU8 } from 'fflate';
import { SEVERITY_LABEL, type Issue } from '../../issues';
import { issueFieldLabel } from '../../messages';
import { withLimits, type Limits } from '../../limits';
import { answerMarkIssues, type AnswerMark } from './answer-cells';
import { ANNOTATE_BOUNDS, ISSUE_SHEET, issueSheetStyles, issueSheetXml, type IssueRow } from './issue-sheet';
import { normalizeCell, quoteSheet } from '../../ooxml/address';
import { CONTENT_TYPE } from '../../ooxml/namespaces';
import { CONTENT_TYPES_PART, ContentTypes } from '../../ooxml/content-types';
import { relsPartOf } from '../../ooxml/opc';
import { Package } from '../../ooxml/package';
import { Stylesheet } from '../../ooxml/styles';
import { Workbook } from '../../ooxml/workbook';
import { Worksheet } from '../../ooxml/worksheet';
import { addSheetNotes, declareVml } from '../../ooxml/notes';
import { xmlText } from '../../ooxml/xml';

export { ANNOTATE_BOUNDS, ISSUE_FIRST_ROW, ISSUE_HEADERS, ISSUE_SHEET } from './issue-sheet';
/** The workbook could not be annotated; the message is Chinese and says what is wrong with the file. */
export { PackageError as AnnotateError } from '../../ooxml/package';

export const WARNING_FILL = 'FFFFC7CE';
export const NOTE_AUTHOR = 'redsite 审核';
const NOTE_STYLE = { bold: true, size: 9, rgb: 'FFC00000' };

export interface AnnotateOptions {
  reason?: string;
  reviewer?: string;
  at?: string;
  limits?: Partial<Limits>;
  /** A reviewer's reasons on single answers (佐证不足), marked on the answer cells and listed first. */
  marks?: AnswerMark[];
}

export function annotateWorkbook(original: Uint8Array, stored: readonly Issue[], opts: AnnotateOptions = {}): Uint8Array {
  const pkg = Package.read(original, withLimits(opts.limits));
  const issues = opts.marks?.length ? [...answerMarkIssues(original, opts.marks), ...stored] : stored;
  const book = Workbook.open(pkg);
  const types = new ContentTypes(pkg.xml(CONTENT_TYPES_PART));
  const stylesPart = book.stylesPart(pkg, types);
  const styles = new Stylesheet(pkg.xml(stylesPart));
  const warnFill = styles.addSolidFill(WARNING_FILL);
  const issueStyles = issueSheetStyles(styles);
  const sheets = new Map<string, Worksheet>();
  const sheetAt = (part: string) => sheets.get(part) ?? sheets.set(part, new Worksheet(pkg.xml(part))).get(part)!;

  // Where each issue goes: its cell (the anchor when merged) on a worksheet of this file, or only the list.
  const listed = issues.slice(0, ANNOTATE_BOUNDS.issues);
  const rows: IssueRow[] = [];
  const marked = new Map<string, Map<string, string[]>>();
  for (const i of listed) {
    const message = xmlText(i.message, ANNOTATE_BOUNDS.messageChars);
    const sheet = xmlText(i.sheet, ANNOTATE_BOUNDS.nameChars);
    const part = i.sheet ? book.sheetParts.get(i.sheet) : undefined;
    const cell = i.cell ? normalizeCell(i.cell) : undefined;
    const ws = cell && part && pkg.has(part) ? sheetAt(part) : undefined;
    const address = ws?.isWorksheet ? ws.mergeAnchor(cell!) : undefined;
    rows.push({ sheet, cell: address ? `${sheet}!${address}` : '', target: address ? `${quoteSheet(i.sheet!)}!${address}` : undefined, field: issueFieldLabel({ field: xmlText(i.field, 200), message }), message, severity: SEVERITY_LABEL[i.severity] });
    if (!address) continue;
    const notes = marked.get(part!) ?? marked.set(part!, new Map()).get(part!)!;
    notes.set(address, [...(notes.get(address) ?? []), message]);
    // Further cells of the issue (a project's blank answers) are filled too, without a note of their own.
    for (const extra of (i.cells ?? []).slice(0, ANNOTATE_BOUNDS.issues)) {
      const at = normalizeCell(extra);
      if (at && !notes.has(ws!.mergeAnchor(at))) notes.set(ws!.mergeAnchor(at), []);
    }
  }

  let vml = false;
  for (const [part, cellNotes] of marked) {
    const ws = sheetAt(part);
    for (const address of cellNotes.keys()) {
      const c = ws.cell(address);
      c.setAttribute('s', String(styles.withFill(ws.styleOf(c), warnFill)));
    }
    const notes = new Map([...cellNotes].filter(([, list]) => list.length > 0).map(([cell, list]) => [cell, xmlText(list.join('\n'), 30000)]));
    // A drawing we cannot read safely stays untouched; its notes are still in 问题清单 and the cells are filled.
    vml = addSheetNotes(pkg, types, part, ws, notes, NOTE_AUTHOR, NOTE_STYLE) || vml;
    pkg.saveXml(part, ws.doc);
  }
  if (vml) declareVml(types);

  // 问题清单 goes first and opens selected: an earlier one (re-annotating a returned file) is replaced.
  const old = book.sheetElement(ISSUE_SHEET);
  const oldPart = old ? book.sheetParts.get(ISSUE_SHEET) : undefined;
  const reuse = !!oldPart && pkg.has(oldPart) && !pkg.has(relsPartOf(oldPart));
  const issuePart = reuse ? oldPart : `xl/worksheets/sheet${pkg.unused((k) => `xl/worksheets/sheet${k}.xml`)}.xml`;
  pkg.set(issuePart, strToU8(issueSheetXml(rows, issues.length - listed.length, opts, issueStyles)));
  types.override(issuePart, CONTENT_TYPE.worksheet);
  if (reuse) old!.removeAttribute('state');
  else if (old) {
    const names = new Set(book.sheetElements().map((s) => s.getAttribute('name')));
    let name = `${ISSUE_SHEET}（上次）`;
    for (let k = 2; names.has(name); k++) name = `${ISSUE_SHEET}（上次${k}）`;
    old.setAttribute('name', name);
  }
  book.moveFirst(reuse ? old! : book.addSheet(ISSUE_SHEET, issuePart, types));

  // Only 问题清单 is selected (two selected tabs would group the sheets, and typing would change both).
  for (const [name, part] of book.sheetParts) {
    if (name === ISSUE_SHEET || !part || !pkg.has(part) || part === issuePart) continue;
    if (!/tabSelected="(?:1|true)"/.test(new TextDecoder().decode(pkg.bytes(part)!.subarray(0, 16384)))) continue;
    const ws = sheetAt(part);
    if (ws.unselect()) pkg.saveXml(part, ws.doc);
  }

  pkg.saveXml(stylesPart, styles.doc);
  book.save(pkg);
  pkg.saveXml(CONTENT_TYPES_PART, types.doc);
  return pkg.write();
}
