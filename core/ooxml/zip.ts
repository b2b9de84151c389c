/**
 * The zip container of a package, read within limits: the central directory (what each entry says it is), then each
 * entry inflated as a stream in slices, counting what actually comes out, so an entry that inflates past its declared
 * size (or past the limits) is stopped at once instead of being cut silently. fflate does the inflating; its
 * one-shot unzip trusts the declared sizes, and its streaming unzip relies on local headers that LibreOffice leaves
 * empty (data descriptors), hence this small directory reader. Browser-safe (no Node imports).
 */
import { Inflate } from 'fflate';

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

const u16 = (d: Uint8Array, i: number) => d[i]! | (d[i + 1]! << 8);
const u32 = (d: Uint8Array, i: number) => (d[i]! | (d[i + 1]! << 8) | (d[i + 2]! << 16) | (d[i + 3]! << 24)) >>> 0;

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

/**
 * Inflates one entry in slices; `onChunk` sees the running count of bytes out and may throw to stop. Returns the
 * entry's bytes (stored entries are returned as they are).
 */
export function inflateEntry(data: Uint8Array, entry: ZipEntry, onChunk: (seen: number) => void): Uint8Array {
  const local = entry.offset;
  if (local + 30 > data.length || u32(data, local) !== 0x04034b50) throw new ZipError('local header');
  const start = local + 30 + u16(data, local + 26) + u16(data, local + 28);
  const packed = data.subarray(start, start + entry.compressedSize);
  if (packed.length !== entry.compressedSize) throw new ZipError('truncated');
  if (entry.method === 0) {
    onChunk(packed.length);
    return packed.slice();
  }
  if (entry.method !== 8) throw new ZipError('method');
  const chunks: Uint8Array[] = [];
  let seen = 0;
  let done = false;
  const inflater = new Inflate((chunk, final) => {
    seen += chunk.length;
    onChunk(seen);
    chunks.push(chunk);
    done ||= final;
  });
  // Small slices bound what one push can produce (deflate expands at most ~1,000 times).
  const SLICE = 16 * 1024;
  for (let i = 0; i < packed.length; i += SLICE) inflater.push(packed.subarray(i, i + SLICE), i + SLICE >= packed.length);
  if (packed.length === 0) inflater.push(new Uint8Array(0), true);
  if (!done) throw new ZipError('incomplete');
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(seen);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}
