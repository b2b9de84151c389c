/**
 * 佐证材料 (evidence) as pure rules: which files are accepted, recognised by their bytes and never by their name;
 * the Chinese refusals; and how files are named when they leave the server (the 观摩 pack: one folder per project,
 * `A01-1_挂牌公示_1.jpg`). The server does the I/O (reading heads, zip directories) and the image checks.
 */
import shortLabels from '../templates/rubric/2024-short.json';
import { formatBytes } from './limits';
import type { Rubric } from './rubric';

export const EVIDENCE_KINDS = {
  jpeg: { label: 'JPEG 照片', mime: 'image/jpeg', ext: 'jpg', image: true },
  png: { label: 'PNG 图片', mime: 'image/png', ext: 'png', image: true },
  pdf: { label: 'PDF 文档', mime: 'application/pdf', ext: 'pdf', image: false },
  docx: { label: 'Word 文档', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', ext: 'docx', image: false },
  xlsx: { label: 'Excel 工作簿', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx', image: false },
  pptx: { label: 'PowerPoint 演示文稿', mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', ext: 'pptx', image: false },
  doc: { label: 'Word 97-2003 文档', mime: 'application/msword', ext: 'doc', image: false },
  xls: { label: 'Excel 97-2003 工作簿', mime: 'application/vnd.ms-excel', ext: 'xls', image: false },
  ppt: { label: 'PowerPoint 97-2003 演示文稿', mime: 'application/vnd.ms-powerpoint', ext: 'ppt', image: false },
} as const;
export type EvidenceKind = keyof typeof EVIDENCE_KINDS;

export const isImageKind = (k: EvidenceKind): k is 'jpeg' | 'png' => EVIDENCE_KINDS[k].image;

const ACCEPTED = '照片（JPEG、PNG）、PDF 或 Office 文档（Word、Excel、PowerPoint）';

/** Quotes a user's file name in a message: short, no control characters. */
export function quoteName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f]/g, '');
  return `“${clean.length > 60 ? `${clean.slice(0, 59)}…` : clean}”`;
}

export const EVIDENCE_MSG = {
  empty: (name: string) => `${quoteName(name)}是空文件：请重新选择`,
  tooLarge: (name: string, max: number) => `${quoteName(name)}超过单个佐证文件的上限 ${formatBytes(max)}：请压缩照片或拆分文档后再上传`,
  tooMany: (max: number) => `一次最多上传 ${max} 个佐证文件：请分批上传`,
  /** `unit`: the unit's name when someone else (its 旗县区, the 秘书处) uploads for it; “本单位” for the unit itself. */
  unitFull: (used: number, adding: number, max: number, unit?: string) =>
    `${unit ? `“${unit}”` : '本单位'}的佐证材料已有 ${formatBytes(used)}，加上这次的 ${formatBytes(adding)} 超过上限 ${formatBytes(max)}：请先删除不需要的文件`,
  heic: (name: string) =>
    `${quoteName(name)}是 HEIC/HEIF 格式的照片（苹果手机默认格式），服务器无法读取：请在手机“设置 → 相机 → 格式”中选择“兼容性最佳”后重新拍摄，或在相册中把照片存为 JPEG 后上传`,
  otherImage: (name: string, format: string) => `${quoteName(name)}是 ${format} 图片，不能作为佐证：请转换为 JPEG 或 PNG 后上传`,
  zip: (name: string) => `${quoteName(name)}是压缩包，不是 Office 文档：请解压后逐个上传其中的照片或文件`,
  encrypted: (name: string) => `${quoteName(name)}设置了打开密码，审核人无法查看：请取消密码后另存再上传`,
  unknown: (name: string) => `${quoteName(name)}不是可接受的佐证格式（按文件内容识别，与扩展名无关）：请上传${ACCEPTED}`,
  pixels: (name: string, width: number, height: number, max: number) =>
    `${quoteName(name)}的尺寸异常（${width} × ${height} 像素，上限 ${Math.round(max / 10000)} 万像素），不是正常的照片：请上传手机或相机拍摄的原图`,
  broken: (name: string) => `${quoteName(name)}图片不完整或已损坏，无法读取：请从相册重新选择原图，或重新拍摄后上传`,
  slow: (name: string) => `${quoteName(name)}处理超时：图片结构异常，请重新导出为 JPEG 后上传`,
  project: (seq: number) => `该申报的最新版本中没有序号为 ${seq} 的项目：请刷新后重新选择项目`,
  criterion: (id: string) => `细则编号 ${id} 不在评分细则中：请从细则列表中选择`,
  approved: '该申报已审核通过，填报单位不能再增删佐证材料；如需补充，请联系旗县区退回后再上传',
  notFound: '找不到这个佐证文件，或您无权查看',
  noFile: '请在 files 字段选择要上传的佐证文件（照片、PDF 或 Office 文档）',
  fields: '请同时填写项目序号（project）和细则编号（criterion）',
  packTooLarge: (size: number) =>
    `观摩资料包约 ${formatBytes(size)}，超过 4 GB（压缩包格式的上限）：请加上旗县区（district）或减少名额（limit）分批下载`,
  busy: '服务器正在处理较多图片，请稍后重试（本次文件未保存）',
} as const;

