/**
 * Untrusted spreadsheets: recognise the format from its bytes, inspect the zip directory and every XML part within
 * limits (entry count, sizes, ratio, unexpected names, DOCTYPE/ENTITY, absurd dimensions) before any spreadsheet
 * library sees it, then parse in a pooled worker thread with a heap cap and a time limit. Never throws for bad input
 * and never lets a hostile file crash or stall the calling process.
 */
import fs from 'node:fs';
import yauzl from 'yauzl';
import { inflateRawSync } from 'node:zlib';
import { excerpt } from '../../text';
import { REL_TYPE, partKey, relIdOf, relationshipOf, relsPartOf, type Relationship } from '../../ooxml/opc';
import { PACKAGE_MSG, entryProblem, newTally } from '../../ooxml/package-limits';
import { colNumber } from '../../ooxml/address';
import { scanXml } from '../../ooxml/scan';
import { withLimits, type Limits } from '../../limits';
import { rejected, type ParseResult } from '../../workbook/result';
import type * as Pool from './pool';
import type { ParsePool, ParseTask, JobOptions } from './pool';

/** What the guard says of a file: the format refusals here, the package limits from core/ooxml (shared with the package reader). */
export const GUARD_MSG = {
  /** A file on this machine that cannot be opened or read (`reason`: the system's words). */
  cannotRead: (reason: string) => `无法读取文件：${reason}`,
  empty: '文件是空的：请重新选择要上传的申报工作簿',
  encrypted: '文件设置了打开密码（已加密），系统无法读取：请在 Excel 中取消“用密码进行加密”（文件 → 信息 → 保护工作簿）后另存再上传',
  xls: '这是旧版 Excel 97-2003 工作簿（.xls）：请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再上传',
  pdf: '这是 PDF 文件，不是 Excel 工作簿：请上传 .xlsx 申报工作簿（回执可以在 Excel 中按附件2的列重新录入）',
  unknown: '无法识别的文件格式：请上传 .xlsx 申报工作簿、按附件2列名整理的 .csv 表格或 Word（.docx）回执',
  odt: '这是 LibreOffice／WPS 的 .odt 文档：请在其中点“文件 → 另存为”，文件类型选 Word 文档（.docx）后再上传',
  doc: '这是旧版 Word 97-2003 文档（.doc）：请在 Word 或 WPS 中“另存为” Word 文档（.docx）后再上传',
  image: '这是图片（照片或扫描件），系统无法读取图片中的文字：请上传填写好的申报工作簿（.xlsx）或 Word 回执（.docx）',
  archive: '这是压缩包（.zip／.rar／.7z）：请解压后把其中的申报工作簿或回执分别上传',
  rtf: '这是 RTF 文档：请在 Word 或 WPS 中“另存为” Word 文档（.docx）后再上传',
  ...PACKAGE_MSG,
} as const;

export type Detected = { format: 'xlsx' } | { format: 'docx' } | { format: 'ods' } | { format: 'csv' } | { format: 'rejected'; message: string };

const startsWith = (d: Uint8Array, bytes: number[]) => bytes.every((b, i) => d[i] === b);

/** The CFB container is old .xls, old .doc and password-encrypted .xlsx/.docx; the stream names tell which. */
function cfbKind(data: Uint8Array): 'encrypted' | 'xls' | 'doc' {
  const utf16 = (s: string) => Buffer.from(s, 'utf16le');
  const buf = Buffer.from(data.buffer, data.byteOffset, Math.min(data.byteLength, 4 * 1024 * 1024));
  if (buf.includes(utf16('EncryptionInfo')) || buf.includes(utf16('EncryptedPackage'))) return 'encrypted';
  return buf.includes(utf16('WordDocument')) ? 'doc' : 'xls';
}

/** A zip is a workbook, a Word document or an OpenDocument file: the part names (stored uncompressed) tell which. */
function zipKind(data: Uint8Array): 'xlsx' | 'docx' | 'ods' | 'odt' {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  // OpenDocument: an uncompressed first entry “mimetype” holding the media type.
  if (buf.toString('latin1', 30, 38) === 'mimetype') {
    const type = buf.toString('latin1', 38, 38 + 60);
    if (type.startsWith('application/vnd.oasis.opendocument.spreadsheet')) return 'ods';
    if (type.startsWith('application/vnd.oasis.opendocument.text')) return 'odt';
  }
  return buf.includes('word/document.xml', 0, 'latin1') && !buf.includes('xl/workbook.xml', 0, 'latin1') ? 'docx' : 'xlsx';
}

