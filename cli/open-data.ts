/**
 * The data folder's database for a command that changes data (`user add|reissue|revoke`, `roster import`): opened
 * read-write and migrated, as the server opens it. Except beside a running server of an older version: migrating
 * then would upgrade that server's database under it (it would go on with queries of the old schema, and refuse
 * the database at its next start), so such a command is refused, saying what to do. The commands that only read
 * never migrate (server/db openDatabase `readonly`).
 */
import { openDatabase, schemaVersion, SCHEMA_VERSION, type DB } from '../server/db';
import { DataDirInUseError, lockDataDir } from '../server/data-lock';

export function olderServerMessage(pid: number | undefined, found: number, known: number): string {
  return `服务（进程 ${pid ?? '未知'}）正在用这个数据目录运行，它的数据库是较旧版本的 redsite 的（数据库版本 ${found}，这个版本的 redsite 是 ${known}）：`
    + '这个命令会把数据库升级到这个版本，那个服务随即不能正常使用它（重启时也会拒绝打开）。'
    + '请用服务所用的那个版本的 redsite 运行这个命令；或先停止服务，用这个版本启动一次（redsite serve --data 数据目录）完成升级，再运行这个命令';
}

export function openForChange(dataDir: string): DB {
  const look = openDatabase(dataDir, { readonly: true, anySchema: true });
  let found: number;
  try {
    found = schemaVersion(look);
  } finally {
    look.close();
  }
  if (found >= SCHEMA_VERSION) return openDatabase(dataDir);
  // Whether a server holds the folder: its lock (server/data-lock.ts). Held while the database is migrated, so no
  // server starts on it halfway (two processes migrating at once, or an older server on the upgraded schema).
  let lock: ReturnType<typeof lockDataDir>;
  try {
    lock = lockDataDir(dataDir);
  } catch (e) {
    if (e instanceof DataDirInUseError) throw new Error(olderServerMessage(e.pid, found, SCHEMA_VERSION));
    throw e;
  }
  try {
    return openDatabase(dataDir);
  } finally {
    lock.release();
  }
}
