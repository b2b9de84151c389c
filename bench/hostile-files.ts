/**
 * Hostile inputs of issue 13, generated in code from a genuine workbook (never committed): zips written byte by byte
 * (lying sizes, duplicate names), defined names pointing at the wrong place, sheets stored elsewhere, oversized
 * rosters. Used by `npm run bench:hostile` and by the tests (test/helpers/hostile.ts).
 */
import zlib from 'node:zlib';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { colLetter } from '../core/ooxml/address';

export type Parts = Record<string, Uint8Array>;

export function repack(file: Uint8Array, edit: (parts: Parts) => void): Uint8Array {
  const parts = unzipSync(file);
  edit(parts);
  return zipSync(parts);
}

export interface RawEntry {
  name: string;
  /** The bytes as stored (deflated when `deflated`). */
  stored: Uint8Array;
  deflated: boolean;
  /** What the directory claims the entry inflates to. */
  declaredSize: number;
  crc: number;
}

/** A zip written byte by byte, so it can say what a well-behaved writer never would (sizes, duplicate names). */
export function rawZip(entries: RawEntry[]): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(e.deflated ? 8 : 0, 8);
    local.writeUInt32LE(e.crc >>> 0, 14);
    local.writeUInt32LE(e.stored.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(e.deflated ? 8 : 0, 10);
    central.writeUInt32LE(e.crc >>> 0, 16);
    central.writeUInt32LE(e.stored.length, 20);
    central.writeUInt32LE(e.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(e.stored));
    centrals.push(central, name);
    offset += 30 + name.length + e.stored.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, dir, end]));
}

/** Every part of a genuine workbook as raw entries (deflated, truthful), to be edited before rawZip. */
export function rawEntries(file: Uint8Array): RawEntry[] {
  return Object.entries(unzipSync(file))
    .filter(([name]) => !name.endsWith('/'))
    .map(([name, bytes]) => ({ name, stored: zlib.deflateRawSync(bytes), deflated: true, declaredSize: bytes.length, crc: zlib.crc32(bytes) }));
}

/** `size` zero bytes as a raw deflate stream, built from repeated 1 MiB sync-flushed blocks (about 1 KB per MiB). */
export function zerosDeflated(size: number): Uint8Array {
  const mib = 1024 * 1024;
  const block = zlib.deflateRawSync(Buffer.alloc(mib), { finishFlush: zlib.constants.Z_SYNC_FLUSH, level: 9 });
  return new Uint8Array(Buffer.concat([...Array.from({ length: Math.ceil(size / mib) }, () => block), Buffer.from([0x03, 0x00])]));
}

/** Part name of a worksheet by its sheet name (workbook.xml + its relationships). */
export function sheetPartOf(parts: Parts, sheetName: string): string {
  const wb = strFromU8(parts['xl/workbook.xml']!);
  const rid = new RegExp(`<sheet [^>]*name="${sheetName}"[^>]*r:id="([^"]+)"`).exec(wb)?.[1];
  const rels = strFromU8(parts['xl/_rels/workbook.xml.rels']!);
  const target = new RegExp(`<Relationship [^>]*Id="${rid}"[^>]*Target="([^"]+)"`).exec(rels)?.[1] ?? new RegExp(`<Relationship [^>]*Target="([^"]+)"[^>]*Id="${rid}"`).exec(rels)?.[1];
  if (!rid || !target) throw new Error(`no sheet ${sheetName}`);
  return target.startsWith('/') ? target.slice(1) : `xl/${target}`;
}

const text = (p: Parts, part: string) => strFromU8(p[part]!);
const put = (p: Parts, part: string, xml: string) => (p[part] = strToU8(xml));

export function setName(p: Parts, name: string, ref: string): void {
  const before = text(p, 'xl/workbook.xml');
  const after = before.replace(new RegExp(`(<definedName name="${name}">)[^<]*(</definedName>)`), (_m, open: string, close: string) => `${open}${ref.replace(/'/g, '&apos;')}${close}`);
  if (after === before) throw new Error(`no name ${name}`);
  put(p, 'xl/workbook.xml', after);
}