const IMAGE_MAGIC: number[][] = [
  [0x89, 0x50, 0x4e, 0x47], // PNG
  [0xff, 0xd8, 0xff], // JPEG
  [0x47, 0x49, 0x46, 0x38], // GIF
  [0x42, 0x4d], // BMP
  [0x49, 0x49, 0x2a, 0x00], // TIFF
  [0x4d, 0x4d, 0x00, 0x2a],
];
const ARCHIVE_MAGIC: number[][] = [
  [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], // RAR
  [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], // 7z
  [0x1f, 0x8b], // gzip
];

function isImage(d: Uint8Array): boolean {
  if (IMAGE_MAGIC.some((m) => startsWith(d, m))) return true;
  const ascii = Buffer.from(d.buffer, d.byteOffset, Math.min(d.byteLength, 16)).toString('latin1');
  return (ascii.startsWith('RIFF') && ascii.slice(8, 12) === 'WEBP') || /^....ftyp(heic|heix|mif1|avif)/.test(ascii);
}

/** Text to read as CSV: no NUL bytes (UTF-8 or GBK/GB18030), or UTF-16 with its byte-order mark. */
function looksLikeCsvText(data: Uint8Array): boolean {
  if (startsWith(data, [0xff, 0xfe]) || startsWith(data, [0xfe, 0xff])) return true;
  return !data.subarray(0, 64 * 1024).includes(0);
}

function looksLikeText(data: Uint8Array): boolean {
  const sample = data.subarray(0, 64 * 1024);
  if (sample.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.length < data.length ? sample.subarray(0, lastCharBoundary(sample)) : sample);
    return true;
  } catch {
    return false;
  }
}

function lastCharBoundary(s: Uint8Array): number {
  let i = s.length;
  while (i > 0 && (s[i - 1]! & 0xc0) === 0x80) i--;
  return i > 0 && s[i - 1]! >= 0xc0 ? i - 1 : i;
}

export function detectFormat(data: Uint8Array, fileName = '', limits: Limits = withLimits()): Detected {
  if (data.byteLength === 0) return { format: 'rejected', message: GUARD_MSG.empty };
  if (data.byteLength > limits.uploadBytes) return { format: 'rejected', message: GUARD_MSG.tooLarge(data.byteLength, limits.uploadBytes) };
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04])) {
    const kind = zipKind(data);
    if (kind === 'odt') return { format: 'rejected', message: GUARD_MSG.odt };
    if (kind === 'xlsx' && /\.(zip|rar|7z)$/i.test(fileName)) return { format: 'rejected', message: GUARD_MSG.archive };
    return { format: kind };
  }
  if (startsWith(data, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    const kind = cfbKind(data);
    return { format: 'rejected', message: kind === 'encrypted' ? GUARD_MSG.encrypted : kind === 'doc' ? GUARD_MSG.doc : GUARD_MSG.xls };
  }
  if (startsWith(data, [0x25, 0x50, 0x44, 0x46])) return { format: 'rejected', message: GUARD_MSG.pdf };
  if (startsWith(data, [0x50, 0x4b, 0x05, 0x06]) || startsWith(data, [0x50, 0x4b])) return { format: 'rejected', message: GUARD_MSG.corrupt };
  if (isImage(data)) return { format: 'rejected', message: GUARD_MSG.image };
  if (ARCHIVE_MAGIC.some((m) => startsWith(data, m))) return { format: 'rejected', message: GUARD_MSG.archive };
  if (startsWith(data, [0x7b, 0x5c, 0x72, 0x74, 0x66])) return { format: 'rejected', message: GUARD_MSG.rtf };
  if (/\.(csv|txt)$/i.test(fileName) ? looksLikeCsvText(data) : fileName === '' && looksLikeText(data)) return { format: 'csv' };
  return { format: 'rejected', message: GUARD_MSG.unknown };
}

