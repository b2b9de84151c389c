/**
 * The stylesheet (xl/styles.xml) as an editable DOM: fonts, fills and cell formats (xf) are appended to their
 * collections, never changed in place, so every cell keeps the look it had. A stylesheet missing its base entries
 * (the default font, the two reserved fills, an empty border, the default xf) gets them first.
 */
import { NS, XML_DECLARATION } from './namespaces';
import { appendCounted, children, ensureChild, make, type XmlDoc, type XmlEl } from './xml';

/** CT_Stylesheet sequence, to insert a missing collection in its place. */
const STYLE_ORDER = ['numFmts', 'fonts', 'fills', 'borders', 'cellStyleXfs', 'cellXfs', 'cellStyles', 'dxfs', 'tableStyles', 'colors', 'extLst'];

export const EMPTY_STYLESHEET = `${XML_DECLARATION}<styleSheet xmlns="${NS.main}"/>`;

export interface FontSpec {
  bold?: boolean;
  underline?: boolean;
  size: number;
  /** ARGB, e.g. FFC00000. */
  rgb?: string;
  name?: string;
  /** 134 = GB2312 (Chinese). */
  charset?: number;
}

export interface CellFormat {
  numFmtId: number;
  fontId: number;
  fillId: number;
  borderId?: number;
  alignment?: { vertical?: 'top' | 'center' | 'bottom'; wrapText?: boolean };
  /** Excel's mark for text typed with a leading apostrophe: editing the cell keeps it text, never a formula. */
  quotePrefix?: boolean;
}

export class Stylesheet {
  private readonly fonts: XmlEl;
  private readonly fills: XmlEl;
  private readonly xfs: XmlEl;
  private readonly filled = new Map<string, number>();

  constructor(readonly doc: XmlDoc) {
    const root = doc.documentElement!;
    this.fonts = ensureChild(doc, root, 'fonts', STYLE_ORDER);
    this.fills = ensureChild(doc, root, 'fills', STYLE_ORDER);
    const borders = ensureChild(doc, root, 'borders', STYLE_ORDER);
    const styleXfs = ensureChild(doc, root, 'cellStyleXfs', STYLE_ORDER);
    this.xfs = ensureChild(doc, root, 'cellXfs', STYLE_ORDER);
    if (!children(this.fonts, 'font').length) appendCounted(this.fonts, make(doc, 'font', {}, [make(doc, 'sz', { val: '11' })]));
    if (!children(this.fills, 'fill').length) {
      appendCounted(this.fills, make(doc, 'fill', {}, [make(doc, 'patternFill', { patternType: 'none' })]));
      appendCounted(this.fills, make(doc, 'fill', {}, [make(doc, 'patternFill', { patternType: 'gray125' })]));
    }
    if (!children(borders, 'border').length) appendCounted(borders, make(doc, 'border', {}, ['left', 'right', 'top', 'bottom', 'diagonal'].map((s) => make(doc, s))));
    const base = { numFmtId: '0', fontId: '0', fillId: '0', borderId: '0' };
    if (!children(styleXfs, 'xf').length) appendCounted(styleXfs, make(doc, 'xf', base));
    if (!children(this.xfs, 'xf').length) appendCounted(this.xfs, make(doc, 'xf', base));
  }

  /** A solid fill in one colour (ARGB); returns its fillId. */
  addSolidFill(rgb: string): number {
    const d = this.doc;
    return appendCounted(this.fills, make(d, 'fill', {}, [make(d, 'patternFill', { patternType: 'solid' }, [make(d, 'fgColor', { rgb }), make(d, 'bgColor', { indexed: '64' })])]));
  }

  /** Returns the new font's fontId. */
  addFont(f: FontSpec): number {
    const d = this.doc;
    return appendCounted(this.fonts, make(d, 'font', {}, [
      ...(f.bold ? [make(d, 'b')] : []),
      ...(f.underline ? [make(d, 'u')] : []),
      make(d, 'sz', { val: String(f.size) }),
      ...(f.rgb ? [make(d, 'color', { rgb: f.rgb })] : []),
      ...(f.name ? [make(d, 'name', { val: f.name })] : []),
      ...(f.charset !== undefined ? [make(d, 'charset', { val: String(f.charset) })] : []),
    ]));
  }

  /** A cell format (xf) applying its number format, font, fill and alignment; returns its index (the s of a cell). */
  addCellFormat(x: CellFormat): number {
    const d = this.doc;
    const attrs = { numFmtId: String(x.numFmtId), fontId: String(x.fontId), fillId: String(x.fillId), borderId: String(x.borderId ?? 0), xfId: '0', ...(x.quotePrefix ? { quotePrefix: '1' } : {}), applyNumberFormat: '1', applyFont: '1', applyFill: '1', ...(x.alignment ? { applyAlignment: '1' } : {}) };
    const align = x.alignment ? [make(d, 'alignment', { ...(x.alignment.vertical ? { vertical: x.alignment.vertical } : {}), ...(x.alignment.wrapText ? { wrapText: '1' } : {}) })] : [];
    return appendCounted(this.xfs, make(d, 'xf', attrs, align));
  }

  /**
   * Index of a copy of cell format `s` with fill `fillId` (one copy per original format and fill): the cell keeps
   * its number format, font, borders and protection. An unknown `s` is taken as the default format.
   */
  withFill(s: number, fillId: number): number {
    const key = `${s}:${fillId}`;
    const known = this.filled.get(key);
    if (known !== undefined) return known;
    const list = children(this.xfs, 'xf');
    const copy = (list[s] ?? list[0]!).cloneNode(true) as XmlEl;
    copy.setAttribute('fillId', String(fillId));
    copy.setAttribute('applyFill', '1');
    const index = appendCounted(this.xfs, copy);
    this.filled.set(key, index);
    return index;
  }
}
