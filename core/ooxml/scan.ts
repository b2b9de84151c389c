/**
 * A strict XML tokenizer for the parts of an untrusted package (worksheets, shared strings, relationships, the
 * workbook, an OpenDocument table). It walks the part's UTF-8 bytes and turns into strings only what a handler asks
 * for: names once per part (they repeat thousands of times), an attribute's value when it is read, text when it is
 * wanted. A general parser (saxes) decoded the whole part and stepped through every character as a state machine:
 * about half the CPU of reading a workbook.
 *
 * It still refuses what is not well-formed XML 1.0: unbalanced or mismatched tags, bad names, attributes without
 * quotes or repeated, “<” in an attribute, undefined entities, characters XML forbids, text outside the root, a second
 * root — and any DOCTYPE, so no entity is ever expanded. Invalid UTF-8 reads as U+FFFD, as a decoder would give it.
 * Namespaces are not resolved: names arrive as written (or as local names, `localNames`).
 * Pure JavaScript (TextDecoder/TextEncoder), browser-safe.
 */

/** The part is not well-formed XML (or declares a DTD); the caller says which part in its own words. */
export class XmlSyntaxError extends Error {}

/**
 * The attributes of the element being opened, by name as written (prefix included), values decoded when read. Valid
 * only during the `open` call: the scanner reuses it for the next element.
 */
export interface Attributes {
  get(name: string): string | undefined;
  /** All of them as a new plain object (an attribute named `__proto__` left out: nothing reads one). */
  record(): Record<string, string>;
}

export interface ScanHandlers {
  /** An element starts (`empty`: it was written <name/>). */
  open?(name: string, attrs: Attributes, empty: boolean): void;
  /** Character data (references decoded, CDATA included, line ends as \n); one text may arrive in several pieces. */
  text?(text: string): void;
  /** An element ends (also right after `open` for an empty element). */
  close?(name: string): void;
  /**
   * Asked before text is handed over: true while the handler has no use for text (say, a formula a reader does not
   * keep). The text is still checked, only not decoded.
   */
  skipText?(): boolean;
}

export interface ScanOptions {
  /** Hand elements to the handlers by local name (prefix dropped); nesting is still checked on the written names. */
  localNames?: boolean;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const AMP = 0x26;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

// XML 1.0 (fifth edition) names. ASCII by table; a name with other characters is decoded and checked by these
// classes (supplementary characters as surrogate pairs, so no `u` flag is needed).
const NAME_START = ':A-Z_a-z\\xC0-\\xD6\\xD8-\\xF6\\xF8-\\u02FF\\u0370-\\u037D\\u037F-\\u1FFF\\u200C\\u200D\\u2070-\\u218F\\u2C00-\\u2FEF\\u3001-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFFD';
const NAME_CHAR = `${NAME_START}\\-.0-9\\xB7\\u0300-\\u036F\\u203F\\u2040`;
const ASTRAL = '[\\uD800-\\uDB7F][\\uDC00-\\uDFFF]';
// The spec's classes hold combining marks and U+200C/U+200D on purpose: name characters one by one, not glyphs.
// eslint-disable-next-line no-misleading-character-class
const NAME = new RegExp(`^(?:[${NAME_START}]|${ASTRAL})(?:[${NAME_CHAR}]|${ASTRAL})*$`);
const S = '[ \\t\\r\\n]';
const DECLARATION = new RegExp(
  `^<\\?xml${S}+version${S}*=${S}*(["'])1\\.[0-9]+\\1(?:${S}+encoding${S}*=${S}*(["'])[A-Za-z][A-Za-z0-9._-]*\\2)?(?:${S}+standalone${S}*=${S}*(["'])(?:yes|no)\\3)?${S}*\\?>$`,
);
const CHAR_REFERENCE = /^#(?:x[0-9A-Fa-f]{1,6}|[0-9]{1,7})$/;

/** ASCII name characters: bit 1 may start a name, bit 2 may follow. */
const ASCII_NAME = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[:A-Z_a-z]/.test(ch)) ASCII_NAME[c] = 3;
  else if (/[-.0-9]/.test(ch)) ASCII_NAME[c] = 2;
}

const isXmlChar = (c: number) => c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
const isSpace = (c: number | undefined) => c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;