const ALLOWED_ENTRY = /^(\[Content_Types\]\.xml|_rels\/[^/]+|docProps\/[^/]+|customXml\/.+|xl\/.+)$/i;
/** A Word document's parts (the 附件2 回执 filled in Word). */
const ALLOWED_DOCX_ENTRY = /^(\[Content_Types\]\.xml|_rels\/[^/]+|docProps\/[^/]+|customXml\/.+|word\/.+)$/i;
/** An OpenDocument spreadsheet's parts (the 回执 saved by LibreOffice or WPS as .ods). */
const ALLOWED_ODS_ENTRY = /^(mimetype|content\.xml|styles\.xml|meta\.xml|settings\.xml|manifest\.rdf|layout-cache|META-INF\/.+|Thumbnails\/.+|Configurations2\/.+|Pictures\/.+)$/;
export type ZipKind = 'xlsx' | 'docx' | 'ods';
const ALLOWED: Record<ZipKind, RegExp> = { xlsx: ALLOWED_ENTRY, docx: ALLOWED_DOCX_ENTRY, ods: ALLOWED_ODS_ENTRY };
const XML_ENTRY = /\.(xml|rels|vml)$/i;
const DIMENSION = /<(?:\w+:)?dimension\s+ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"/;

export function openZip(data: Uint8Array): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) =>
    // Sizes are checked below against what actually inflates, with our own messages.
    yauzl.fromBuffer(Buffer.from(data.buffer, data.byteOffset, data.byteLength), { lazyEntries: true, autoClose: false, validateEntrySizes: false, strictFileNames: false }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('zip')) : resolve(zip),
    ),
  );
}

class Refusal extends Error {}

/** The central directory, checked entry by entry: names, duplicates, declared sizes and ratios. */
function listEntries(zip: yauzl.ZipFile, limits: Limits, allowed: RegExp): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    const tally = newTally();
    const refuse = (message: string) => reject(new Refusal(message));
    zip.on('error', (err: Error) => {
      // yauzl itself refuses traversal and absolute entry names; say what was wrong.
      const bad = /^(?:invalid relative path|absolute path|invalid characters in fileName): (.*)$/.exec(err.message);
      refuse(bad ? GUARD_MSG.entryName(bad[1]!) : GUARD_MSG.corrupt);
    });
    zip.on('end', () => resolve(entries));
    zip.on('entry', (entry: yauzl.Entry) => {
      const name = entry.fileName;
      if (name.endsWith('/')) return zip.readEntry();
      const problem = entryProblem(name, entry.uncompressedSize, entry.compressedSize, tally, limits, allowed);
      if (problem) return refuse(problem);
      entries.push(entry);
      zip.readEntry();
    });
    zip.readEntry();
  });
}

/** Bytes of an entry as stored (compressed), found through its local header; undefined when the header is not there. */
function storedBytes(buf: Buffer, entry: yauzl.Entry): Buffer | undefined {
  const at = entry.relativeOffsetOfLocalHeader;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== 0x04034b50) return undefined;
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  return end <= buf.length ? buf.subarray(start, end) : undefined;
}

/**
 * Inflates one entry at once, never past what it declares (zlib stops at `maxOutputLength`): more than declared, or
 * fewer, is refused; so are encrypted entries and unknown compression methods.
 */
