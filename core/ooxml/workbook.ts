/**
 * The workbook part (xl/workbook.xml, found through the package relationships) as an editable DOM with its
 * relationships: which part holds each sheet, the stylesheet, adding a sheet, moving a sheet to the front (sheet-local
 * names follow it) and opening the workbook on it.
 */
import { strToU8 } from 'fflate';
import { CONTENT_TYPE, REL } from './namespaces';
import { PACKAGE_MSG } from './package-limits';
import { PackageError, type Package } from './package';
import type { Relationships } from './relationships';
import type { ContentTypes } from './content-types';
import { EMPTY_STYLESHEET } from './styles';
import { children, first, make, relIdAttr, setRelId, type XmlDoc, type XmlEl } from './xml';

export class Workbook {
  /** Sheet name → part, as the workbook lists them when opened. */
  readonly sheetParts: Map<string, string>;
  private readonly sheetsEl: XmlEl;

  private constructor(readonly part: string, readonly doc: XmlDoc, readonly rels: Relationships) {
    const sheets = first(doc.documentElement!, 'sheets');
    if (!sheets) throw new PackageError(PACKAGE_MSG.partInvalid(part));
    this.sheetsEl = sheets;
    const targets = rels.targets();
    this.sheetParts = new Map(children(sheets, 'sheet').map((s) => [s.getAttribute('name') ?? '', targets.get(relIdAttr(s)) ?? '']));
  }

  static open(pkg: Package): Workbook {
    const part = pkg.relationships('').target(REL.officeDocument) ?? 'xl/workbook.xml';
    const doc = pkg.xml(part);
    return new Workbook(part, doc, pkg.relationships(part));
  }

  sheetElements(): XmlEl[] {
    return children(this.sheetsEl, 'sheet');
  }

  sheetElement(name: string): XmlEl | undefined {
    return this.sheetElements().find((s) => s.getAttribute('name') === name);
  }

  /** The stylesheet part; one is created (empty, see Stylesheet) when the workbook has none. */
  stylesPart(pkg: Package, types: ContentTypes): string {
    const found = this.rels.target(REL.styles);
    if (found && pkg.has(found)) return found;
    let part = 'xl/styles.xml';
    for (let k = 2; pkg.has(part); k++) part = `xl/styles${k}.xml`;
    pkg.set(part, strToU8(EMPTY_STYLESHEET));
    this.rels.add(REL.styles, part);
    types.override(part, CONTENT_TYPE.styles);
    return part;
  }

  /** Lists a new sheet stored at `part` (after the others; see moveFirst) and returns its element. */
  addSheet(name: string, part: string, types: ContentTypes): XmlEl {
    const sheetId = Math.max(0, ...this.sheetElements().map((s) => Number(s.getAttribute('sheetId')) || 0)) + 1;
    const sheet = make(this.doc, 'sheet', { name, sheetId: String(sheetId) });
    setRelId(sheet, this.doc.documentElement!, this.rels.add(REL.worksheet, part));
    this.sheetsEl.appendChild(sheet);
    types.override(part, CONTENT_TYPE.worksheet);
    return sheet;
  }

  /**
   * Puts `sheet` first and opens the workbook on it. Sheet-local names (print titles, filters) refer to sheets by
   * position, so they are renumbered for the new order.
   */
  moveFirst(sheet: XmlEl): void {
    const before = this.sheetElements();
    if (before[0] !== sheet) this.sheetsEl.insertBefore(sheet, before[0] ?? null);
    const after = this.sheetElements();
    const newIndex = new Map(before.map((s, i) => [i, after.indexOf(s)]));
    const root = this.doc.documentElement!;
    for (const dn of children(first(root, 'definedNames') ?? root, 'definedName')) {
      const local = dn.getAttribute('localSheetId');
      if (local !== null && newIndex.has(Number(local))) dn.setAttribute('localSheetId', String(newIndex.get(Number(local))));
    }
    for (const view of children(first(root, 'bookViews') ?? root, 'workbookView')) {
      view.setAttribute('activeTab', '0');
      view.removeAttribute('firstSheet');
    }
  }

  save(pkg: Package): void {
    pkg.saveXml(this.part, this.doc);
    pkg.saveRelationships(this.rels);
  }
}

