/**
 * An existing worksheet part as an editable DOM: find or create a cell (rows and cells kept in order, spans widened),
 * the anchor of a merged range, the legacy drawing that holds note shapes, the selected-tab flag. Everything else in
 * the sheet stays as the unit's program wrote it.
 */
import { NS } from './namespaces';
import { formatCell, inRange, parseCell } from './address';
import { children, elements, first, make, relIdAttr, setRelId, type XmlDoc, type XmlEl } from './xml';

/** Elements that come before <sheetData> in CT_Worksheet. */
const BEFORE_SHEET_DATA = ['sheetPr', 'dimension', 'sheetViews', 'sheetFormatPr', 'cols'];
/** Elements that must come after <legacyDrawing> in CT_Worksheet. */
const AFTER_LEGACY = ['legacyDrawingHF', 'drawingHF', 'picture', 'oleObjects', 'controls', 'webPublishItems', 'tableParts', 'extLst'];

export class Worksheet {
  readonly root: XmlEl;
  private sheetDataEl?: XmlEl;
  private rowIndex?: Map<number, XmlEl>;

  constructor(readonly doc: XmlDoc) {
    this.root = doc.documentElement!;
  }

  /** Whether the part really is a worksheet (a chartsheet or dialog sheet has no cells to mark). */
  get isWorksheet(): boolean {
    return this.root.localName === 'worksheet';
  }

  /** The top-left cell of the merged range holding `address` (fills and notes on hidden merged cells are invisible). */
  mergeAnchor(address: string): string {
    const at = parseCell(address)!;
    for (const m of children(first(this.root, 'mergeCells') ?? this.root, 'mergeCell')) {
      const [a, b] = (m.getAttribute('ref') ?? '').split(':');
      const from = a ? parseCell(a) : undefined;
      const to = b ? parseCell(b) : undefined;
      if (from && to && inRange(at, from, to)) return formatCell(from.col, from.row);
    }
    return address;
  }

  private sheetData(): XmlEl {
    if (!this.sheetDataEl) {
      this.sheetDataEl = first(this.root, 'sheetData') ?? (this.root.insertBefore(make(this.doc, 'sheetData'), elements(this.root).find((e) => !BEFORE_SHEET_DATA.includes(e.localName ?? '')) ?? null) as XmlEl);
      // Rows without r follow the previous one, as the format says.
      this.rowIndex = new Map();
      let last = 0;
      for (const r of children(this.sheetDataEl, 'row')) {
        last = Number(r.getAttribute('r')) || last + 1;
        this.rowIndex.set(last, r);
      }
    }
    return this.sheetDataEl;
  }

  /** The <c> element for an address (canonical, e.g. B7), created in row and column order when the sheet has none. */
  cell(address: string): XmlEl {
    const sheetData = this.sheetData();
    const rows = this.rowIndex!;
    const { row, col } = parseCell(address)!;
    let rowEl = rows.get(row);
    if (!rowEl) {
      rowEl = make(this.doc, 'row', { r: String(row) });
      const next = [...rows.keys()].filter((r) => r > row).sort((a, b) => a - b)[0];
      sheetData.insertBefore(rowEl, next === undefined ? null : rows.get(next)!);
      rows.set(row, rowEl);
    }
    const cells = children(rowEl, 'c');
    let cell = cells.find((c) => c.getAttribute('r') === address);
    if (!cell) {
      cell = make(this.doc, 'c', { r: address });
      rowEl.insertBefore(cell, cells.find((c) => (parseCell(c.getAttribute('r') ?? '')?.col ?? 0) > col) ?? null);
      const spans = /^(\d+):(\d+)$/.exec(rowEl.getAttribute('spans') ?? '');
      if (spans && (col < Number(spans[1]) || col > Number(spans[2]))) rowEl.setAttribute('spans', `${Math.min(col, Number(spans[1]))}:${Math.max(col, Number(spans[2]))}`);
    }
    return cell;
  }

  /** The cell's style index (s), 0 when it has none. */
  styleOf(cell: XmlEl): number {
    return Number(cell.getAttribute('s') ?? 0) || 0;
  }

  /** The relationship id of the sheet's legacy drawing (the VML part with its note shapes), if any. */
  legacyDrawingId(): string | undefined {
    const legacy = first(this.root, 'legacyDrawing');
    return legacy ? relIdAttr(legacy) : undefined;
  }

  /** Points the sheet's legacy drawing at relationship `id`, adding <legacyDrawing> in its place when missing. */
  setLegacyDrawing(id: string): void {
    const legacy = first(this.root, 'legacyDrawing');
    const el = legacy ?? this.doc.createElementNS(NS.main, 'legacyDrawing');
    setRelId(el, this.root, id);
    if (!legacy) this.root.insertBefore(el, elements(this.root).find((e) => AFTER_LEGACY.includes(e.localName ?? '')) ?? null);
  }

  /** Removes tabSelected from every view; true when there was one to remove. */
  unselect(): boolean {
    let changed = false;
    for (const v of children(first(this.root, 'sheetViews') ?? this.root, 'sheetView')) {
      if (v.hasAttribute('tabSelected')) {
        v.removeAttribute('tabSelected');
        changed = true;
      }
    }
    return changed;
  }
}
