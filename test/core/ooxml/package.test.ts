/**
 * The bounded package reader: the same limits and the same Chinese messages as the guard (one table), checked on the
 * zip directory before anything inflates and on what came out; untouched parts written back byte for byte.
 */
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { Package, PackageError } from '../../../core/ooxml/package';
import { PACKAGE_MSG } from '../../../core/ooxml/package-limits';
import { GUARD_MSG, inspectZip } from '../../../core/node/workbook/guard';
import { withLimits } from '../../../core/limits';
import { zipEntryNames } from '../../helpers/ooxml';

const parts = {
  '[Content_Types].xml': strToU8('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'),
  'xl/workbook.xml': strToU8('<workbook/>'),
  'xl/media/image1.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]),
};

const refusal = (data: Uint8Array, limits = withLimits()) => {
  try {
    Package.read(data, limits);
  } catch (e) {
    expect(e).toBeInstanceOf(PackageError);
    return (e as Error).message;
  }
  throw new Error('not refused');
};

test('the guard and the package reader share one message table', () => {
  for (const [key, message] of Object.entries(PACKAGE_MSG)) expect(GUARD_MSG[key as keyof typeof GUARD_MSG]).toBe(message);
});

test('limits are refused with the guard’s own words, the same as the guard says for the same file', async () => {
  const cases: Array<[Uint8Array, Partial<ReturnType<typeof withLimits>>, string]> = [
    [zipSync(parts), { uploadBytes: 100 }, PACKAGE_MSG.tooLarge(zipSync(parts).length, 100)],
    [zipSync(parts), { zipEntries: 2 }, PACKAGE_MSG.entries(3, 2)],
    [zipSync({ ...parts, 'xl/big.bin': new Uint8Array(5000) }), { entryBytes: 4000 }, PACKAGE_MSG.bomb('xl/big.bin')],
    [zipSync({ ...parts, 'xl/a.bin': new Uint8Array(3000), 'xl/b.bin': new Uint8Array(3000) }), { totalBytes: 5000 }, PACKAGE_MSG.expanded(5000)],
    [zipSync({ ...parts, 'xl/big.bin': new Uint8Array(3 * 1024 * 1024) }, { level: 9 }), {}, PACKAGE_MSG.bomb('xl/big.bin')],
    [zipSync({ ...parts, 'XL/Workbook.xml': strToU8('<other/>') }), {}, PACKAGE_MSG.duplicate('XL/Workbook.xml')],
    [new Uint8Array([0x50, 0x4b, 3, 4, 9, 9, 9]), {}, PACKAGE_MSG.corrupt],
  ];
  for (const [data, limits, message] of cases) {
    expect(refusal(data, withLimits(limits))).toBe(message);
    if (limits.uploadBytes === undefined && limits.zipEntries === undefined) expect(await inspectZip(data, withLimits(limits))).toBe(message);
  }
});

test('entry names that leave the package and sizes that lie are refused', () => {
  const evil = zipSync({ ...parts, 'xl/x.xml': strToU8('<x/>') });
  // Rename the entry to ../x.xml in both headers (same length).
  const bytes = Buffer.from(evil);
  for (let i = bytes.indexOf('xl/x.xml'); i >= 0; i = bytes.indexOf('xl/x.xml', i + 1)) bytes.write('../x.xml', i, 'latin1');
  expect(refusal(new Uint8Array(bytes))).toBe(PACKAGE_MSG.entryName('../x.xml'));
  // The directory says 9,000 bytes; 5,000 come out.
  const lying = Buffer.from(zipSync({ ...parts, 'xl/a.xml': strToU8('x'.repeat(5000)) }));
  const cd = lying.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), lying.indexOf('xl/a.xml') + 8);
  const entry = lying.indexOf('xl/a.xml', cd) - 46;
  lying.writeUInt32LE(9000, entry + 24);
  lying.writeUInt32LE(9000, lying.lastIndexOf(Buffer.from([0x50, 0x4b, 0x03, 0x04]), lying.indexOf('xl/a.xml')) + 22);
  expect(refusal(new Uint8Array(lying))).toBe(PACKAGE_MSG.sizeMismatch('xl/a.xml'));
});

test('parts: missing or broken XML are refused by name; what is not changed is written back byte for byte', () => {
  const withFolder = zipSync({ 'xl/': new Uint8Array(0), ...parts, 'xl/broken.xml': strToU8('<a><b></a>') });
  const pkg = Package.read(withFolder, withLimits());
  expect(() => pkg.xml('xl/none.xml')).toThrow(PACKAGE_MSG.partMissing('xl/none.xml'));
  expect(() => pkg.xml('xl/broken.xml')).toThrow(PACKAGE_MSG.partInvalid('xl/broken.xml'));
  const doc = pkg.xml('xl/workbook.xml');
  expect(pkg.xml('xl/workbook.xml')).toBe(doc);
  doc.documentElement!.setAttribute('changed', '1');
  pkg.saveXml('xl/workbook.xml', doc);
  expect(pkg.unused((n) => `xl/media/image${n}.png`)).toBe(2);
  pkg.set('xl/new.xml', strToU8('<new/>'));
  const out = pkg.write();
  const back = unzipSync(out);
  expect(zipEntryNames(out)).toEqual(['[Content_Types].xml', 'xl/workbook.xml', 'xl/media/image1.png', 'xl/broken.xml', 'xl/new.xml']);
  expect(back['xl/media/image1.png']).toEqual(parts['xl/media/image1.png']);
  expect(strFromU8(back['xl/broken.xml']!)).toBe('<a><b></a>');
  expect(strFromU8(back['xl/workbook.xml']!)).toBe('<workbook changed="1"/>');
});
