/**
 * A fast cell source for unit workbooks: inflates only the parts the contract needs (workbook, shared strings and
 * the data sheets) and reads their cells with a strict XML tokenizer (core/ooxml/scan.ts), instead of building
 * exceljs's whole model. Feeds the same assembler as every other reader. Values only: a cell with <f> is marked as a
 * formula. Parts are found through the package's relationships (core/ooxml/opc.ts), like the guard finds them. A
 * reader states how far into a sheet it looks (bounds): cells beyond are not kept, and reading stops at the first row
 * past them (or at the end of the sheet's cells). Shared strings are decoded when a cell that is read uses them.
 */
import type * as Fflate from 'fflate';
import type { RawCell } from '../../workbook/cells';
import { REL_TYPE, partKey, relIdOf, relationshipOf, relsPartOf } from '../../ooxml/opc';
import { sameBytes, scanXml, textOf, type ScanHandlers } from '../../ooxml/scan';

/** fflate, loaded only when a workbook comes without the guard's inflated parts (the guard's path never needs it). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const unzipSync: typeof Fflate.unzipSync = (...args) => (require('fflate') as typeof Fflate).unzipSync(...args);

/** Rows and columns (1-based, inclusive) a reader needs from the top-left corner of a sheet. */
export interface SheetBounds {
  rows: number;
  cols: number;
}

export interface XlsxBook {
  sheetNames: string[];
  definedNames: Map<string, string>;
  /** Cells of one sheet (address → raw cell) within `bounds` (default: the whole sheet), read on first use. */
  sheet(name: string, bounds?: SheetBounds): SheetCells | undefined;
  /** Uncompressed size of every worksheet part together, bytes (the guard has checked it is what inflates). */
  sheetBytes: number;
}

const WHOLE: SheetBounds = { rows: Number.MAX_SAFE_INTEGER, cols: Number.MAX_SAFE_INTEGER };

/** Thrown by a handler to stop reading a part early. */
class Enough extends Error {}
/** One instance, thrown every time: an Error captures a stack trace when it is made, and every sheet read stops early. */
const ENOUGH = new Enough();

/** Reads a part (elements by local name); a handler stops early by throwing Enough. Not well-formed: throws. */
function parseXml(xml: string | Uint8Array, handlers: ScanHandlers): void {
  try {
    scanXml(xml, handlers, { localNames: true });
  } catch (e) {
    if (!(e instanceof Enough)) throw e;
  }
}

/** Handlers collecting the text of each <si> (its runs joined, phonetic guides left out), handed to `item`. */
function itemHandlers(item: (text: string) => void): ScanHandlers {
  let current = '';
  let inT = false;
  let inPhonetic = false;
  return {
    open(name) {
      if (name === 'si') current = '';
      else if (name === 't') inT = true;
      else if (name === 'rPh') inPhonetic = true;
    },
    skipText: () => !inT || inPhonetic,
    text(text) {
      current += text;
    },
    close(name) {
      if (name === 't') inT = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'si') item(current);
    },
  };
}

/** The text of one <si> item (bytes from its start tag to its end tag); not well-formed: throws. */
function stringItem(xml: Uint8Array): string {
  let text = '';
  parseXml(xml, itemHandlers((t) => (text = t)));
  return text;
}

// Where each <si> starts and ends, found in the part's latin1 text (one byte per character, so the offsets are byte
// offsets): its start tags (prefixed or not, with attributes, or empty) and end tags, in the order they stand.
const SI_TAG = /<(\/)?(?:[A-Za-z_][\w.-]*:)?si(?=[\s/>])[^>]*>/g;
/** A processing instruction other than the XML declaration (its text could hold an item's tags). */
const OTHER_INSTRUCTION = /<\?(?!xml\s)/;

const bytesOf = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
const PLAIN_ITEM = bytesOf('<si><t>');
const PRESERVED_ITEM = bytesOf('<si><t xml:space="preserve">');
const ITEM_END = bytesOf('</t></si>');

/** Whether `pattern` stands in `b` at `at`. */
const bytesAt = (b: Uint8Array, at: number, pattern: Uint8Array) => sameBytes(pattern, b, at, at + pattern.length);

