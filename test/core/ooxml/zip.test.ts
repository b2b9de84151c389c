/**
 * The zip reader under the package reader: directory entries as declared, stored and deflated entries inflated as
 * they really are, and sizes that lie caught either way, with the guard's own verdict on the same bytes.
 * (Entries with data descriptors, as LibreOffice writes them, are covered by annotate.test.ts's LibreOffice case.)
 */
import { strFromU8, strToU8, zipSync } from 'fflate';
import { inflateEntry, zipDirectory, ZipError } from '../../../core/ooxml/zip';
import { Package, PackageError } from '../../../core/ooxml/package';
import { PACKAGE_MSG } from '../../../core/ooxml/package-limits';
import { inspectZip } from '../../../core/node/workbook/guard';
import { withLimits } from '../../../core/limits';

const text = 'x'.repeat(5000);

/** Rewrites the declared uncompressed size of `name` in the local header and the directory. */
function declare(zip: Uint8Array, name: string, size: number): Uint8Array {
  const b = Buffer.from(zip);
  const local = b.lastIndexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), b.indexOf(name));
  b.writeUInt32LE(size, local + 22);
  const central = b.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  b.writeUInt32LE(size, b.indexOf(name, central) - 46 + 24);
  return new Uint8Array(b);
}

test('the directory as declared; stored and deflated entries come out whole', () => {
  const zip = zipSync({ 'a.xml': strToU8(text), 'media/b.bin': [new Uint8Array([1, 2, 3]), { level: 0 }], '中文.xml': strToU8('<x/>') });
  const entries = zipDirectory(zip);
  expect(entries.map((e) => [e.name, e.method, e.size])).toEqual([['a.xml', 8, 5000], ['media/b.bin', 0, 3], ['中文.xml', 8, 4]]);
  const seen: number[] = [];
  expect(strFromU8(inflateEntry(zip, entries[0]!, (n) => seen.push(n)))).toBe(text);
  expect(seen.at(-1)).toBe(5000);
  expect(inflateEntry(zip, entries[1]!, () => undefined)).toEqual(new Uint8Array([1, 2, 3]));
  expect(() => zipDirectory(zip.subarray(0, zip.length - 10))).toThrow(ZipError);
  expect(() => zipDirectory(new Uint8Array(100))).toThrow(ZipError);
});

test('an entry that inflates past its declared size is stopped at the first slice past it, as the guard stops it', async () => {
  const zip = declare(zipSync({ '[Content_Types].xml': strToU8('<Types/>'), 'xl/a.xml': strToU8(text) }), 'xl/a.xml', 100);
  expect(() => Package.read(zip, withLimits())).toThrow(new PackageError(PACKAGE_MSG.sizeMismatch('xl/a.xml')));
  expect(await inspectZip(zip)).toBe(PACKAGE_MSG.sizeMismatch('xl/a.xml'));
  // A stream that stops early, and one that claims more than it has.
  const cut = declare(zipSync({ 'xl/a.xml': strToU8(text) }), 'xl/a.xml', 9000);
  expect(() => Package.read(cut, withLimits())).toThrow(PACKAGE_MSG.sizeMismatch('xl/a.xml'));
  expect(await inspectZip(cut)).toBe(PACKAGE_MSG.sizeMismatch('xl/a.xml'));
});

test('declared sizes over the limits are refused before anything inflates', () => {
  const big = zipSync({ 'xl/a.bin': new Uint8Array(200_000), 'xl/b.bin': new Uint8Array(200_000) });
  expect(() => Package.read(big, withLimits({ totalBytes: 300_000, entryBytes: 250_000 }))).toThrow(PACKAGE_MSG.expanded(300_000));
});
