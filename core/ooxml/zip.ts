/**
 * The zip container of a package, read within limits: the central directory (what each entry says it is,
 * core/ooxml/zip-directory.ts), then each entry inflated as a stream in slices, counting what actually comes out, so
 * an entry that inflates past its declared size (or past the limits) is stopped at once instead of being cut
 * silently. fflate does the inflating; its one-shot unzip trusts the declared sizes, and its streaming unzip relies
 * on local headers that LibreOffice leaves empty (data descriptors), hence the small directory reader. Browser-safe
 * (no Node imports).
 */
import { Inflate } from 'fflate';
import { u16, u32, ZipError, type ZipEntry } from './zip-directory';

export { zipDirectory, ZipError, type ZipEntry } from './zip-directory';

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
