/**
 * The limits on an untrusted package and what we say when one is exceeded: checked on the zip directory (names,
 * duplicates, declared sizes, ratios, count) and on what actually inflates. The guard (streaming, before any parse)
 * and the package reader (annotation) both check here, so the limits and their Chinese messages live in one place.
 */
import { excerpt } from '../text';
import { formatBytes, type Limits } from '../limits';
import { partKey } from './opc';

export const PACKAGE_MSG = {
  tooLarge: (size: number, max: number) => `文件过大（${formatBytes(size)}），上限为 ${formatBytes(max)}：请删除无关的工作表或图片后再上传`,
  corrupt: '文件不完整或已损坏（压缩包无法打开）：请在 Excel 中重新保存后上传',
  entries: (n: number, max: number) => `工作簿内部文件过多（${n} 个，上限 ${max}）：文件可能已损坏或含有异常内容`,
  entryName: (name: string) => `工作簿中包含不应出现的内容“${excerpt(name, 80)}”：请用 Excel 重新保存后上传`,
  bomb: (name: string) => `工作簿内容“${excerpt(name, 80)}”解压后异常巨大（疑似压缩炸弹），已拒绝`,
  expanded: (max: number) => `工作簿解压后超过 ${formatBytes(max)}，已拒绝：请删除无关内容后再上传`,
  doctype: (name: string) => `工作簿内容“${excerpt(name, 80)}”含有 DOCTYPE/实体声明，这不是 Excel 正常保存的文件，已拒绝`,
  duplicate: (name: string) => `工作簿中有两份同名的内容“${excerpt(name, 80)}”（不同程序会读到不同的那一份），已拒绝：请用 Excel 重新保存后上传`,
  sizeMismatch: (name: string) => `工作簿内容“${excerpt(name, 80)}”解压后的实际大小与文件中记录的不符（文件已损坏或被改动过），已拒绝：请用 Excel 重新保存后上传`,
  /** `sheet`: 《name》 when the workbook names the part as a worksheet, else （the part's path）. */
  rows: (sheet: string, max: number) => `工作表${sheet}的行数超过 ${max} 行：请删除多余的行后再上传`,
  dimension: (sheet: string, rows: number, cols: number) => `工作表${sheet}的范围过大（${rows} 行 × ${cols} 列）：请删除多余的空行空列后再上传`,
  partInvalid: (name: string) => `工作簿中的 ${excerpt(name, 80)} 不是有效的 XML：请用 Excel 重新保存后再试`,
  partMissing: (name: string) => `工作簿缺少 ${excerpt(name, 80)}：请用 Excel 重新保存后再试`,
} as const;

/** What the directory check remembers across entries. */
export interface DirectoryTally {
  seen: Set<string>;
  declared: number;
}

export const newTally = (): DirectoryTally => ({ seen: new Set(), declared: 0 });

/**
 * One entry of the zip directory, before anything inflates: a name outside `allowed` or one that climbs out of the
 * package, a second copy of a part (names compare case-insensitively, so two readers could pick different copies),
 * a declared size over the limits, or a ratio only a zip bomb has. Undefined when the entry may be inflated.
 */
export function entryProblem(name: string, size: number, compressed: number, tally: DirectoryTally, limits: Limits, allowed?: RegExp): string | undefined {
  if ((allowed && !allowed.test(name)) || name.startsWith('/') || name.includes('..') || name.includes('\\')) return PACKAGE_MSG.entryName(name);
  if (tally.seen.has(partKey(name))) return PACKAGE_MSG.duplicate(name);
  tally.seen.add(partKey(name));
  tally.declared += size;
  if (size > limits.entryBytes) return PACKAGE_MSG.bomb(name);
  if (tally.declared > limits.totalBytes) return PACKAGE_MSG.expanded(limits.totalBytes);
  if (size > 1024 * 1024 && size / Math.max(1, compressed) > limits.ratio) return PACKAGE_MSG.bomb(name);
  return undefined;
}

/** What actually came out of one entry so far (`seen`) and of the package (`total`), against its declared size. */
export function inflatedProblem(name: string, seen: number, declared: number, total: number, limits: Limits): string | undefined {
  if (seen > declared) return PACKAGE_MSG.sizeMismatch(name);
  if (seen > limits.entryBytes) return PACKAGE_MSG.bomb(name);
  if (total > limits.totalBytes) return PACKAGE_MSG.expanded(limits.totalBytes);
  return undefined;
}