function fail(what: string): never {
  throw new XmlSyntaxError(what);
}

// What a run of text or an attribute value holds that needs more than copying (flags of `checkRun`).
const HAS_REF = 1;
const HAS_CR = 2;
const HAS_TAB_LF = 4;

const utf8 = new TextDecoder('utf-8');

/** The text of bytes [start, end): short ASCII (most values: a cell reference, a number) without the decoder. */
function decodeBytes(b: Uint8Array, start: number, end: number): string {
  if (end - start <= 16) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if (c >= 0x80) return utf8.decode(b.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return utf8.decode(b.subarray(start, end));
}

/** One reference's replacement (what stands between “&” and “;”). */
function reference(ref: string): string {
  switch (ref) {
    case 'quot':
      return '"';
    case 'amp':
      return '&';
    case 'lt':
      return '<';
    case 'gt':
      return '>';
    case 'apos':
      return "'";
    default: {
      if (!CHAR_REFERENCE.test(ref)) fail('reference');
      const code = ref.charCodeAt(1) === 0x78 /* x */ ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      if (!isXmlChar(code)) fail('character reference');
      return String.fromCodePoint(code);
    }
  }
}

/** References replaced (the scanner has checked every one). */
function decodeReferences(s: string): string {
  let amp = s.indexOf('&');
  let out = '';
  let from = 0;
  while (amp >= 0) {
    const semi = s.indexOf(';', amp + 1);
    out += s.slice(from, amp) + reference(s.slice(amp + 1, semi));
    from = semi + 1;
    amp = s.indexOf('&', from);
  }
  return out + s.slice(from);
}

/** Text as XML hands it over: line ends as \n, references replaced. */
function textValue(raw: string, marks: number): string {
  const text = marks & HAS_CR ? raw.replace(/\r\n?/g, '\n') : raw;
  return marks & HAS_REF ? decodeReferences(text) : text;
}

/** An attribute value as XML hands it over: literal tab and line ends as spaces, references replaced. */
function attributeValue(raw: string, marks: number): string {
  const value = marks & (HAS_CR | HAS_TAB_LF) ? raw.replace(/\r\n?|[\t\n]/g, ' ') : raw;
  return marks & HAS_REF ? decodeReferences(value) : value;
}

/**
 * Checks bytes [start, end) of text (no “<” in them): characters XML forbids, “]]>”, every reference. Returns what
 * the run holds (HAS_* flags). Attribute values are checked the same way by openTag, while it looks for their quote.
 */
function checkRun(b: Uint8Array, start: number, end: number): number {
  let marks = 0;
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c < 0x3f) {
      if (c === AMP) {
        i = referenceEnd(b, i, end) - 1;
        marks |= HAS_REF;
      } else if (c === GT) {
        if (i - start >= 2 && b[i - 1] === 0x5d && b[i - 2] === 0x5d) fail(']]>');
      } else if (c < 0x20) {
        if (c === 0x0d) marks |= HAS_CR;
        else if (c === 0x09 || c === 0x0a) marks |= HAS_TAB_LF;
        else fail('character');
      }
    } else if (c === 0xef && b[i + 1] === 0xbf && (b[i + 2] === 0xbe || b[i + 2] === 0xbf)) fail('character'); // U+FFFE, U+FFFF
  }
  return marks;
}

/** Checks the reference at `amp` (before `limit`) and returns the index after its “;”. */
function referenceEnd(b: Uint8Array, amp: number, limit: number): number {
  let semi = amp + 1;
  while (semi < limit && semi - amp <= 10 && b[semi] !== 0x3b) semi++;
  if (semi >= limit || b[semi] !== 0x3b) fail('reference');
  reference(decodeBytes(b, amp + 1, semi));
  return semi + 1;
}

/**
 * Character data, bytes [start, end) of `b` (no markup in it), as the scanner hands text to a `text` handler: checked
 * the same way (forbidden characters, “]]>”, every reference) and decoded (line ends as \n, references replaced).
 * Throws XmlSyntaxError. For a reader that has located a run of text itself.
 */
export function textOf(b: Uint8Array, start: number, end: number): string {
  for (let i = start; i < end; i++) if (b[i] === LT) fail('markup in text');
  return textValue(decodeBytes(b, start, end), checkRun(b, start, end));
}

