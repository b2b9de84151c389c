/**
 * The `--data` folder of the commands that work on the server's data (backup, user, roster, showcase, …): it must
 * already hold a database. Only `serve` creates a new data folder (and `restore` fills one, `certs` adds its
 * certificates to one): a command run in the wrong folder says so instead of creating an empty database there.
 */
import fs from 'node:fs';
import path from 'node:path';
// The name alone, from a module that imports nothing: server/db itself would load better-sqlite3 for every command.
import { DB_FILE } from '../server/db/file-name';

/** Commands (by name) that may be given a --data folder that does not exist yet. */
export const MAY_CREATE_DATA = new Set(['serve', 'certs', 'restore']);

/** Why `dataDir` is not a usable data folder (Chinese), or undefined. `mustExist`: it must hold a database already. */
export function dataDirProblem(dataDir: string, mustExist: boolean): string | undefined {
  const dir = path.resolve(dataDir);
  const stat = fs.statSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) return `--data 指向的 ${dir} 是一个文件，不是文件夹：请用 --data 指向服务的数据目录`;
  if (mustExist && !fs.statSync(path.join(dir, DB_FILE), { throwIfNoEntry: false })?.isFile()) return noDataMessage(dir);
  return undefined;
}

export function noDataMessage(dataDir: string): string {
  return `这里没有 redsite 数据：找不到 ${path.join(path.resolve(dataDir), DB_FILE)}，请用 --data 指向服务的数据目录`;
}
