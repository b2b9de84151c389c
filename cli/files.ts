/**
 * Input files for the CLI: expands folders into every file inside them. Nothing is skipped silently: Office lock
 * files, hidden and system files are returned as `ignored` with the reason, everything else is read (the reader
 * decides by the bytes what a file is and says why it cannot read one).
 */
import fs from 'node:fs';
import path from 'node:path';
import { normalizeDistrict } from '../core/districts';
import { MSG } from '../core/messages';
import { compareZh } from '../core/text';

export interface InputFile {
  /** Path to read. */
  path: string;
  /** Name shown to the user: relative to the folder given, or the file name. */
  name: string;
}

export const FILE_MSG = {
  lock: 'Office 临时锁定文件（~$ 开头，文件打开时自动生成），不是申报文件，已忽略',
  hidden: '隐藏文件，不是申报文件，已忽略',
  system: '系统文件，不是申报文件，已忽略',
} as const;

function ignoredReason(name: string): string | undefined {
  if (name.startsWith('~$') || name.startsWith('.~lock.')) return FILE_MSG.lock;
  if (name.startsWith('.')) return FILE_MSG.hidden;
  if (/^(thumbs\.db|desktop\.ini)$/i.test(name)) return FILE_MSG.system;
  return undefined;
}

export function expandInputs(inputs: readonly string[]): { files: InputFile[]; ignored: Array<InputFile & { reason: string }>; missing: string[] } {
  const files: InputFile[] = [];
  const ignored: Array<InputFile & { reason: string }> = [];
  const missing: string[] = [];
  const walk = (p: string, root: string | undefined) => {
    const stat = fs.statSync(p, { throwIfNoEntry: false });
    if (!stat) return missing.push(p);
    if (stat.isDirectory()) {
      for (const name of fs.readdirSync(p).sort(compareZh)) {
        const child = path.join(p, name);
        const shown = path.relative(root ?? p, child);
        const reason = ignoredReason(name);
        if (reason) ignored.push({ path: child, name: shown, reason });
        else if (fs.statSync(child).isDirectory()) walk(child, root ?? p);
        else files.push({ path: child, name: shown });
      }
    } else files.push({ path: p, name: path.basename(p) });
    return undefined;
  };
  for (const i of inputs) walk(i, undefined);
  // Several folders may hold files of the same name: then each name says its folder.
  if (inputs.length > 1) {
    const seen = new Map<string, number>();
    for (const f of [...files, ...ignored]) seen.set(f.name, (seen.get(f.name) ?? 0) + 1);
    for (const f of [...files, ...ignored]) if ((seen.get(f.name) ?? 0) > 1) f.name = path.relative(process.cwd(), f.path) || f.name;
  }
  return { files, ignored, missing };
}

/** Exit codes: 0 read (issues may exist), 1 usage or write problems, 2 input could not be read. */
export const EXIT = { ok: 0, failed: 1, unreadable: 2 } as const;

export const DISTRICT_OPTION = ['-d, --district <名称>', '这些文件所属的旗县区：附件2表格没有旗县区列时按此读取；文件写明其他旗县区的不予接收（列出原因）'] as const;

/** The --district option checked against the list: the 旗县区, undefined when not given, false (and a message) when unknown. */
export function checkDistrict(value: string | undefined): string | undefined | false {
  if (value === undefined) return undefined;
  const d = normalizeDistrict(value);
  if (!d) {
    console.error(`错误：${MSG.unknownDistrict(value, '旗县区（--district）')}`);
    process.exitCode = EXIT.failed;
    return false;
  }
  return d;
}

/** Says what is wrong (“错误：…”) and marks the command failed; the caller returns. */
export function refuse(message: string): void {
  console.error(`错误：${message}`);
  process.exitCode = EXIT.failed;
}

/** Why a file cannot be written where it is asked for: its folder is missing or is a file, or the name is a folder. */
export interface OutFileFault {
  fault: 'noFolder' | 'folderIsFile' | 'isFolder';
  folder: string;
  target: string;
}

/** Checked before the work that produces the file (an output file, a backup). */
export function outFileFault(file: string): OutFileFault | undefined {
  const target = path.resolve(file);
  const folder = path.dirname(target);
  const at = fs.statSync(folder, { throwIfNoEntry: false });
  if (!at) return { fault: 'noFolder', folder, target };
  if (!at.isDirectory()) return { fault: 'folderIsFile', folder, target };
  if (fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) return { fault: 'isFolder', folder, target };
  return undefined;
}

const OUT_FILE_MSG: Record<OutFileFault['fault'], (f: OutFileFault) => string> = {
  noFolder: (f) => `输出文件的文件夹 ${f.folder} 不存在：请先创建它，或换一个位置（--out）`,
  folderIsFile: (f) => `${f.folder} 是一个文件，不是文件夹：请换一个输出位置（--out）`,
  isFolder: (f) => `${f.target} 是一个文件夹：请写出输出文件名（--out）`,
};

/**
 * Whether an output file can be written where it is asked for (Chinese, naming the path), checked before the work
 * that produces it: the folder must exist, and the name must not be a folder.
 */
export function outFileProblem(file: string): string | undefined {
  const f = outFileFault(file);
  return f && OUT_FILE_MSG[f.fault](f);
}

/** Prints the problem with an output file and sets the exit code: true when there is one. */
export function refuseOutFile(file: string | undefined): boolean {
  const problem = file === undefined ? undefined : outFileProblem(file);
  if (!problem) return false;
  refuse(problem);
  return true;
}