/** A name as written and its local part. */
interface Name {
  readonly q: string;
  readonly local: string;
  readonly bytes: Uint8Array;
}

/** Whether bytes [start, end) of `b` are exactly `a`. */
export function sameBytes(a: Uint8Array, b: Uint8Array, start: number, end: number): boolean {
  if (a.length !== end - start) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[start + i]) return false;
  return true;
}

/**
 * The names of a part, each made into a string once: a part repeats a handful of names thousands of times (c, r, s,
 * row, v), and cutting a new string for each cost more than finding it here by its bytes.
 */
const hashStep = (h: number, byte: number) => (h * 31 + byte) | 0;

class NameTable {
  private readonly slots: Array<Name | undefined> = new Array<Name | undefined>(512);

  /** The name in bytes [start, end), whose hash (`hashStep` over its bytes) the caller computed while reading it. */
  get(b: Uint8Array, start: number, end: number, hash: number, ascii: boolean): Name {
    const slot = hash & 511;
    const found = this.slots[slot];
    if (found && sameBytes(found.bytes, b, start, end)) return found;
    const q = decodeBytes(b, start, end);
    if (!ascii && !NAME.test(q)) fail('name');
    const colon = q.indexOf(':');
    const name = { q, local: colon < 0 ? q : q.slice(colon + 1), bytes: b.slice(start, end) };
    this.slots[slot] = name;
    return name;
  }
}

class AttributeList implements Attributes {
  private readonly keys: string[] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly marks: number[] = [];
  length = 0;

  constructor(private readonly b: Uint8Array) {}

  get(name: string): string | undefined {
    for (let i = 0; i < this.length; i++) if (this.keys[i] === name) return this.value(i);
    return undefined;
  }

  record(): Record<string, string> {
    const out: Record<string, string> = {};
    for (let i = 0; i < this.length; i++) if (this.keys[i] !== '__proto__') out[this.keys[i]!] = this.value(i);
    return out;
  }

  /** Names of an element with many attributes (a hostile part), so checking for repeats stays linear. */
  private seen: Set<string> | undefined;

  reset(): void {
    this.length = 0;
    this.seen = undefined;
  }

  /** Adds one; a repeated name is not well-formed. */
  add(key: string, start: number, end: number, marks: number): void {
    if (this.length < 16) {
      for (let i = 0; i < this.length; i++) if (this.keys[i] === key) fail('repeated attribute');
    } else {
      this.seen ??= new Set(this.keys.slice(0, this.length));
      if (this.seen.has(key)) fail('repeated attribute');
      this.seen.add(key);
    }
    this.keys[this.length] = key;
    this.starts[this.length] = start;
    this.ends[this.length] = end;
    this.marks[this.length++] = marks;
  }

  private value(i: number): string {
    return attributeValue(decodeBytes(this.b, this.starts[i]!, this.ends[i]!), this.marks[i]!);
  }
}

class Scanner {
  private readonly stack: Name[] = [];
  private readonly names = new NameTable();
  private readonly attrs: AttributeList;
  private rootSeen = false;

  constructor(
    private readonly b: Uint8Array,
    private readonly handlers: ScanHandlers,
    private readonly localNames: boolean,
  ) {
    this.attrs = new AttributeList(b);
  }

  run(): void {
    const b = this.b;
    const n = b.length;
    // A byte-order mark may precede the document.
    const start = n >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
    let pos = start;
    while (pos < n) {
      // Text between tags is mostly short (a cell's value): stepping is cheaper than a call of indexOf.
      let end = pos;
      while (end < n && b[end] !== LT) end++;
      if (end > pos) {
        this.chars(pos, end);
        pos = end;
        if (pos >= n) break;
      }
      const next = b[pos + 1];
      if (next === SLASH) pos = this.closeTag(pos);
      else if (next === 0x21 /* ! */) pos = this.markup(pos);
      else if (next === 0x3f /* ? */) pos = this.instruction(pos, pos === start);
      else pos = this.openTag(pos);
    }
    if (!this.rootSeen || this.stack.length > 0) fail('unclosed');
  }

