/**
 * XML text and DOM helpers for editing package parts: escaping, text that XML 1.0 can carry, a strict parser that
 * refuses DTDs (no entity expansion from untrusted files) and the few element helpers every part editor needs.
 * @xmldom/xmldom and fflate's string codecs are pure JavaScript: this module is browser-safe.
 */
import { strFromU8, strToU8 } from 'fflate';
import { DOMParser, XMLSerializer, type Document, type Element, type Node } from '@xmldom/xmldom';
import { NS } from './namespaces';

export type XmlDoc = Document;
export type XmlEl = Element;
export type XmlNode = Node;

/** Escapes text for an attribute value or element content. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

// XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/FFFF; a message carrying them would make the file unreadable.
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text safe to put in XML (forbidden characters dropped, line ends as \n), cut to `max` characters with “…”. */
export function xmlText(s: string | undefined, max: number): string {
  const t = (s ?? '').replace(NOT_XML, '').replace(/\r\n?/g, '\n');
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
}

/** The document could not be parsed (or declares a DTD); the caller says which part in its own words. */
export class XmlError extends Error {}

/** Parses a part strictly: any error, a DOCTYPE or an ENTITY declaration throws XmlError. */
export function parseXml(data: Uint8Array | string): XmlDoc {
  const text = typeof data === 'string' ? data : strFromU8(data);
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlError('doctype');
  try {
    const doc = new DOMParser({
      onError: (level) => {
        if (level !== 'warning') throw new XmlError(level);
      },
    }).parseFromString(text, 'text/xml');
    if (!doc.documentElement) throw new XmlError('empty');
    return doc;
  } catch {
    throw new XmlError('invalid');
  }
}

/** A fragment written by us (trusted markup), as an element to import into another document. */
export function parseFragment(xml: string): XmlEl {
  return new DOMParser().parseFromString(xml, 'text/xml').documentElement!;
}

export function serializeXml(doc: XmlDoc): Uint8Array {
  return strToU8(new XMLSerializer().serializeToString(doc));
}

/** Child elements of `el` (text and comments left out). */
export function elements(el: XmlEl): XmlEl[] {
  return Array.from(el.childNodes as ArrayLike<Node>).filter((n): n is XmlEl => n.nodeType === 1);
}

/** Child elements with this local name. */
export function children(el: XmlEl, name: string): XmlEl[] {
  return elements(el).filter((n) => n.localName === name);
}

export function first(el: XmlEl, name: string): XmlEl | undefined {
  return children(el, name)[0];
}

/** A new element in `ns` (SpreadsheetML main by default) with attributes and children. */
export function make(doc: XmlDoc, name: string, attrs: Record<string, string> = {}, kids: XmlEl[] = [], ns: string = NS.main): XmlEl {
  const el = doc.createElementNS(ns, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const k of kids) el.appendChild(k);
  return el;
}

/** The child `name` of `parent`, created in its place in the schema's sequence `order` when missing. */
export function ensureChild(doc: XmlDoc, parent: XmlEl, name: string, order: readonly string[]): XmlEl {
  const found = first(parent, name);
  if (found) return found;
  const el = doc.createElementNS(parent.namespaceURI ?? NS.main, name);
  insertInOrder(parent, el, order);
  return el;
}

/** Inserts `el` before the first child that comes after it in the schema's sequence `order`. */
export function insertInOrder(parent: XmlEl, el: XmlEl, order: readonly string[]): void {
  const rank = order.indexOf(el.localName ?? '');
  const next = elements(parent).find((e) => order.indexOf(e.localName ?? '') > rank);
  parent.insertBefore(el, next ?? null);
}

/** Appends `el` to a counted collection (fonts, fills, cellXfs…), updates its count and returns the new index. */
export function appendCounted(coll: XmlEl, el: XmlEl): number {
  coll.appendChild(el);
  const n = children(coll, el.localName!).length;
  coll.setAttribute('count', String(n));
  return n - 1;
}

/** Sets `r:id` (whatever prefix the document bound the relationships namespace to). */
export function setRelId(el: XmlEl, root: XmlEl, id: string): void {
  el.setAttributeNS(NS.rel, `${root.lookupPrefix(NS.rel) ?? 'r'}:id`, id);
}

/** The `r:id` of an element (sheet, legacyDrawing…). */
export function relIdAttr(el: XmlEl): string {
  return el.getAttributeNS(NS.rel, 'id') ?? el.getAttribute('r:id') ?? '';
}