export type Detected = { kind: EvidenceKind } | { kind: 'zip' } | { kind: 'cfb' } | { refused: string };

const starts = (d: Uint8Array, bytes: number[], at = 0) => bytes.every((b, i) => d[at + i] === b);
const ascii = (d: Uint8Array, from: number, to: number) => String.fromCharCode(...d.subarray(from, to));

/** HEIF family brands (ISO/IEC 23008-12): HEVC stills from phones; AVIF is HEIF with AV1. */
const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

/**
 * First look at a file's head (at least 64 bytes, the first 1 KB is best). Containers (zip, CFB) need a second look
 * at their directory: classifyZip / classifyCfb.
 */
export function sniffEvidence(head: Uint8Array, size: number, name: string): Detected {
  if (size === 0) return { refused: EVIDENCE_MSG.empty(name) };
  if (starts(head, [0xff, 0xd8, 0xff])) return { kind: 'jpeg' };
  if (starts(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'png' };
  // PDF readers accept the header anywhere in the first 1024 bytes (some generators put junk before it).
  if (ascii(head, 0, Math.min(head.length, 1024)).includes('%PDF-')) return { kind: 'pdf' };
  if (starts(head, [0x50, 0x4b, 0x03, 0x04])) return { kind: 'zip' };
  if (starts(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return { kind: 'cfb' };
  if (head.length >= 12 && ascii(head, 4, 8) === 'ftyp') {
    const major = ascii(head, 8, 12);
    if (HEIC_BRANDS.has(major)) return { refused: EVIDENCE_MSG.heic(name) };
    if (major === 'avif' || major === 'avis') return { refused: EVIDENCE_MSG.otherImage(name, 'AVIF') };
    return { refused: EVIDENCE_MSG.unknown(name) };
  }
  if (ascii(head, 0, 4) === 'GIF8') return { refused: EVIDENCE_MSG.otherImage(name, 'GIF') };
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return { refused: EVIDENCE_MSG.otherImage(name, 'WebP') };
  if (starts(head, [0x49, 0x49, 0x2a, 0x00]) || starts(head, [0x4d, 0x4d, 0x00, 0x2a])) return { refused: EVIDENCE_MSG.otherImage(name, 'TIFF') };
  if (ascii(head, 0, 2) === 'BM') return { refused: EVIDENCE_MSG.otherImage(name, 'BMP') };
  return { refused: EVIDENCE_MSG.unknown(name) };
}

/** An Office Open XML package is a zip whose main part says what it is; any other zip is refused. */
export function classifyZip(entries: readonly string[], name: string): { kind: EvidenceKind } | { refused: string } {
  const has = (p: string) => entries.includes(p);
  if (entries.some((e) => e === 'EncryptionInfo' || e === 'EncryptedPackage')) return { refused: EVIDENCE_MSG.encrypted(name) };
  if (!has('[Content_Types].xml')) return { refused: EVIDENCE_MSG.zip(name) };
  if (has('word/document.xml')) return { kind: 'docx' };
  if (has('xl/workbook.xml')) return { kind: 'xlsx' };
  if (has('ppt/presentation.xml')) return { kind: 'pptx' };
  return { refused: EVIDENCE_MSG.zip(name) };
}

const utf16le = (s: string) => Uint8Array.from([...s].flatMap((ch) => [ch.charCodeAt(0) & 0xff, ch.charCodeAt(0) >> 8]));

function includesBytes(hay: Uint8Array, needle: Uint8Array): boolean {
  const first = needle[0];
  for (let i = hay.indexOf(first!); i >= 0 && i <= hay.length - needle.length; i = hay.indexOf(first!, i + 1)) {
    let j = 1;
    while (j < needle.length && hay[i + j] === needle[j]) j++;
    if (j === needle.length) return true;
  }
  return false;
}

/** A compound file (CFB) is a 97-2003 Office document or an encrypted OOXML one; its stream names tell which. */
export function classifyCfb(bytes: Uint8Array, name: string): { kind: EvidenceKind } | { refused: string } {
  const has = (s: string) => includesBytes(bytes, utf16le(s));
  if (has('EncryptionInfo') || has('EncryptedPackage')) return { refused: EVIDENCE_MSG.encrypted(name) };
  if (has('WordDocument')) return { kind: 'doc' };
  if (has('PowerPoint Document')) return { kind: 'ppt' };
  if (has('Workbook') || has('Book')) return { kind: 'xls' };
  return { refused: EVIDENCE_MSG.unknown(name) };
}

/** EXIF date-time ("2024:05:20 10:31:00", camera wall clock) as "2024-05-20 10:31:00"; undefined if not a date. */
export function exifDateTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(value.trim());
  if (!m || m[1] === '0000') return undefined;
  return `${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6] ?? '00'}`;
}

const LABELS: Record<string, string> = shortLabels.edition === '2024' ? shortLabels.labels : {};

/** A few characters naming a criterion in file names (挂牌公示); the group name for criteria without one. */
export function criterionLabel(rubric: Rubric, id: string): string {
  return LABELS[id] ?? rubric.byId.get(id)?.groupName ?? '';
}

/** One path component that every zip tool and file system accepts: no separators, controls or reserved characters. */
export function safeComponent(text: string, max = 60): string {
  const clean = text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '_')
    .replace(/[. ]+$/, '');
  return (clean.length > max ? clean.slice(0, max) : clean) || '_';
}

/** `A01-1_挂牌公示_1.jpg`: criterion, its short label, the file's number within that criterion. */
export function evidenceFileName(rubric: Rubric, criterion: string, n: number, kind: EvidenceKind): string {
  return `${criterion}_${safeComponent(criterionLabel(rubric, criterion), 20)}_${n}.${EVIDENCE_KINDS[kind].ext}`;
}

/**
 * The name a downloaded evidence file gets: the uploaded name with the extension of what the file is (a JPEG uploaded
 * as “实为照片.pdf” is saved as “实为照片.jpg”, so that it opens); the criterion when the name has nothing before it.
 */
export function evidenceDownloadName(name: string, criterion: string, kind: EvidenceKind): string {
  return `${name.replace(/\.[^.]*$/, '') || criterion}.${EVIDENCE_KINDS[kind].ext}`;
}

/** `东河区-某建筑公司-某项目`: the project's folder in the 观摩 pack. */
export function projectFolderName(district: string, unit: string, projectName: string): string {
  return safeComponent(`${district}-${unit}-${projectName}`, 100);
}
