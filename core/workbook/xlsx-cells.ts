/**
 * A fast cell source for unit workbooks: inflates only the parts the contract needs (workbook, shared strings and
 * the data sheets) and reads their cells with a streaming XML parser (saxes), instead of building exceljs's whole
 * model. Feeds the same assembler as every other reader. Values only: a cell with <f> is marked as a formula.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { SaxesParser } from 'saxes';
import type { RawCell } from './cells';

export interface XlsxBook {
  sheetNames: string[];
  definedNames: Map<string, string>;
  /** Cells of one sheet (address → raw cell), read on first use. */
  sheet(name: string): Map<string, RawCell> | undefined;
}

function parseXml(xml: string, onOpen: (name: string, attrs: Record<string, string>) => void, onText: (text: string) => void, onClose: (name: string) => void): void {
  const parser = new SaxesParser({ xmlns: false });
  parser.on('opentag', (tag) => onOpen(localName(tag.name), tag.attributes as Record<string, string>));
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', (tag) => onClose(localName(tag.name)));
  parser.write(xml).close();
}

const localName = (name: string) => {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
};

function sharedStrings(xml: string | undefined): string[] {
  if (!xml) return [];
  const out: string[] = [];
  let current = '';
  let inT = false;
  let inPhonetic = false;
  parseXml(
    xml,
    (name) => {
      if (name === 'si') current = '';
      else if (name === 't') inT = true;
      else if (name === 'rPh') inPhonetic = true;
    },
    (text) => {
      if (inT && !inPhonetic) current += text;
    },
    (name) => {
      if (name === 't') inT = false;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'si') out.push(current);
    },
  );
  return out;
}

function readSheet(xml: string, strings: string[]): Map<string, RawCell> {
  const cells = new Map<string, RawCell>();
  let ref = '';
  let type = '';
  let value = '';
  let inline = '';
  let hasFormula = false;
  let where: 'v' | 't' | '' = '';
  parseXml(
    xml,
    (name, attrs) => {
      if (name === 'c') {
        ref = attrs.r ?? '';
        type = attrs.t ?? 'n';
        value = '';
        inline = '';
        hasFormula = false;
      } else if (name === 'f') hasFormula = true;
      else if (name === 'v') where = 'v';
      else if (name === 't') where = 't';
    },
    (text) => {
      if (where === 'v') value += text;
      else if (where === 't') inline += text;
    },
    (name) => {
      if (name === 'v' || name === 't') where = '';
      else if (name === 'c' && ref) {
        if (hasFormula) cells.set(ref, { value: null, formula: true });
        else if (type === 's') cells.set(ref, { value: strings[Number(value)] ?? '' });
        else if (type === 'inlineStr') cells.set(ref, { value: inline });
        else if (type === 'str') cells.set(ref, { value });
        else if (type === 'b') cells.set(ref, { value: value === '1' });
        else if (type === 'e') cells.set(ref, { value: null });
        else if (type === 'd') cells.set(ref, { value: value ? new Date(value) : null });
        else if (value !== '') cells.set(ref, { value: Number(value) });
      }
    },
  );
  return cells;
}

/** Opens an xlsx already checked by the guard. Returns undefined when it is not a zip with a workbook part. */
export function openXlsx(data: Uint8Array): XlsxBook | undefined {
  // Inflate lazily: the workbook parts now, each sheet (and the shared strings) only when it is read.
  const inflate = (names: string[]): Record<string, Uint8Array> | undefined => {
    try {
      return unzipSync(data, { filter: (f) => names.includes(f.name) });
    } catch {
      return undefined;
    }
  };
  const parts = inflate(['xl/workbook.xml', 'xl/_rels/workbook.xml.rels']);
  if (!parts) return undefined;
  const workbook = parts['xl/workbook.xml'];
  const rels = parts['xl/_rels/workbook.xml.rels'];
  if (!workbook || !rels) return undefined;
  const targets = new Map<string, string>();
  parseXml(strFromU8(rels), (name, a) => {
    if (name === 'Relationship' && a.Id && a.Target) targets.set(a.Id, a.Target.startsWith('/') ? a.Target.slice(1) : `xl/${a.Target.replace(/^\.\//, '')}`);
  }, () => undefined, () => undefined);
  const sheetParts = new Map<string, string>();
  const definedNames = new Map<string, string>();
  let nameKey: string | undefined;
  let nameText = '';
  parseXml(
    strFromU8(workbook),
    (name, a) => {
      if (name === 'sheet') {
        const rid = a['r:id'] ?? Object.entries(a).find(([k]) => k.endsWith(':id'))?.[1];
        const target = rid ? targets.get(rid) : undefined;
        if (a.name && target) sheetParts.set(a.name, target);
      } else if (name === 'definedName' && a.localSheetId === undefined) {
        nameKey = a.name;
        nameText = '';
      }
    },
    (text) => {
      if (nameKey) nameText += text;
    },
    (name) => {
      if (name === 'definedName' && nameKey) {
        definedNames.set(nameKey, nameText);
        nameKey = undefined;
      }
    },
  );
  let strings: string[] | undefined;
  const cache = new Map<string, Map<string, RawCell>>();
  return {
    sheetNames: [...sheetParts.keys()],
    definedNames,
    sheet(name) {
      const cached = cache.get(name);
      if (cached) return cached;
      const part = sheetParts.get(name);
      const got = part ? inflate(strings ? [part] : [part, 'xl/sharedStrings.xml']) : undefined;
      const bytes = part ? got?.[part] : undefined;
      if (!bytes || !got) return undefined;
      strings ??= sharedStrings(got['xl/sharedStrings.xml'] ? strFromU8(got['xl/sharedStrings.xml']) : undefined);
      const cells = readSheet(strFromU8(bytes), strings);
      cache.set(name, cells);
      return cells;
    },
  };
}