/** Replaces (or adds, at the end of its row) one cell of a sheet part. */
export function setCell(p: Parts, part: string, ref: string, xml: string): void {
  const before = text(p, part);
  let after = before.replace(new RegExp(`<c r="${ref}"[^>]*?(?:/>|>.*?</c>)`), () => xml);
  if (after === before) {
    const row = /\d+$/.exec(ref)![0];
    after = before.replace(new RegExp(`(<row r="${row}"[^>]*>.*?)(</row>)`), (_m, body: string, close: string) => `${body}${xml}${close}`);
    if (after === before) after = before.replace('</sheetData>', () => `<row r="${row}">${xml}</row></sheetData>`);
  }
  put(p, part, after);
}

/** A sheet part with `rows` more rows appended from row 100 (one number each), its dimension removed. */
export function withManyRows(xml: string, rows: number): string {
  const extra: string[] = [];
  for (let i = 0; i < rows; i++) extra.push(`<row r="${i + 100}"><c r="A${i + 100}"><v>${i}</v></c></row>`);
  return xml.replace(/<dimension ref="[^"]+"\/>/, '').replace('</sheetData>', () => `${extra.join('')}</sheetData>`);
}

/** Case 2: one ~1 MB shared string referenced from `cells` cells of the criterion-ID column (A4 down). */
export function echoAmplifier(good: Uint8Array, cells = 180): Uint8Array {
  return repack(good, (p) => {
    const sst = text(p, 'xl/sharedStrings.xml');
    const index = (sst.match(/<si>/g) ?? []).length;
    // Varied text (seeded), so it compresses like real text rather than like a bomb.
    let seed = 42;
    const chars: string[] = [];
    for (let i = 0; i < 350_000; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      chars.push(String.fromCharCode(0x4e00 + (seed >>> 8) % 0x5000));
    }
    put(p, 'xl/sharedStrings.xml', sst.replace('</sst>', () => `<si><t>${chars.join('')}</t></si></sst>`));
    const part = sheetPartOf(p, '细则自评');
    for (let row = 4; row < 4 + cells; row++) setCell(p, part, `A${row}`, `<c r="A${row}" t="s"><v>${index}</v></c>`);
  });
}

/** A unit workbook whose shared-string part carries `mb` MB of varied text nobody reads (within every limit). */
export function hugeSharedStrings(good: Uint8Array, mb: number): Uint8Array {
  return repack(good, (p) => {
    const sst = text(p, 'xl/sharedStrings.xml');
    let seed = 7;
    const items: string[] = [];
    let size = 0;
    while (size < mb * 1024 * 1024) {
      let t = '';
      for (let i = 0; i < 200; i++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        t += String.fromCharCode(0x4e00 + ((seed >>> 8) % 0x5000));
      }
      items.push(`<si><t>${t}</t></si>`);
      size += 615;
    }
    put(p, 'xl/sharedStrings.xml', sst.replace('</sst>', () => `${items.join('')}</sst>`));
  });
}

/** Cases 3 and 4: rs_answers redefined over another area. */
export function redefinedAnswers(good: Uint8Array, ref: string): Uint8Array {
  return repack(good, (p) => setName(p, 'rs_answers', ref));
}

/** Case 5: a picture that declares 1,000 bytes and inflates to `size`. */
export function lyingPicture(good: Uint8Array, size = 1024 ** 3): Uint8Array {
  return rawZip([...rawEntries(good), { name: 'xl/media/image1.png', stored: zerosDeflated(size), deflated: true, declaredSize: 1000, crc: 0 }]);
}