/**
 * The shared strings, each decoded when a cell that is read first asks for it. A workbook holds every text of every
 * sheet here (the 细则 texts twice over, the instructions sheet), and the reader looks at a fraction of them: the
 * part is only split into its items (a regular expression over its bytes), and an item is tokenized (strictly) when
 * one of the cells the reader looks at uses it — like a cell out of bounds, an item no such cell uses is not read.
 * A part where the items are not simply one after another (an item inside another, one not closed), or with comments,
 * CDATA sections or processing instructions (where an item's tags could stand inside other text), is read whole.
 */
class SharedStrings {
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly texts: Array<string | undefined> = [];

  constructor(private readonly xml: Uint8Array | undefined) {
    if (!xml) return;
    const text = Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength).toString('latin1');
    if (text.includes('<!--') || text.includes('<![CDATA[') || OTHER_INSTRUCTION.test(text) || !this.split(text)) {
      this.starts.length = 0;
      this.ends.length = 0;
      this.readWhole(xml);
    }
  }

  /** Finds the items; false when they are not one after another, each closed. */
  private split(text: string): boolean {
    let open = -1;
    SI_TAG.lastIndex = 0;
    for (let tag = SI_TAG.exec(text); tag; tag = SI_TAG.exec(text)) {
      if (tag[1]) {
        if (open < 0) return false;
        this.starts.push(open);
        this.ends.push(SI_TAG.lastIndex);
        open = -1;
      } else if (open >= 0) return false;
      else if (tag[0].endsWith('/>')) {
        this.starts.push(tag.index);
        this.ends.push(SI_TAG.lastIndex);
      } else open = tag.index;
    }
    return open < 0;
  }

  /** Every item in one pass (the strict tokenizer over the whole part). */
  private readWhole(xml: Uint8Array): void {
    parseXml(xml, itemHandlers((text) => this.texts.push(text)));
  }

  /** Item `i` (0-based); undefined when there is none. */
  get(i: number): string | undefined {
    const known = this.texts[i];
    const xml = this.xml;
    if (known !== undefined || !xml || !(i >= 0 && i < this.starts.length)) return known;
    const start = this.starts[i]!;
    const end = this.ends[i]!;
    // Most items are one plain run, <si><t>…</t></si>: its text is checked and decoded as the tokenizer would.
    const open = bytesAt(xml, start, PLAIN_ITEM) ? PLAIN_ITEM.length : bytesAt(xml, start, PRESERVED_ITEM) ? PRESERVED_ITEM.length : 0;
    const plain = open > 0 && end - start >= open + ITEM_END.length && bytesAt(xml, end - ITEM_END.length, ITEM_END) && xml.indexOf(0x3c, start + open) === end - ITEM_END.length;
    const text = plain ? textOf(xml, start + open, end - ITEM_END.length) : stringItem(xml.subarray(start, end));
    this.texts[i] = text;
    return text;
  }
}

/** A cell holding shared string `index`: its text is looked up when the cell's value is first read. */
class SharedStringCell implements RawCell {
  constructor(
    private readonly strings: SharedStrings,
    private readonly index: number,
  ) {}

  get value(): string {
    return this.strings.get(this.index) ?? '';
  }
}

/** Excel's grid (XFD1048576): a cell beyond it is not a cell any spreadsheet program shows, and is not kept. */
const MAX_ROWS = 1_048_576;
const MAX_COLS = 16_384;
/** A cell's position is row × COLS + column. */
const COLS = MAX_COLS + 1;

/**
 * Where a cell reference (A1 form, as worksheets write it) stands, as row × COLS + column, when it lies within
 * `bounds` and Excel's grid; 0 for anything else. One pass over its characters: it runs for every cell of every sheet read.
 */
function positionWithin(ref: string, bounds: SheetBounds): number {
  let col = 0;
  let i = 0;
  for (; i < ref.length && i < 3; i++) {
    const c = ref.charCodeAt(i);
    if (c < 0x41 || c > 0x5a) break;
    col = col * 26 + (c - 0x40);
  }
  if (i === 0 || i === ref.length) return 0;
  let row = 0;
  for (let k = i; k < ref.length; k++) {
    const d = ref.charCodeAt(k) - 0x30;
    if (d < 0 || d > 9) return 0;
    row = row * 10 + d;
  }
  return row >= 1 && row <= bounds.rows && row <= MAX_ROWS && col <= bounds.cols && col <= MAX_COLS ? row * COLS + col : 0;
}