  private chars(start: number, end: number): void {
    const b = this.b;
    if (this.stack.length === 0) {
      // Outside the root only whitespace may stand.
      for (let i = start; i < end; i++) if (!isSpace(b[i])) fail('text outside the root');
      return;
    }
    const marks = checkRun(b, start, end);
    const { text, skipText } = this.handlers;
    if (!text || skipText?.()) return;
    const value = textValue(decodeBytes(b, start, end), marks);
    if (value) text(value);
  }

  /** The end of the name starting at `i` (a name is required there); clears `asciiName` when it has other characters. */
  private nameEnd(i: number): number {
    const b = this.b;
    const c = b[i];
    if (c === undefined || (c < 0x80 && !(ASCII_NAME[c]! & 1))) fail('name');
    i++;
    for (;;) {
      const d = b[i];
      if (d === undefined) return i;
      if (d < 0x80) {
        if (!ASCII_NAME[d]) return i;
      } else this.asciiName = false;
      i++;
    }
  }

  /** Whether the name nameEnd last stepped over is all ASCII. */
  private asciiName = true;
  /** Where the name `name` last read ends. */
  private after = 0;

  /** The name starting at `start` (its end in `after`). */
  private name(start: number): Name {
    // nameEnd's loop again, hashing on the way: names are read far more often than anything else.
    const b = this.b;
    const c = b[start];
    if (c === undefined || (c < 0x80 && !(ASCII_NAME[c]! & 1))) fail('name');
    let ascii = c < 0x80;
    let hash = c;
    let i = start + 1;
    for (;;) {
      const d = b[i];
      if (d === undefined) break;
      if (d < 0x80) {
        if (!ASCII_NAME[d]) break;
      } else ascii = false;
      hash = hashStep(hash, d);
      i++;
    }
    this.after = i;
    return this.names.get(b, start, i, hash, ascii);
  }

  private skipSpace(i: number): number {
    while (isSpace(this.b[i])) i++;
    return i;
  }

  private openTag(pos: number): number {
    const b = this.b;
    if (this.stack.length === 0 && this.rootSeen) fail('second root');
    const name = this.name(pos + 1);
    let i = this.after;
    const attrs = this.attrs;
    attrs.reset();
    for (;;) {
      const j = this.skipSpace(i);
      const c = b[j];
      if (c === GT || (c === SLASH && b[j + 1] === GT)) {
        i = j;
        break;
      }
      // Attributes are separated from the name and from each other by whitespace.
      if (j === i) fail('tag');
      const key = this.name(j).q;
      let k = this.skipSpace(this.after);
      if (b[k] !== 0x3d /* = */) fail('attribute');
      k = this.skipSpace(k + 1);
      const quote = b[k];
      if (quote !== DQUOTE && quote !== SQUOTE) fail('attribute');
      // The closing quote, with the value checked on the way (checkRun's checks for a value, in the same pass). A
      // reference is checked up to its “;”: one that crosses the quote holds a quote, and no reference does.
      let close = k + 1;
      let marks = 0;
      for (;;) {
        const c = b[close];
        if (c === undefined) fail('attribute');
        if (c === quote) break;
        if (c < 0x3f) {
          if (c === AMP) {
            close = referenceEnd(b, close, b.length);
            marks |= HAS_REF;
            continue;
          }
          if (c === LT) fail('< in attribute');
          if (c < 0x20) {
            if (c === 0x0d) marks |= HAS_CR;
            else if (c === 0x09 || c === 0x0a) marks |= HAS_TAB_LF;
            else fail('character');
          }
        } else if (c === 0xef && b[close + 1] === 0xbf && (b[close + 2] === 0xbe || b[close + 2] === 0xbf)) fail('character'); // U+FFFE, U+FFFF
        close++;
      }
      attrs.add(key, k + 1, close, marks);
      i = close + 1;
    }
    const empty = b[i] === SLASH;
    const shown = this.localNames ? name.local : name.q;
    this.rootSeen = true;
    this.stack.push(name);
    this.handlers.open?.(shown, attrs, empty);
    if (empty) {
      this.stack.pop();
      this.handlers.close?.(shown);
      return i + 2;
    }
    return i + 1;
  }