function inflateEntry(buf: Buffer, entry: yauzl.Entry): Buffer {
  const stored = storedBytes(buf, entry);
  // Bit 0: encrypted (a workbook never encrypts single entries; Excel encrypts the whole file as CFB).
  if (!stored || entry.generalPurposeBitFlag & 1) throw new Refusal(GUARD_MSG.corrupt);
  if (entry.compressionMethod === 0) {
    if (stored.length !== entry.uncompressedSize) throw new Refusal(GUARD_MSG.sizeMismatch(entry.fileName));
    return stored;
  }
  if (entry.compressionMethod !== 8) throw new Refusal(GUARD_MSG.corrupt);
  let out: Buffer;
  try {
    out = inflateRawSync(stored, { maxOutputLength: Math.max(1, entry.uncompressedSize) });
  } catch (e) {
    throw new Refusal((e as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? GUARD_MSG.sizeMismatch(entry.fileName) : GUARD_MSG.corrupt);
  }
  if (out.length !== entry.uncompressedSize) throw new Refusal(GUARD_MSG.sizeMismatch(entry.fileName));
  return out;
}

// Needles as bytes: a string needle is converted again on every call.
const ROW = Buffer.from('row', 'latin1');

/**
 * A DOCTYPE or ENTITY declaration anywhere in the part (any case). Found by its “!”, which is rare in a part (a
 * one-byte search runs several times faster than one for “<!”, since “<” is everywhere), then the “<” before it.
 */
function declaresDoctype(xml: Buffer): boolean {
  for (let i = xml.indexOf(0x21 /* ! */); i >= 0; i = xml.indexOf(0x21, i + 1)) {
    if (xml[i - 1] !== 0x3c /* < */) continue;
    const word = xml.toString('latin1', i + 1, i + 8).toUpperCase();
    if (word.startsWith('DOCTYPE') || word.startsWith('ENTITY')) return true;
  }
  return false;
}

/** A sane dimension and row count, for anything with rows (`label` names the sheet, or the part, in the refusal). */
function rowsProblem(xml: Buffer, limits: Limits, label: () => string): string | undefined {
  const dim = DIMENSION.exec(xml.toString('latin1', 0, Math.min(xml.length, 4096)));
  if (dim) {
    const cols = dim[3] ? colNumber(dim[3]) : dim[1] ? colNumber(dim[1]) : 1;
    const lastRow = Number(dim[4] ?? dim[2] ?? 1);
    if (lastRow > limits.sheetRows || cols > limits.sheetCols) return GUARD_MSG.dimension(label(), lastRow, cols);
  }
  return mayHoldRows(xml.length, limits.sheetRows + 1) && countRowTags(xml, limits.sheetRows) > limits.sheetRows ? GUARD_MSG.rows(label(), limits.sheetRows) : undefined;
}

/** The fewest bytes a row element countRowTags counts can take: “<row” and the space or “>” after it. */
export const ROW_TAG_BYTES = 5;

/**
 * Whether a part of `bytes` bytes can hold `rows` row elements. A smaller part is not searched (a unit workbook's
 * sheets are all under the 100 KB that 20,001 rows need: ~0.2 ms of a worker's ~5 ms per file).
 */
export function mayHoldRows(bytes: number, rows: number): boolean {
  return bytes >= ROW_TAG_BYTES * rows;
}

const isWordByte = (b: number | undefined) => b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f);
// What \s matches in a latin1 decoding: tab to carriage return, space, no-break space.
const isSpaceOrGt = (b: number | undefined) => b !== undefined && ((b >= 0x09 && b <= 0x0d) || b === 0x20 || b === 0xa0 || b === 0x3e);

/**
 * Row elements in a part (what /<(?:\w+:)?row[\s>]/g counts in its latin1 text), up to `max` + 1: scanned in the
 * bytes, without decoding the part to a string (every upload's parts pass here). One pass for “row”, then the byte
 * before it: “<” (a row), or “:” after a prefix that follows “<” (<x:row).
 */
export function countRowTags(xml: Uint8Array, max: number): number {
  const buf = Buffer.from(xml.buffer, xml.byteOffset, xml.byteLength);
  let n = 0;
  for (let i = buf.indexOf(ROW); i >= 0 && n <= max; i = buf.indexOf(ROW, i + 3)) {
    if (!isSpaceOrGt(buf[i + 3])) continue;
    const before = buf[i - 1];
    if (before === 0x3c /* < */) n++;
    else if (before === 0x3a /* : */) {
      let j = i - 1;
      while (isWordByte(buf[j - 1])) j--;
      if (j < i - 1 && buf[j - 1] === 0x3c) n++;
    }
  }
  return n;
}

function sheetLabel(part: string, sheet?: string): string {
  return sheet ? `《${excerpt(sheet, 31)}》` : `（${excerpt(part, 80)}）`;
}

