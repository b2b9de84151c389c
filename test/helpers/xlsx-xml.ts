/** Reads an xlsx's parts directly (fflate + a real XML parser), to check what the file itself says. */
import { strFromU8, unzipSync } from 'fflate';
import { DOMParser } from '@xmldom/xmldom';

export function parts(file: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(file);
}

export function xml(file: Uint8Array | Record<string, Uint8Array>, part: string): Document {
  const all = file instanceof Uint8Array ? parts(file) : file;
  const bytes = all[part];
  if (!bytes) throw new Error(`no part ${part}`);
  return new DOMParser().parseFromString(strFromU8(bytes), 'text/xml') as unknown as Document;
}

/** Part name of a worksheet by its sheet name. */
export function sheetPart(file: Uint8Array | Record<string, Uint8Array>, sheetName: string): string {
  const all = file instanceof Uint8Array ? parts(file) : file;
  const wb = xml(all, 'xl/workbook.xml');
  const sheet = Array.from(wb.getElementsByTagName('sheet')).find((s) => s.getAttribute('name') === sheetName);
  if (!sheet) throw new Error(`no sheet ${sheetName}`);
  const rid = sheet.getAttribute('r:id');
  const rels = xml(all, 'xl/_rels/workbook.xml.rels');
  const target = Array.from(rels.getElementsByTagName('Relationship')).find((r) => r.getAttribute('Id') === rid)!.getAttribute('Target')!;
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

/** Cached value of every cell of a sheet (numbers as numbers, strings as text, shared strings resolved). */
export function sheetValues(file: Uint8Array, sheetName: string): Map<string, string | number> {
  const all = parts(file);
  const shared = all['xl/sharedStrings.xml'] ? Array.from(xml(all, 'xl/sharedStrings.xml').getElementsByTagName('si')).map((si) => si.textContent ?? '') : [];
  const doc = xml(all, sheetPart(all, sheetName));
  const out = new Map<string, string | number>();
  for (const c of Array.from(doc.getElementsByTagName('c'))) {
    const t = c.getAttribute('t');
    const v = c.getElementsByTagName('v')[0]?.textContent ?? null;
    const inline = c.getElementsByTagName('is')[0]?.textContent ?? null;
    const r = c.getAttribute('r')!;
    if (t === 's' && v !== null) out.set(r, shared[Number(v)] ?? '');
    else if (t === 'inlineStr') out.set(r, inline ?? '');
    else if (t === 'str' || t === 'e') out.set(r, v ?? '');
    else if (t === 'b') out.set(r, v === '1' ? 'TRUE' : 'FALSE');
    else if (v !== null && v !== '') out.set(r, Number(v));
  }
  return out;
}

/** Every formula (<f>) in every worksheet part. */
export function formulas(file: Uint8Array): Array<{ part: string; cell: string; formula: string }> {
  const all = parts(file);
  return Object.keys(all)
    .filter((p) => /^xl\/worksheets\/[^/]+\.xml$/.test(p))
    .flatMap((p) => Array.from(xml(all, p).getElementsByTagName('f')).map((f) => ({ part: p, cell: (f.parentNode as Element).getAttribute('r') ?? '', formula: f.textContent ?? '' })));
}