  private closeTag(pos: number): number {
    // The end tag must repeat the open element's name byte for byte, then only white space before “>”: compared
    // with that name directly (it was checked when it opened), not read as a name again.
    const name = this.stack.pop();
    if (!name) fail('end tag');
    const end = pos + 2 + name.bytes.length;
    if (!sameBytes(name.bytes, this.b, pos + 2, end)) fail('end tag');
    const gt = this.skipSpace(end);
    if (this.b[gt] !== GT) fail('end tag');
    this.handlers.close?.(this.localNames ? name.local : name.q);
    return gt + 1;
  }

  /** The index of `pattern` (ASCII) at or after `from` and ending by `limit`, or -1. */
  private find(pattern: string, from: number, limit = this.b.length): number {
    const b = this.b;
    const first = pattern.charCodeAt(0);
    outer: for (let i = from; i <= limit - pattern.length; i++) {
      if (b[i] !== first) continue;
      for (let k = 1; k < pattern.length; k++) if (b[i + k] !== pattern.charCodeAt(k)) continue outer;
      return i;
    }
    return -1;
  }

  private startsWith(pattern: string, at: number): boolean {
    for (let k = 0; k < pattern.length; k++) if (this.b[at + k] !== pattern.charCodeAt(k)) return false;
    return true;
  }

  /** Characters XML forbids, in a comment, CDATA section or processing instruction. */
  private checkRaw(start: number, end: number): void {
    const b = this.b;
    for (let i = start; i < end; i++) {
      const c = b[i]!;
      if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c === 0xef && b[i + 1] === 0xbf && (b[i + 2] === 0xbe || b[i + 2] === 0xbf))) fail('character');
    }
  }

  /** <!-- comments --> and <![CDATA[…]]>; a DOCTYPE (or anything else) is refused. */
  private markup(pos: number): number {
    if (this.startsWith('<!--', pos)) {
      const end = this.find('-->', pos + 4);
      if (end < 0) fail('comment');
      // “--” may not stand in a comment, nor “-” right before its end (then “---” holds “--” before `end`).
      if (this.find('--', pos + 4, end + 1) >= 0) fail('comment');
      this.checkRaw(pos + 4, end);
      return end + 3;
    }
    if (this.startsWith('<![CDATA[', pos)) {
      if (this.stack.length === 0) fail('CDATA outside the root');
      const end = this.find(']]>', pos + 9);
      if (end < 0) fail('CDATA');
      this.checkRaw(pos + 9, end);
      const { text, skipText } = this.handlers;
      if (end > pos + 9 && text && !skipText?.()) {
        const body = decodeBytes(this.b, pos + 9, end);
        text(body.indexOf('\r') >= 0 ? body.replace(/\r\n?/g, '\n') : body);
      }
      return end + 3;
    }
    return fail('declaration');
  }

  /** <?target …?>; the XML declaration only at the very start. */
  private instruction(pos: number, atStart: boolean): number {
    const end = this.find('?>', pos + 2);
    if (end < 0) fail('instruction');
    this.asciiName = this.b[pos + 2]! < 0x80;
    const targetEnd = this.nameEnd(pos + 2);
    if (targetEnd > end || (targetEnd !== end && !isSpace(this.b[targetEnd]))) fail('instruction');
    this.checkRaw(pos, end);
    const target = decodeBytes(this.b, pos + 2, targetEnd);
    if (!this.asciiName && !NAME.test(target)) fail('name');
    if (target.toLowerCase() === 'xml' && (!atStart || !DECLARATION.test(decodeBytes(this.b, pos, end + 2)))) fail('declaration');
    return end + 2;
  }
}

/**
 * Scans a whole part, calling the handlers in document order. A handler that has what it needs can stop early by
 * throwing (its own error passes through); a part that is not well-formed throws XmlSyntaxError where it stops being.
 */
export function scanXml(xml: string | Uint8Array, handlers: ScanHandlers, options: ScanOptions = {}): void {
  // A plain view: a Node Buffer's own subarray (a new Buffer object each call) costs several times more.
  const bytes = typeof xml === 'string' ? new TextEncoder().encode(xml) : new Uint8Array(xml.buffer, xml.byteOffset, xml.byteLength);
  new Scanner(bytes, handlers, options.localNames ?? false).run();
}