/** Calls `onOpen` with the attributes of every `element` (by local name); not well-formed: refused as corrupt. */
function readXml(xml: Uint8Array, element: string, onOpen: (attrs: Record<string, string>) => void): void {
  try {
    scanXml(xml, { open: (name, attrs) => name === element && onOpen(attrs.record()) }, { localNames: true });
  } catch {
    throw new Refusal(GUARD_MSG.corrupt);
  }
}

/** Follows the package's relationships to its worksheets (package → workbook → sheets): part key → sheet name. */
function locateSheets(xml: Map<string, Buffer>): Map<string, string> {
  const relsOf = (source: string): Relationship[] => {
    const part = xml.get(partKey(relsPartOf(source)));
    const rels: Relationship[] = [];
    if (part) {
      readXml(part, 'Relationship', (a) => {
        const rel = relationshipOf(source, a);
        if (rel) rels.push(rel);
      });
    }
    return rels;
  };
  const sheets = new Map<string, string>();
  const workbook = relsOf('').find((r) => REL_TYPE.officeDocument.test(r.type))?.part;
  const workbookXml = workbook ? xml.get(partKey(workbook)) : undefined;
  if (!workbook || !workbookXml) return sheets;
  const ids = new Map<string, string>();
  readXml(workbookXml, 'sheet', (a) => {
    const rid = relIdOf(a);
    if (rid && a.name) ids.set(rid, a.name);
  });
  for (const rel of relsOf(workbook)) {
    const sheet = ids.get(rel.id);
    if (rel.part && sheet) sheets.set(partKey(rel.part), sheet);
  }
  return sheets;
}

/** The XML parts of an inspected package (part key → bytes), inflated once by the guard for the reader. */
export type InflatedParts = Map<string, Uint8Array>;

/**
 * Zip-level checks; resolves with a Chinese refusal message, or the package's XML parts when the archive looks like
 * a workbook. Every entry is inflated (never past its declared size, which the limits bound), not only the XML ones: a
 * picture that declares 1,000 bytes and inflates to 1 GiB is refused here, before anything else opens the file. XML
 * parts are checked on the way: no DOCTYPE/ENTITY, and, for anything with rows, a sane dimension and row count.
 */
export async function inspectPackage(data: Uint8Array, limits: Limits = withLimits(), kind: ZipKind = 'xlsx'): Promise<string | InflatedParts> {
  let zip: yauzl.ZipFile;
  try {
    zip = await openZip(data);
  } catch {
    return GUARD_MSG.corrupt;
  }
  try {
    if (zip.entryCount > limits.zipEntries) return GUARD_MSG.entries(zip.entryCount, limits.zipEntries);
    const entries = await listEntries(zip, limits, ALLOWED[kind]);
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const xml = new Map<string, Buffer>();
    const names = new Map<string, string>();
    for (const entry of entries) {
      // The directory bounds every declared size (listEntries), and no entry inflates past its declared size.
      const bytes = inflateEntry(buf, entry);
      if (!XML_ENTRY.test(entry.fileName)) continue;
      if (declaresDoctype(bytes)) return GUARD_MSG.doctype(entry.fileName);
      xml.set(partKey(entry.fileName), bytes);
      names.set(partKey(entry.fileName), entry.fileName);
    }
    // The sheets' names (package → workbook → sheets) only name a sheet in a refusal. For a workbook they are looked up
    // then: its reader parses the same parts, as strictly. A Word 回执 has them checked here (its reader, mammoth, is
    // more lenient), as before.
    let sheets = kind === 'xlsx' ? undefined : locateSheets(xml);
    for (const [key, bytes] of xml) {
      const problem = rowsProblem(bytes, limits, () => sheetLabel(names.get(key)!, (sheets ??= locateSheets(xml)).get(key)));
      if (problem) return problem;
    }
    return xml;
  } catch (e) {
    return e instanceof Refusal ? e.message : GUARD_MSG.corrupt;
  } finally {
    zip.close();
  }
}

/** Zip-level checks only (inspectPackage without keeping the parts). */
export async function inspectZip(data: Uint8Array, limits: Limits = withLimits(), kind: ZipKind = 'xlsx'): Promise<string | undefined> {
  const inspected = await inspectPackage(data, limits, kind);
  return typeof inspected === 'string' ? inspected : undefined;
}

