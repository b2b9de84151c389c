/**
 * What an uploaded 佐证 file is and what may leave the server. The type comes from the bytes (core/evidence.ts);
 * images are checked before they are decoded (declared pixels against the limit: a decompression bomb declares far
 * more than any camera) and then fully decoded once to make the thumbnail, which also proves the file is complete.
 * All image work runs in sharp (libvips on the libuv thread pool, never on the event loop), at most
 * `evidenceJobs` images at a time and each with a time limit, so hostile images cannot crash or stall the server.
 * Exported copies of photos are re-encoded without metadata (no GPS position), keeping only the capture time.
 */
import fs from 'node:fs';
import sharp from 'sharp';
import exifr from 'exifr';
import yauzl from 'yauzl';
import type { Limits } from '../core/limits';
import { classifyCfb, classifyZip, exifDateTime, EVIDENCE_MSG, isImageKind, sniffEvidence, type EvidenceKind } from '../core/evidence';

// A server holds no decoded images between requests: libvips' operation cache would keep them.
sharp.cache(false);

export interface Inspected {
  kind: EvidenceKind;
  width?: number;
  height?: number;
  /** EXIF DateTimeOriginal (camera wall clock, "2024-05-20 10:31:00"). */
  capturedAt?: string;
  /** The original carries a GPS position (never exported). */
  hadGps: boolean;
  thumb?: Buffer;
}

/** A file that cannot be evidence; `code` says how the API answers (415 wrong type, 413 too large, 422 bad image). */
export class Refused extends Error {
  constructor(
    message: string,
    readonly code: 'UNSUPPORTED' | 'TOO_LARGE' | 'INVALID' = 'UNSUPPORTED',
  ) {
    super(message);
  }
}

export const THUMB_PX = 320;

/** At most `n` tasks at once; the rest wait in order. */
export class Gate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly n: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.n) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

function zipEntries(file: string, max: number, name: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: false }, (err, zip) => {
      if (err || !zip) return reject(new Refused(EVIDENCE_MSG.unknown(name)));
      const names: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => {
        names.push(e.fileName);
        if (names.length > max) {
          zip.close();
          return reject(new Refused(EVIDENCE_MSG.zip(name)));
        }
        zip.readEntry();
      });
      zip.on('end', () => resolve(names));
      zip.on('error', () => reject(new Refused(EVIDENCE_MSG.unknown(name))));
      zip.readEntry();
    });
  });
}

function sharpOf(input: string | Buffer, limits: Limits) {
  return sharp(input, { limitInputPixels: limits.evidencePixels, failOn: 'error', sequentialRead: true }).timeout({ seconds: Math.max(1, Math.ceil(limits.evidenceImageMs / 1000)) });
}

function imageError(e: unknown, name: string): Refused {
  const m = e instanceof Error ? e.message : String(e);
  if (/timeout/i.test(m)) return new Refused(EVIDENCE_MSG.slow(name), 'INVALID');
  return new Refused(EVIDENCE_MSG.broken(name), 'INVALID');
}

async function captureInfo(file: string): Promise<{ capturedAt?: string; hadGps: boolean }> {
  try {
    const tags = (await exifr.parse(file, { pick: ['DateTimeOriginal', 'CreateDate', 'DateTimeDigitized', 'GPSLatitude', 'GPSLongitude'], reviveValues: false, gps: true })) as Record<string, unknown> | undefined;
    if (!tags) return { hadGps: false };
    const capturedAt = exifDateTime(tags.DateTimeOriginal) ?? exifDateTime(tags.DateTimeDigitized) ?? exifDateTime(tags.CreateDate);
    return { ...(capturedAt ? { capturedAt } : {}), hadGps: tags.GPSLatitude !== undefined || tags.GPSLongitude !== undefined };
  } catch {
    // Unreadable EXIF is not a reason to refuse a photo that decodes: it just has no capture time.
    return { hadGps: false };
  }
}

/** Recognises and checks one uploaded file; a Refused error carries the Chinese reason. */
export async function inspectFile(file: string, size: number, head: Uint8Array, name: string, limits: Limits, gate: Gate): Promise<Inspected> {
  if (size > limits.evidenceFileBytes) throw new Refused(EVIDENCE_MSG.tooLarge(name, limits.evidenceFileBytes), 'TOO_LARGE');
  const first = sniffEvidence(head, size, name);
  if ('refused' in first) throw new Refused(first.refused);
  let kind: EvidenceKind;
  if (first.kind === 'zip') {
    const c = classifyZip(await zipEntries(file, limits.zipEntries, name), name);
    if ('refused' in c) throw new Refused(c.refused);
    kind = c.kind;
  } else if (first.kind === 'cfb') {
    const c = classifyCfb(await fs.promises.readFile(file), name);
    if ('refused' in c) throw new Refused(c.refused);
    kind = c.kind;
  } else kind = first.kind;
  if (!isImageKind(kind)) return { kind, hadGps: false };

  return gate.run(async () => {
    let meta: sharp.Metadata;
    try {
      meta = await sharp(file, { limitInputPixels: false }).metadata();
    } catch (e) {
      throw imageError(e, name);
    }
    const width = meta.autoOrient?.width ?? meta.width ?? 0;
    const height = meta.autoOrient?.height ?? meta.height ?? 0;
    if (!width || !height) throw new Refused(EVIDENCE_MSG.broken(name), 'INVALID');
    if ((meta.width ?? 0) * (meta.height ?? 0) > limits.evidencePixels) throw new Refused(EVIDENCE_MSG.pixels(name, width, height, limits.evidencePixels), 'INVALID');
    let thumb: Buffer;
    try {
      // Decodes the whole image (shrink-on-load for JPEG): a truncated or corrupt file fails here.
      thumb = await sharpOf(file, limits).autoOrient().resize(THUMB_PX, THUMB_PX, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 70 }).toBuffer();
    } catch (e) {
      throw imageError(e, name);
    }
    return { kind, width, height, ...(await captureInfo(file)), thumb };
  });
}

/**
 * The copy of a photo that leaves the server, written to `out` by libvips (never held in JS memory): upright,
 * re-encoded, no metadata but the capture time.
 */
export function cleanCopy(file: string, out: string, kind: 'jpeg' | 'png', capturedAt: string | undefined, limits: Limits, gate: Gate): Promise<void> {
  return gate.run(async () => {
    let img = sharpOf(file, limits).autoOrient();
    if (capturedAt) img = img.withExif({ IFD2: { DateTimeOriginal: capturedAt.replace(/-/g, ':') } });
    await (kind === 'jpeg' ? img.jpeg({ quality: 90 }) : img.png({ compressionLevel: 6 })).toFile(out);
  });
}
