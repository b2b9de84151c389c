/**
 * Checks a generated xlsx the way an independent reader would: its SpreadsheetML parts found through the package
 * relationships, markup compatibility processed as Excel does (ECMA-376 Part 3), each part validated with xmllint
 * against the ISO/IEC 29500 transitional schema vendored in test/schemas/ooxml, and its data validations parsed
 * from the sheet XML.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { strFromU8, unzipSync } from 'fflate';
import { DOMParser, XMLSerializer, type Document as XDoc, type Element as XEl, type Node as XNode } from '@xmldom/xmldom';

export const SML_SCHEMA = path.join(__dirname, '..', 'schemas', 'ooxml', 'sml.xsd');

const SML_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const MC = 'http://schemas.openxmlformats.org/markup-compatibility/2006';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL = 'http://schemas.openxmlformats.org/package/2006/relationships';
const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** The namespaces the vendored schema set defines: what a reader that knows only ISO/IEC 29500 understands. */
export const UNDERSTOOD = new Set([
  SML_MAIN,
  REL,
  'http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes',
  'http://schemas.openxmlformats.org/drawingml/2006/main',
  'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing',
  'http://schemas.openxmlformats.org/drawingml/2006/chart',
  'http://schemas.openxmlformats.org/drawingml/2006/chartDrawing',
  'http://schemas.openxmlformats.org/drawingml/2006/diagram',
  'http://schemas.openxmlformats.org/drawingml/2006/picture',
  'http://schemas.openxmlformats.org/drawingml/2006/lockedCanvas',
  XML_NS,
]);

const elements = (el: XEl): XEl[] => Array.from(el.childNodes as ArrayLike<XNode>).filter((n): n is XEl => n.nodeType === 1);

/**
 * Markup-compatibility preprocessing (ECMA-376 Part 3 §10): elements and attributes of ignorable namespaces that are
 * not understood are dropped (elements named in mc:ProcessContent are replaced by their content), mc:AlternateContent
 * becomes its first Choice whose Requires namespaces are all understood, else its Fallback, and the mc attributes
 * go. A non-ignorable namespace that is not understood stays, for the schema to reject.
 */
export function processMarkupCompatibility(xml: string, understood: ReadonlySet<string> = UNDERSTOOD): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as XDoc;
  const root = doc.documentElement!;
  const ns = (el: XEl, prefix: string) => {
    const uri = el.lookupNamespaceURI(prefix);
    if (!uri) throw new Error(`mc: prefix ${prefix} is not declared`);
    return uri;
  };
  const prefixes = (v: string | null) => (v ?? '').split(/\s+/).filter(Boolean);

  const walk = (el: XEl, inheritedIgnorable: ReadonlySet<string>, inheritedProcess: ReadonlySet<string>): void => {
    const ignorable = new Set(inheritedIgnorable);
    for (const p of prefixes(el.getAttributeNS(MC, 'Ignorable'))) ignorable.add(ns(el, p));
    const process = new Set(inheritedProcess);
    for (const q of prefixes(el.getAttributeNS(MC, 'ProcessContent'))) {
      const [p, local] = q.split(':') as [string, string];
      process.add(`${ns(el, p)} ${local}`);
    }
    for (const p of prefixes(el.getAttributeNS(MC, 'MustUnderstand'))) {
      if (!understood.has(ns(el, p))) throw new Error(`mc:MustUnderstand names ${ns(el, p)}, which is not understood`);
    }
    const dropped = (uri: string | null) => !!uri && ignorable.has(uri) && !understood.has(uri);
    for (const a of Array.from(el.attributes)) {
      if (a.namespaceURI === MC || dropped(a.namespaceURI)) el.removeAttributeNode(a);
    }
    for (const child of elements(el)) {
      if (child.namespaceURI === MC && child.localName === 'AlternateContent') {
        const choice = elements(child).find(
          (c) => c.namespaceURI === MC && c.localName === 'Choice' && prefixes(c.getAttribute('Requires')).every((p) => understood.has(ns(c, p))),
        ) ?? elements(child).find((c) => c.namespaceURI === MC && c.localName === 'Fallback');
        const kept = choice ? elements(choice) : [];
        for (const k of kept) el.insertBefore(k, child);
        el.removeChild(child);
        for (const k of kept) walk(k, ignorable, process);
      } else if (dropped(child.namespaceURI)) {
        const unwrap = process.has(`${child.namespaceURI} ${child.localName}`) || process.has(`${child.namespaceURI} *`);
        const kept = unwrap ? elements(child) : [];
        for (const k of kept) el.insertBefore(k, child);
        el.removeChild(child);
        for (const k of kept) walk(k, ignorable, process);
      } else {
        walk(child, ignorable, process);
      }
    }
  };
  walk(root, new Set(), new Set());
  return new XMLSerializer().serializeToString(doc);
}

