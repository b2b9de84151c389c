/** Hostile spreadsheets, generated in code from a genuine workbook (never committed), with the refusal each must get. */
import zlib from 'node:zlib';
import { strToU8, strFromU8, unzipSync, zipSync } from 'fflate';
import { GUARD_MSG } from '../../core/workbook/guard';
import { sheetPart } from './xlsx-xml';

export type HostileCase = [string, () => Uint8Array, string | RegExp];

function repack(file: Uint8Array, edit: (parts: Record<string, Uint8Array>) => void): Uint8Array {
  const parts = unzipSync(file);
  edit(parts);
  return zipSync(parts);
}

const utf16 = (s: string) => Buffer.from(s, 'utf16le');
const cfb = (stream: string) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504), utf16(stream), Buffer.alloc(1024)]);

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

/** The 细则自评 part of a workbook with `rows` extra rows appended (each with one cell). */
function manyRows(xml: string, rows: number): string {
  const extra = Array.from({ length: rows }, (_, i) => `<row r="${i + 100}"><c r="A${i + 100}"><v>${i}</v></c></row>`).join('');
  return xml.replace(/<dimension ref="[^"]+"\/>/, '').replace('</sheetData>', `${extra}</sheetData>`);
}

export function hostileFiles(good: Uint8Array): HostileCase[] {
  return [
  ['zip bomb (one huge entry, ratio ~1000:1)', () => zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'xl/worksheets/sheet1.xml': new Uint8Array(80 * 1024 * 1024).fill(32) }, { level: 9 }), /疑似压缩炸弹|解压后超过/],
  ['zip bomb (many entries)', () => zipSync(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`xl/media/x${i}.bin`, new Uint8Array(1)]))), '工作簿内部文件过多（3000 个，上限 2000）：文件可能已损坏或含有异常内容'],
  ['XML entity expansion', () => repack(good, (p) => (p['xl/workbook.xml'] = strToU8(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>${strFromU8(p['xl/workbook.xml']!).replace(/^<\?xml[^>]*>/, '')}`))), GUARD_MSG.doctype('xl/workbook.xml')],
  ['external entity', () => repack(good, (p) => (p['xl/sharedStrings.xml'] = strToU8('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><sst><si><t>&xxe;</t></si></sst>'))), GUARD_MSG.doctype('xl/sharedStrings.xml')],
  ['1,048,576-row dimension', () => repack(good, (p) => (p['xl/worksheets/sheet2.xml'] = strToU8(strFromU8(p['xl/worksheets/sheet2.xml']!).replace(/<dimension ref="[^"]+"\/>/, '<dimension ref="A1:XFD1048576"/>')))), GUARD_MSG.dimension('《申报表》', 1048576, 16384)],
  ['200,000 filled rows', () => zipSync({ 'xl/worksheets/sheet1.xml': strToU8(`<worksheet><sheetData>${Array.from({ length: 200_000 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${(i * 7919) % 100003}</v></c></row>`).join('')}</sheetData></worksheet>`) }), GUARD_MSG.rows('（xl/worksheets/sheet1.xml）', 20000)],
  ['answers sheet moved to xl/sub/sheet3.xml with 30,000 rows', () => repack(good, (p) => {
    const part = sheetPart(p, '细则自评');
    p['xl/sub/sheet3.xml'] = strToU8(manyRows(strFromU8(p[part]!), 30_000));
    delete p[part];
    p['xl/_rels/workbook.xml.rels'] = strToU8(strFromU8(p['xl/_rels/workbook.xml.rels']!).replace(`Target="${part.slice(3)}"`, 'Target="sub/sheet3.xml"'));
  }), GUARD_MSG.rows('《细则自评》', 20000)],
  ['lying entry: a picture declares 1,000 bytes and inflates to 1 GiB', () => rawZip([...rawEntries(good), { name: 'xl/media/image1.png', stored: zerosDeflated(1024 ** 3), deflated: true, declaredSize: 1000, crc: 0 }]), GUARD_MSG.sizeMismatch('xl/media/image1.png')],
  ['lying entry: declares more bytes than it holds', () => rawZip(rawEntries(good).map((e) => (e.name === 'xl/styles.xml' ? { ...e, declaredSize: e.declaredSize + 100 } : e))), GUARD_MSG.sizeMismatch('xl/styles.xml')],
  ['duplicate entry names (达到 in one copy, 未达到 in the other)', () => {
    const entries = rawEntries(good);
    const sheet = sheetPart(unzipSync(good), '细则自评');
    const first = entries.find((e) => e.name === sheet)!;
    const xml = zlib.inflateRawSync(first.stored).toString('utf8').replace(/(<c r="E4"[^>]*?)(?:\/>|>.*?<\/c>)/, '$1 t="inlineStr"><is><t>未达到</t></is></c>');
    const other = Buffer.from(xml);
    return rawZip([...entries, { name: sheet, stored: zlib.deflateRawSync(other), deflated: true, declaredSize: other.length, crc: zlib.crc32(other) }]);
  }, GUARD_MSG.duplicate('xl/worksheets/sheet3.xml')],
  ['duplicate entry names differing only in case', () => repack(good, (p) => (p['XL/Styles.xml'] = p['xl/styles.xml']!)), /^工作簿中有两份同名的内容“(xl\/styles\.xml|XL\/Styles\.xml)”/],
  ['path traversal entry', () => zipSync({ '../../etc/cron.d/x': strToU8('x') }), GUARD_MSG.entryName('../../etc/cron.d/x')],
  ['truncated zip', () => good.subarray(0, Math.floor(good.length / 2)), GUARD_MSG.corrupt],
  ['random bytes named .xlsx', () => Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 251), GUARD_MSG.unknown],
  ['PDF named .xlsx', () => strToU8('%PDF-1.7\n1 0 obj<<>>endobj\n'), GUARD_MSG.pdf],
  ['password-protected workbook (CFB EncryptedPackage)', () => cfb('EncryptionInfo'), GUARD_MSG.encrypted],
  ['legacy .xls (CFB Workbook stream)', () => cfb('Workbook'), GUARD_MSG.xls],
  ['empty file', () => new Uint8Array(0), GUARD_MSG.empty],
  ['too large', () => new Uint8Array(21 * 1024 * 1024), /文件过大（21.0 MB），上限为 20.0 MB/],
];
}

export const HOSTILE_NAMES = hostileFiles(new Uint8Array(0)).map((c) => c[0]);