/**
 * The cells of a sheet that were kept (address → raw cell), and which rows of each column hold one: a reader asking
 * for a column of 55 answers where no cell stands at all is told so at once, instead of looking up 55 addresses.
 */
export class SheetCells extends Map<string, RawCell> {
  private readonly rowsByColumn: number[][] = [];

  /** Records that a cell was kept at `position` (positionWithin's number). */
  keptAt(position: number): void {
    const col = position % COLS;
    (this.rowsByColumn[col] ??= []).push((position - col) / COLS);
  }

  /** True when no cell was kept in column `col` (1-based) from row `top` to row `bottom`. */
  emptyIn(col: number, top: number, bottom: number): boolean {
    const rows = this.rowsByColumn[col];
    if (rows) for (const r of rows) if (r >= top && r <= bottom) return false;
    return true;
  }
}

function readSheet(xml: Uint8Array, strings: SharedStrings, bounds: SheetBounds): SheetCells {
  const cells = new SheetCells();
  let ref = '';
  let position = 0;
  let type = '';
  let value = '';
  let inline = '';
  let hasFormula = false;
  let where: 'v' | 't' | '' = '';
  // Phonetic guides (ruby) of an inline string are reading aids, not part of the text.
  let inPhonetic = false;
  parseXml(xml, {
    open(name, attrs, empty) {
      if (name === 'c') {
        type = attrs.get('t') ?? 'n';
        // <c r="…" s="…"/>, a number cell with no value (a styled blank; half the cells of a unit workbook): nothing to
        // keep, so its reference is not even read.
        if (empty && type === 'n') {
          position = 0;
          return;
        }
        ref = attrs.get('r') ?? '';
        position = positionWithin(ref, bounds);
        value = '';
        inline = '';
        hasFormula = false;
      } else if (name === 'row') {
        // Rows come in ascending order: past the last needed row, nothing more is needed.
        if (Number(attrs.get('r')) > bounds.rows) throw ENOUGH;
      } else if (name === 'f') hasFormula = true;
      else if (name === 'v') where = 'v';
      else if (name === 't') where = 't';
      else if (name === 'rPh') inPhonetic = true;
    },
    // Formulas, phonetic guides and cells out of bounds: their text is checked, never decoded.
    skipText: () => position === 0 || where === '' || (where === 't' && inPhonetic),
    text(text) {
      if (where === 'v') value += text;
      else inline += text;
    },
    close(name) {
      if (name === 'v' || name === 't') where = '';
      else if (name === 'rPh') inPhonetic = false;
      // The cells are all inside <sheetData>: what follows (merged ranges, validations, formatting…) is not read.
      else if (name === 'sheetData') throw ENOUGH;
      else if (name === 'c' && position !== 0) {
        const cell = cellOf();
        if (cell) {
          cells.set(ref, cell);
          cells.keptAt(position);
        }
      }
    },
  });
  function cellOf(): RawCell | undefined {
    if (hasFormula) return { value: null, formula: true };
    if (type === 's') return value.trim() === '' ? { value: null } : new SharedStringCell(strings, Number(value));
    if (type === 'inlineStr') return { value: inline };
    if (type === 'str') return { value };
    if (type === 'b') return { value: value === '1' };
    if (type === 'e') return { value: null };
    if (type === 'd') return { value: value ? new Date(value) : null };
    return value !== '' ? { value: Number(value) } : undefined;
  }
  return cells;
}

function relationships(xml: Uint8Array | undefined, sourcePart: string) {
  const rels: Array<NonNullable<ReturnType<typeof relationshipOf>>> = [];
  if (!xml) return rels;
  parseXml(xml, {
    open(name, a) {
      const rel = name === 'Relationship' ? relationshipOf(sourcePart, a.record()) : undefined;
      if (rel) rels.push(rel);
    },
  });
  return rels;
}

/**
 * Opens an xlsx already checked by the guard. Returns undefined when it is not a zip with a workbook part. `parts`:
 * the package's XML parts the guard has inflated (part key → bytes); then nothing is inflated again.
 */