/** Case 6: the answers sheet twice, 达到 in the first copy and 未达到 in the second (cell E4 = A01-1, project 1). */
export function duplicateSheet(good: Uint8Array): Uint8Array {
  const entries = rawEntries(good);
  const sheet = sheetPartOf(unzipSync(good), '细则自评');
  const first = entries.find((e) => e.name === sheet)!;
  const xml = zlib.inflateRawSync(first.stored).toString('utf8').replace(/(<c r="E4"[^>]*?)(?: t="s")?(?:\/>|>.*?<\/c>)/, '$1 t="inlineStr"><is><t>未达到</t></is></c>');
  const other = Buffer.from(xml);
  return rawZip([...entries, { name: sheet, stored: zlib.deflateRawSync(other), deflated: true, declaredSize: other.length, crc: zlib.crc32(other) }]);
}

/** Case 7: the answers sheet moved to xl/sub/sheet3.xml with `rows` extra rows. */
export function movedSheet(good: Uint8Array, rows = 250_000): Uint8Array {
  return repack(good, (p) => {
    const part = sheetPartOf(p, '细则自评');
    p['xl/sub/sheet3.xml'] = strToU8(withManyRows(text(p, part), rows));
    delete p[part];
    put(p, 'xl/_rels/workbook.xml.rels', text(p, 'xl/_rels/workbook.xml.rels').replace(`Target="${part.slice(3)}"`, 'Target="sub/sheet3.xml"'));
  });
}

/** Case 13: A01-1 as an inline string with phonetic runs, A01-2 as t="s" with an empty <v>. */
export function phoneticAndEmpty(good: Uint8Array): Uint8Array {
  return repack(good, (p) => {
    const part = sheetPartOf(p, '细则自评');
    setCell(p, part, 'E4', '<c r="E4" t="inlineStr"><is><t>达到</t><rPh sb="0" eb="2"><t>DA</t></rPh></is></c>');
    setCell(p, part, 'E5', '<c r="E5" t="s"><v></v></c>');
  });
}


/** A workbook of `rows` × `cols` numbers under a roster header, written as raw parts (fast, a few MB zipped). */
export function bigGridWorkbook(rows: number, cols: number, header: string[]): Uint8Array {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'];
  out.push(`<row r="1">${header.map((h, i) => `<c r="${colLetter(i + 1)}1" t="inlineStr"><is><t>${h}</t></is></c>`).join('')}</row>`);
  for (let r = 2; r <= rows + 1; r++) {
    let row = `<row r="${r}"><c r="A${r}" t="inlineStr"><is><t>单位${r}</t></is></c><c r="B${r}" t="inlineStr"><is><t>东河区</t></is></c>`;
    // Filler cells without their optional r attribute (a few MB zipped, like the issue's 5 MB roster).
    // Under a 电话 header a phone (a roster checks its phones), elsewhere one digit.
    for (let c = 2; c < cols; c++) row += `<c><v>${c === 3 && header[3] === '电话' ? 13912345678 : (r + c) % 10}</v></c>`;
    out.push(`${row}</row>`);
  }
  out.push('</sheetData></worksheet>');
  return zipSync({
    '[Content_Types].xml': strToU8('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'),
    '_rels/.rels': strToU8('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
    'xl/workbook.xml': strToU8('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'),
    'xl/_rels/workbook.xml.rels': strToU8('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'),
    'xl/worksheets/sheet1.xml': strToU8(out.join('')),
  }, { level: 6 });
}

/** A CSV roster of `rows` lines × `cols` columns (about 4.8 MB for 20,000 × 60). */
export function bigCsv(rows: number, cols: number): Uint8Array {
  const lines = [['单位名称', '旗县区', '联系人', '电话', ...Array.from({ length: cols - 4 }, (_, i) => `备注${i + 1}`)].join(',')];
  for (let r = 0; r < rows; r++) lines.push([`单位${r}`, '东河区', '李', '13912345678', ...Array.from({ length: cols - 4 }, (_, c) => String((r * 7 + c) % 100))].join(','));
  return strToU8(lines.join('\n'));
}
