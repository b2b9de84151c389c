/**
 * Errors as the person at the command line should read them: Node's file errors (ENOENT, EACCES, EEXIST, ENOTDIR,
 * EISDIR, ENOSPC, …) become Chinese sentences that name the path and say what to do. cli/index.ts prints every error
 * a command throws through here, so a command need not catch each file operation itself.
 */
import fs from 'node:fs';
import path from 'node:path';

const stat = (p: string): fs.Stats | undefined => {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined; // ENOTDIR: part of the path is a file
  }
};

/** The nearest ancestor of `p` (or `p` itself) that exists: where a path stops being real. */
function existingAncestor(p: string): string {
  let at = path.resolve(p);
  while (!stat(at) && path.dirname(at) !== at) at = path.dirname(at);
  return at;
}

/** A Chinese sentence for a Node file error, or undefined when `e` is not one. */
export function fileErrorMessage(e: unknown): string | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (!err || typeof err.code !== 'string') return undefined;
  const p = err.path ?? (err as { dest?: string }).dest;
  const shown = p ?? '该路径';
  switch (err.code) {
    case 'ENOENT': {
      if (!p) return '找不到文件或文件夹：请检查路径';
      const dir = path.dirname(path.resolve(p));
      if (!stat(dir)?.isDirectory()) return `文件夹 ${dir} 不存在：请先创建它，或换一个位置（${p}）`;
      return `找不到 ${p}：请检查路径和文件名`;
    }
    case 'EACCES':
    case 'EPERM':
      return `没有权限访问 ${shown}：请换一个位置，或请电脑管理员开放权限`;
    case 'EEXIST':
      if (p && stat(p) && !stat(p)!.isDirectory()) return `${p} 是一个文件，不是文件夹：请换一个文件夹名`;
      return `${shown} 已经存在：请换一个名字`;
    case 'ENOTDIR': {
      const at = p ? existingAncestor(p) : undefined;
      return at && !stat(at)!.isDirectory() ? `${at} 是一个文件，不是文件夹：请检查路径（${p}）` : `${shown} 的路径中有一段不是文件夹：请检查路径`;
    }
    case 'EISDIR':
      return `${shown} 是一个文件夹，不是文件：请写出文件名`;
    case 'ENOSPC':
      return `磁盘空间不足，无法写入 ${shown}：请清理磁盘后重试`;
    case 'EROFS':
      return `${shown} 所在的磁盘是只读的：请换一个位置`;
    case 'EMFILE':
    case 'ENFILE':
      return '同时打开的文件太多：请稍后重试';
    case 'EBUSY':
      return `${shown} 正被其他程序使用：请关闭它（例如在 Excel 中打开着）后重试`;
    default:
      return undefined;
  }
}

/** What to print after “错误：” for any error a command throws. */
export function errorMessage(e: unknown): string {
  return fileErrorMessage(e) ?? (e instanceof Error ? e.message : String(e));
}
