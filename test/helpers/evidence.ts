/**
 * Evidence files made in code: photos encoded by sharp (with EXIF capture time and GPS position as phones write
 * them), a small PDF written byte by byte, a Word document from the docx library, and hostile files (a PNG
 * decompression bomb, a truncated photo, a HEIC header, a zip that is not an Office file).
 */
import zlib from 'node:zlib';
import sharp from 'sharp';
import { Document, Packer, Paragraph } from 'docx';
import { strToU8, zipSync } from 'fflate';
import type { TestServer } from './server';

export interface PhotoOptions {
  width?: number;
  height?: number;
  capturedAt?: string; // EXIF format 2024:05:20 10:31:00
  gps?: boolean;
  seed?: number;
  quality?: number;
}

/** A JPEG like a phone's: gradient and sensor-like noise (so it compresses like a photo), EXIF date and GPS. */
export async function photo(o: PhotoOptions = {}): Promise<Buffer> {
  const width = o.width ?? 800;
  const height = o.height ?? 600;
  const raw = Buffer.alloc(width * height * 3);
  let s = (o.seed ?? 1) >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const n = (s >>> 24) % 24;
      const i = (y * width + x) * 3;
      raw[i] = ((x * 255) / width + n) & 255;
      raw[i + 1] = ((y * 255) / height + n) & 255;
      raw[i + 2] = (((x + y) * 128) / width + n + (o.seed ?? 0) * 40) & 255;
    }
  }
  const exif: Record<string, Record<string, string>> = { IFD0: { Make: 'Redsite', Model: 'TestPhone' } };
  if (o.capturedAt) exif.IFD2 = { DateTimeOriginal: o.capturedAt };
  if (o.gps) exif.IFD3 = { GPSLatitudeRef: 'N', GPSLatitude: '40/1 39/1 1234/100', GPSLongitudeRef: 'E', GPSLongitude: '109/1 50/1 2345/100' };
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: o.quality ?? 88 }).withExif(exif).toBuffer();
}

export async function pngImage(width = 400, height = 300): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
}

/** A one-page PDF, written as bytes with a correct cross-reference table. */
export function pdf(text = 'Redsite evidence'): Buffer {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    (() => {
      const stream = `BT /F1 24 Tf 72 760 Td (${text}) Tj ET`;
      return `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
    })(),
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

export async function docx(text = '党支部工作制度'): Promise<Buffer> {
  return Packer.toBuffer(new Document({ sections: [{ children: [new Paragraph(text)] }] }));
}

function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A real decompression bomb: a valid 1-bit grayscale PNG of side × side pixels whose zero-filled rows deflate to a
 * few hundred KB (30000² = 900 megapixels, over 100 MB of raw rows).
 */
export function pngBomb(side = 30000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // grayscale
  const rows = Buffer.alloc((1 + Math.ceil(side / 8)) * side); // filter byte 0 + zero pixels per row
  const idat = zlib.deflateSync(rows, { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

/** The first bytes of an iPhone photo: an ISO-BMFF `ftyp` box with the `heic` brand, then (here) no usable image. */
export function heicHeader(): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypheic', 'latin1'), Buffer.from([0, 0, 0, 0]), Buffer.from('mif1heic', 'latin1')]);
  return Buffer.concat([ftyp, Buffer.alloc(4096, 7)]);
}

export function plainZip(): Buffer {
  return Buffer.from(zipSync({ '照片/现场.txt': strToU8('not an office file') }));
}

export interface Item {
  id: number;
  project: number;
  criterion: string;
  name: string;
  kind: string;
  size: number;
  capturedAt?: string;
  hadGps: boolean;
  width?: number;
  height?: number;
  addedVersion: number;
  removedVersion?: number;
  thumb: string | null;
  file: string;
  by: string;
}

/** POST files to a submission's evidence as the dashboard does (multipart: project, criterion, files). */
export async function attach(server: TestServer, token: string, id: string, project: number | string, criterion: string, files: Array<{ bytes: Uint8Array; name: string }>) {
  const form = new FormData();
  form.append('project', String(project));
  form.append('criterion', criterion);
  for (const f of files) form.append('files', new Blob([new Uint8Array(f.bytes)]), f.name);
  const res = await fetch(`${server.url}/api/v1/submissions/${id}/evidence`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: res.status, body: (await res.json()) as { items: Item[]; error?: string; code?: string; issues?: Array<{ message: string }> } };
}