let sharedPool: ParsePool | undefined;

// The pool's modules load when a first file goes to a worker: a worker itself, or `redsite score` reading one small
// file in its own process (local.ts), never needs them.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const poolModule = () => require('./pool') as typeof Pool;

/**
 * The process-wide pool of a command (created on first use): one person's files are its only jobs, so they may use
 * every worker (`redsite merge` used one of two before). The server makes its own, shared fairly among accounts.
 */
export function defaultPool(limits: Limits = withLimits()): ParsePool {
  sharedPool ??= new (poolModule().ParsePool)(limits, { soleAccount: true });
  return sharedPool;
}

export async function closeDefaultPool(): Promise<void> {
  const pool = sharedPool;
  sharedPool = undefined;
  await pool?.close();
}

export interface UntrustedOptions extends JobOptions {
  fileName?: string;
  district?: string;
  limits?: Partial<Limits>;
  pool?: ParsePool;
}

/**
 * The bytes of a file on this machine, at most `limits.uploadBytes` (a larger file is refused before it is read), or
 * why they cannot be read (GUARD_MSG.cannotRead, with the system's reason). Read by the parse worker for `parseUntrustedFile`.
 */
export function readUntrustedFile(file: string, limits: Limits = withLimits()): Buffer | string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    return GUARD_MSG.cannotRead((e as Error).message);
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size > limits.uploadBytes) return GUARD_MSG.tooLarge(size, limits.uploadBytes);
    // The size the file had when opened: what grows meanwhile is not read (a cut-off zip is then refused as corrupt).
    const data = Buffer.allocUnsafe(size);
    let read = 0;
    for (let n = 1; read < size && n > 0; read += n) n = fs.readSync(fd, data, read, size - read, read);
    return data.subarray(0, read);
  } catch (e) {
    return GUARD_MSG.cannotRead((e as Error).message);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The parse task for a file's bytes, its format recognised from them (detectFormat), or the refusal: the first step of
 * every reader of an untrusted file (here, `redsite score` in local.ts, a worker reading a file itself).
 */
export function parseTaskFor(data: Uint8Array, file: { fileName?: string; district?: string }, limits: Limits): ParseTask | ParseResult {
  const detected = detectFormat(data, file.fileName ?? '', limits);
  if (detected.format === 'rejected') return rejected(detected.message);
  return { format: detected.format, data, fileName: file.fileName, district: file.district };
}

/**
 * Parses a file from outside (upload, e-mail attachment): refusal messages instead of exceptions. The format is
 * recognised here; the zip inspection (inspectZip) and the parse run in a pooled worker.
 */
export async function parseUntrusted(data: Uint8Array, opts: UntrustedOptions = {}): Promise<ParseResult> {
  const limits = withLimits(opts.limits);
  const task = parseTaskFor(data, opts, limits);
  if ('kind' in task) return task;
  const pool = opts.pool ?? defaultPool(limits);
  return pool.parse(task, { account: opts.account, signal: opts.signal });
}

/**
 * parseUntrusted for a file on this machine (`merge` and `import` name several: parseUntrustedFiles): the worker reads
 * it (readUntrustedFile) and recognises its format, so its bytes never pass through this process. The same answers,
 * refusals included.
 */
export async function parseUntrustedFile(file: string, opts: UntrustedOptions = {}): Promise<ParseResult> {
  const [result] = await parseUntrustedFiles([{ path: file, fileName: opts.fileName }], opts);
  return result!;
}

/**
 * parseUntrustedFile for several files, read by one worker in turn (ParsePool.parseFiles; one file is its own job):
 * the same answers, in order. `opts.fileName` does not apply: each file has its own.
 */
export async function parseUntrustedFiles(files: ReadonlyArray<{ path: string; fileName?: string }>, opts: UntrustedOptions = {}): Promise<ParseResult[]> {
  const pool = opts.pool ?? defaultPool(withLimits(opts.limits));
  return pool.parseFiles(files.map((f) => ({ path: f.path, fileName: f.fileName, district: opts.district })), { account: opts.account, signal: opts.signal });
}
