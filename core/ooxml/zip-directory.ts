/**
 * The central directory of a package's zip container: what each entry says it is (name, method, sizes, where it
 * starts), read without inflating anything. core/ooxml/zip.ts inflates the entries; a caller that only needs the
 * declared sizes (core/node/workbook/local.ts) reads this module alone, so fflate is not even initialised.
 * Browser-safe (no imports).
 */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** Uncompressed size as the directory declares it. */
  size: number;
  /** Offset of the entry's local header. */
  offset: number;
}

/** The container is not a readable zip (or uses what a workbook never needs: zip64, encryption, other methods). */
export class ZipError extends Error {}

/** Little-endian integers of the zip's records. */
export const u16 = (d: Uint8Array, i: number) => d[i]! | (d[i + 1]! << 8);
export const u32 = (d: Uint8Array, i: number) => (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;

/** The central directory's entries, in directory order. */
export function zipDirectory(data: Uint8Array): ZipEntry[] {
  // The end-of-central-directory record: 22 bytes plus a comment of at most 65,535 bytes, at the very end.
  let end = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 0xffff); i--) {
    if (u32(data, i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipError('no directory');
  const count = u16(data, end + 10);
  let at = u32(data, end + 16);
  if (count === 0xffff || at === 0xffffffff) throw new ZipError('zip64');
  const names = new TextDecoder('utf-8');
  const latin = new TextDecoder('latin1');
  const entries: ZipEntry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > data.length || u32(data, at) !== 0x02014b50) throw new ZipError('directory');
    const flags = u16(data, at + 8);
    const nameLength = u16(data, at + 28);
    const raw = data.subarray(at + 46, at + 46 + nameLength);
    const entry = {
      name: flags & 0x800 ? names.decode(raw) : latin.decode(raw),
      method: u16(data, at + 10),
      compressedSize: u32(data, at + 20),
      size: u32(data, at + 24),
      offset: u32(data, at + 42),
    };
    if (flags & 1) throw new ZipError('encrypted');
    if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.offset === 0xffffffff) throw new ZipError('zip64');
    entries.push(entry);
    at += 46 + nameLength + u16(data, at + 30) + u16(data, at + 32);
  }
  return entries;
}