export function openXlsx(data: Uint8Array, parts?: ReadonlyMap<string, Uint8Array>): XlsxBook | undefined {
  // The directory first (nothing inflated): part names by their case-insensitive key.
  const names = new Map<string, string>();
  const sizes = new Map<string, number>();
  if (parts) {
    for (const [key, bytes] of parts) {
      names.set(key, key);
      sizes.set(key, bytes.byteLength);
    }
  } else {
    try {
      unzipSync(data, {
        filter: (f) => {
          names.set(partKey(f.name), f.name);
          sizes.set(partKey(f.name), f.originalSize);
          return false;
        },
      });
    } catch {
      return undefined;
    }
  }
  // Inflate lazily: the workbook parts now, each sheet (and the shared strings) only when it is read.
  const inflate = (wanted: string[]): Map<string, Uint8Array> | undefined => {
    if (parts) return new Map(wanted.flatMap((p) => (parts.has(partKey(p)) ? [[partKey(p), parts.get(partKey(p))!] as const] : [])));
    const found = new Set(wanted.map((p) => names.get(partKey(p))).filter((p): p is string => Boolean(p)));
    try {
      const got = unzipSync(data, { filter: (f) => found.has(f.name) });
      return new Map(Object.entries(got).map(([k, v]) => [partKey(k), v]));
    } catch {
      return undefined;
    }
  };
  const pkg = inflate(['_rels/.rels']);
  let workbookPart = 'xl/workbook.xml';
  try {
    workbookPart = relationships(pkg?.get(partKey('_rels/.rels')), '').find((r) => REL_TYPE.officeDocument.test(r.type))?.part ?? workbookPart;
  } catch {
    return undefined;
  }
  const top = inflate([workbookPart, relsPartOf(workbookPart)]);
  const workbook = top?.get(partKey(workbookPart));
  const rels = top?.get(partKey(relsPartOf(workbookPart)));
  if (!workbook || !rels) return undefined;
  const targets = new Map<string, string>();
  let stringsPart: string | undefined;
  let workbookRels: ReturnType<typeof relationships>;
  try {
    workbookRels = relationships(rels, workbookPart);
  } catch {
    return undefined;
  }
  for (const r of workbookRels) {
    if (!r.part) continue;
    targets.set(r.id, r.part);
    if (REL_TYPE.sharedStrings.test(r.type)) stringsPart = r.part;
  }
  // Some generators leave out the relationship but keep the part where Excel puts it.
  if (!stringsPart && names.has(partKey('xl/sharedStrings.xml'))) stringsPart = 'xl/sharedStrings.xml';
  const sheetParts = new Map<string, string>();
  const definedNames = new Map<string, string>();
  let nameKey: string | undefined;
  let nameText = '';
  try {
    parseXml(workbook, {
      open(name, attrs) {
        if (name !== 'sheet' && name !== 'definedName') return;
        const a = attrs.record();
        if (name === 'sheet') {
          const rid = relIdOf(a);
          const target = rid ? targets.get(rid) : undefined;
          if (a.name && target) sheetParts.set(a.name, target);
        } else if (name === 'definedName' && a.localSheetId === undefined) {
          nameKey = a.name;
          nameText = '';
        }
      },
      skipText: () => nameKey === undefined,
      text(text) {
        nameText += text;
      },
      close(name) {
        if (name === 'definedName' && nameKey) {
          definedNames.set(nameKey, nameText);
          nameKey = undefined;
        }
      },
    });
  } catch {
    return undefined;
  }
  let strings: SharedStrings | undefined;
  const cache = new Map<string, { bounds: SheetBounds; cells: SheetCells }>();
  return {
    sheetNames: [...sheetParts.keys()],
    definedNames,
    sheetBytes: [...sheetParts.values()].reduce((n, part) => n + (sizes.get(partKey(part)) ?? 0), 0),
    sheet(name, bounds = WHOLE) {
      const cached = cache.get(name);
      if (cached && cached.bounds.rows >= bounds.rows && cached.bounds.cols >= bounds.cols) return cached.cells;
      const part = sheetParts.get(name);
      if (!part) return undefined;
      const wanted = strings || !stringsPart ? [part] : [part, stringsPart];
      const got = inflate(wanted);
      const bytes = got?.get(partKey(part));
      if (!bytes || !got) return undefined;
      strings ??= new SharedStrings(stringsPart ? got.get(partKey(stringsPart)) : undefined);
      const wider = cached ? { rows: Math.max(bounds.rows, cached.bounds.rows), cols: Math.max(bounds.cols, cached.bounds.cols) } : bounds;
      const cells = readSheet(bytes, strings, wider);
      cache.set(name, { bounds: wider, cells });
      return cells;
    },
  };
}
