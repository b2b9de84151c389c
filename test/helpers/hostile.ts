/** Hostile spreadsheets, generated in code from a genuine workbook (never committed), with the refusal each must get. */
import { strToU8, strFromU8, unzipSync, zipSync } from 'fflate';
import { GUARD_MSG } from '../../core/node/workbook/guard';
import { duplicateSheet, lyingPicture, movedSheet, rawEntries, rawZip } from '../../bench/hostile-files';

export type HostileCase = [string, () => Uint8Array, string | RegExp];

function repack(file: Uint8Array, edit: (parts: Record<string, Uint8Array>) => void): Uint8Array {
  const parts = unzipSync(file);
  edit(parts);
  return zipSync(parts);
}

const utf16 = (s: string) => Buffer.from(s, 'utf16le');
const cfb = (stream: string) => Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504), utf16(stream), Buffer.alloc(1024)]);

export function hostileFiles(good: Uint8Array): HostileCase[] {
  return [
  ['zip bomb (one huge entry, ratio ~1000:1)', () => zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'xl/worksheets/sheet1.xml': new Uint8Array(80 * 1024 * 1024).fill(32) }, { level: 9 }), /疑似压缩炸弹|解压后超过/],
  ['zip bomb (many entries)', () => zipSync(Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`xl/media/x${i}.bin`, new Uint8Array(1)]))), '工作簿内部文件过多（3000 个，上限 2000）：文件可能已损坏或含有异常内容'],
  ['XML entity expansion', () => repack(good, (p) => (p['xl/workbook.xml'] = strToU8(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>${strFromU8(p['xl/workbook.xml']!).replace(/^<\?xml[^>]*>/, '')}`))), GUARD_MSG.doctype('xl/workbook.xml')],
  ['external entity', () => repack(good, (p) => (p['xl/sharedStrings.xml'] = strToU8('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><sst><si><t>&xxe;</t></si></sst>'))), GUARD_MSG.doctype('xl/sharedStrings.xml')],
  ['1,048,576-row dimension', () => repack(good, (p) => (p['xl/worksheets/sheet2.xml'] = strToU8(strFromU8(p['xl/worksheets/sheet2.xml']!).replace(/<dimension ref="[^"]+"\/>/, '<dimension ref="A1:XFD1048576"/>')))), GUARD_MSG.dimension('《申报表》', 1048576, 16384)],
  ['200,000 filled rows', () => zipSync({ 'xl/worksheets/sheet1.xml': strToU8(`<worksheet><sheetData>${Array.from({ length: 200_000 }, (_, i) => `<row r="${i + 1}"><c r="A${i + 1}"><v>${(i * 7919) % 100003}</v></c></row>`).join('')}</sheetData></worksheet>`) }), GUARD_MSG.rows('（xl/worksheets/sheet1.xml）', 20000)],
  ['answers sheet moved to xl/sub/sheet3.xml with 30,000 rows', () => movedSheet(good, 30_000), GUARD_MSG.rows('《细则自评》', 20000)],
  ['lying entry: a picture declares 1,000 bytes and inflates to 1 GiB', () => lyingPicture(good), GUARD_MSG.sizeMismatch('xl/media/image1.png')],
  ['lying entry: declares more bytes than it holds', () => rawZip(rawEntries(good).map((e) => (e.name === 'xl/styles.xml' ? { ...e, declaredSize: e.declaredSize + 100 } : e))), GUARD_MSG.sizeMismatch('xl/styles.xml')],
  ['duplicate entry names (达到 in one copy, 未达到 in the other)', () => duplicateSheet(good), GUARD_MSG.duplicate('xl/worksheets/sheet3.xml')],
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
