/**
 * A data folder in use: a running server (and a restore while it writes) holds an exclusive SQLite lock on
 * `<data>/redsite.lock` for as long as it runs. Another `serve` or `restore` on the same folder is refused with the
 * holder's process id, so nobody copies a database over the one a server has open (its later writes would go to the
 * unlinked file and be lost at restart), and two servers never share a folder.
 *
 * Why a lock held through SQLite rather than a pid file alone: the operating system drops the lock when the process
 * ends, however it ends (crash, SIGKILL, power loss), so a stale lock cannot exist and a reused pid cannot fool the
 * check; SQLite's own locking works the same on Linux, macOS and Windows, and within one process (tests) too.
 * `<data>/redsite.pid` only names the holder for the message; it is informational, and a stale one is ignored.
 *
 * The lock file is never read or written with `fs` by the holder: on POSIX, closing any descriptor of a file drops
 * all of the process's locks on it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fsyncDir } from './durable';
import { openSqlite } from './db';

export const LOCK_FILE = 'redsite.lock';
export const PID_FILE = 'redsite.pid';

/** The folder is in use by another process (or another server in this one). */
export class DataDirInUseError extends Error {
  constructor(readonly dataDir: string, readonly pid: number | undefined, what = '请先停止它再操作') {
    super(`服务正在使用这个数据目录（进程 ${pid ?? '未知'}）：${what}（${dataDir}）`);
  }
}

export interface DataDirLock {
  /** Lets go of the folder (idempotent). */
  release(): void;
}

function holderPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, PID_FILE), 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates the folder when missing (its entry made durable), then takes the lock; throws DataDirInUseError when it is
 * held, its message ending with `what` (what the person should do).
 */
export function lockDataDir(dataDir: string, what?: string): DataDirLock {
  const dir = path.resolve(dataDir);
  const created = fs.mkdirSync(dir, { recursive: true });
  if (created) fsyncDir(path.dirname(created));
  let db: ReturnType<typeof openSqlite> | undefined;
  try {
    // timeout 0: answer at once whether someone holds it, never wait for them.
    db = openSqlite(path.join(dir, LOCK_FILE), { timeout: 0 });
    db.pragma('journal_mode = OFF');
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write in EXCLUSIVE locking mode takes the exclusive lock and keeps it until the connection closes.
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER NOT NULL, at TEXT NOT NULL)');
    db.prepare('INSERT OR REPLACE INTO holder (id, pid, at) VALUES (1, ?, ?)').run(process.pid, new Date().toISOString());
    db.exec('COMMIT');
  } catch (e) {
    db?.close();
    if ((e as { code?: string }).code === 'SQLITE_BUSY' || (e as { code?: string }).code === 'SQLITE_LOCKED') throw new DataDirInUseError(dir, holderPid(dir), what);
    throw e;
  }
  const pidFile = path.join(dir, PID_FILE);
  fs.writeFileSync(pidFile, `${process.pid}\n`);
  let held = true;
  return {
    release() {
      if (!held) return;
      held = false;
      if (holderPid(dir) === process.pid) fs.rmSync(pidFile, { force: true });
      db!.close();
    },
  };
}