/**
 * The one deviation from the schema that every spreadsheet program writes: `xml:space` on SpreadsheetML's text
 * element `<t>`, which the schema types as a plain string. Microsoft documents it as Excel's own use ([MS-OI29500]
 * §2.1.678, “Part 1 Section 18.4.12, t (Text)”); exceljs, LibreOffice and Excel write it on text with a line break or
 * edge spaces. Only that attribute on that element is set aside, nothing else.
 */
export function setAsideTextSpace(xml: string): string {
  const doc = new DOMParser().parseFromString(xml, 'text/xml') as unknown as XDoc;
  for (const t of Array.from(doc.getElementsByTagNameNS(SML_MAIN, 't'))) {
    if (['preserve', 'default'].includes(t.getAttributeNS(XML_NS, 'space') ?? '')) t.removeAttributeNS(XML_NS, 'space');
  }
  return new XMLSerializer().serializeToString(doc);
}

function parse(bytes: Uint8Array): XDoc {
  return new DOMParser().parseFromString(strFromU8(bytes), 'text/xml') as unknown as XDoc;
}

function resolve(from: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const base = from.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') base.pop();
    else if (seg !== '.' && seg !== '') base.push(seg);
  }
  return base.join('/');
}

function relationships(parts: Record<string, Uint8Array>, part: string): Array<{ id: string; type: string; target: string }> {
  const i = part.lastIndexOf('/');
  const relsPart = `${part.slice(0, i + 1)}_rels/${part.slice(i + 1)}.rels`;
  const bytes = parts[relsPart];
  if (!bytes) return [];
  return Array.from(parse(bytes).getElementsByTagNameNS(PKG_REL, 'Relationship'))
    .filter((r) => r.getAttribute('TargetMode') !== 'External')
    .map((r) => ({ id: r.getAttribute('Id') ?? '', type: r.getAttribute('Type')!.replace(/^.*\//, ''), target: resolve(part, r.getAttribute('Target') ?? '') }));
}

export interface SmlParts {
  workbook: string;
  /** Sheet name → worksheet part (chartsheets and dialog sheets are left out). */
  sheets: Map<string, string>;
  styles?: string;
  sharedStrings?: string;
  parts: Record<string, Uint8Array>;
}

/** The workbook, worksheet, styles and shared-strings parts of an xlsx, found through its relationships. */
export function smlParts(file: Uint8Array): SmlParts {
  const parts = unzipSync(file);
  const workbook = relationships(parts, '').find((r) => r.type === 'officeDocument')?.target;
  if (!workbook) throw new Error('no officeDocument relationship');
  const rels = relationships(parts, workbook);
  const byId = new Map(rels.map((r) => [r.id, r]));
  const sheets = new Map<string, string>();
  for (const s of Array.from(parse(parts[workbook]!).getElementsByTagName('sheet'))) {
    const rel = byId.get(s.getAttributeNS(REL, 'id') ?? '');
    if (rel?.type === 'worksheet') sheets.set(s.getAttribute('name') ?? '', rel.target);
  }
  return {
    workbook,
    sheets,
    styles: rels.find((r) => r.type === 'styles')?.target,
    sharedStrings: rels.find((r) => r.type === 'sharedStrings')?.target,
    parts,
  };
}

/** Names of every entry in the zip's directory, folders included (fflate lists them without inflating). */
export function zipEntryNames(file: Uint8Array): string[] {
  const names: string[] = [];
  unzipSync(file, {
    filter: (f) => {
      names.push(f.name);
      return false;
    },
  });
  return names;
}

const run = promisify(execFile);

/**
 * xmllint --schema sml.xsd over the workbook, worksheet, styles and shared-strings parts after markup-compatibility
 * processing. Returns xmllint's complaints, one line each, prefixed with the part name; empty when all are valid.
 */
export async function schemaErrors(file: Uint8Array): Promise<string[]> {
  const sml = smlParts(file);
  const names = [sml.workbook, ...sml.sheets.values(), sml.styles, sml.sharedStrings].filter((p): p is string => !!p);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-sml-'));
  try {
    const files = names.map((name, i) => {
      const f = path.join(dir, `${i}-${name.replace(/[^\w.-]+/g, '_')}`);
      fs.writeFileSync(f, setAsideTextSpace(processMarkupCompatibility(strFromU8(sml.parts[name]!))));
      return { name, file: f };
    });
    const result = await run('xmllint', ['--noout', '--nonet', '--schema', SML_SCHEMA, ...files.map((f) => f.file)]).then(
      (r) => ({ stderr: r.stderr, code: 0 }),
      (e: { stderr?: string; code?: number }) => ({ stderr: e.stderr ?? '', code: e.code ?? -1 }),
    );
    const lines = result.stderr.split('\n').filter((l) => l && !/ validates$/.test(l));
    const errors = lines.map((l) => files.reduce((s, f) => s.split(f.file).join(f.name), l));
    if (result.code !== 0 && !errors.length) errors.push(`xmllint exited with ${result.code}`);
    if (!errors.length && result.stderr.split('\n').filter((l) => / validates$/.test(l)).length !== files.length) errors.push(`xmllint did not report on every part: ${result.stderr}`);
    return errors;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface Rect {
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface Validation {
  sqref: string;
  rects: Rect[];
  type: string;
  formula1: string;
}

function cell(address: string): { row: number; col: number } {
  const m = /^\$?([A-Z]{1,3})\$?(\d+)$/.exec(address);
  if (!m) throw new Error(`bad cell reference ${address}`);
  return { col: [...m[1]!].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0), row: Number(m[2]) };
}

/** "E4:N58 B3" → rectangles (ST_Sqref: space-separated cells or ranges). */
export function sqrefRects(sqref: string): Rect[] {
  return sqref.split(/\s+/).filter(Boolean).map((part) => {
    const [a, b = a] = part.split(':') as [string, string?];
    const from = cell(a);
    const to = cell(b);
    return { top: Math.min(from.row, to.row), left: Math.min(from.col, to.col), bottom: Math.max(from.row, to.row), right: Math.max(from.col, to.col) };
  });
}

export const intersects = (a: Rect, b: Rect) => a.left <= b.right && b.left <= a.right && a.top <= b.bottom && b.top <= a.bottom;

/** Every <dataValidation> of a worksheet part, in file order. */
export function dataValidations(parts: Record<string, Uint8Array>, part: string): Validation[] {
  return Array.from(parse(parts[part]!).getElementsByTagName('dataValidation')).map((d) => ({
    sqref: d.getAttribute('sqref') ?? '',
    rects: sqrefRects(d.getAttribute('sqref') ?? ''),
    type: d.getAttribute('type') ?? 'none',
    formula1: d.getElementsByTagName('formula1')[0]?.textContent ?? '',
  }));
}

/** Pairs of validations (also two ranges of one sqref) whose ranges share a cell, as “sqref ∩ sqref”. */
export function overlaps(list: readonly Validation[]): string[] {
  const ranges = list.flatMap((v, i) => v.rects.map((r) => ({ r, i, sqref: v.sqref })));
  const out: string[] = [];
  for (let a = 0; a < ranges.length; a++) {
    for (let b = a + 1; b < ranges.length; b++) {
      if (intersects(ranges[a]!.r, ranges[b]!.r)) out.push(`${ranges[a]!.sqref} ∩ ${ranges[b]!.sqref}`);
    }
  }
  return out;
}

/** The rules covering a cell ("E4"). */
export function rulesAt(list: readonly Validation[], address: string): Validation[] {
  const { row, col } = cell(address);
  return list.filter((v) => v.rects.some((r) => row >= r.top && row <= r.bottom && col >= r.left && col <= r.right));
}
