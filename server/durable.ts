/**
 * Files that must survive a power loss, not only a process crash: a rename is atomic, but neither the new file's
 * bytes nor the rename itself is on disk until the file and then its folder are fsync'ed. Every file redsite writes
 * for keeps (exports, backups, restored databases, certificates) goes through here: write to a temporary name in the
 * same folder, fsync it, rename over the final name, fsync the folder.
 *
 * Calls go through the `fs` module object at call time (`fs.fsyncSync`, `fs.fsync`), so a test can observe them.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

/** A temporary name next to `file` (same folder, hence same file system: the rename stays atomic). */
export function tempNameFor(file: string): string {
  return `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
}

export function fsyncFile(file: string): void {
  // r+: Windows flushes only handles opened for writing (FlushFileBuffers); Linux accepts either.
  const fd = fs.openSync(file, 'r+');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a folder's entries (a new, renamed or removed file) durable. Windows cannot open folders; NTFS journals them. */
export function fsyncDir(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** `tmp` (already complete) becomes `file`, durably. */
export function renameDurableSync(tmp: string, file: string): void {
  fsyncFile(tmp);
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(path.resolve(file)));
}

const call = <T>(fn: (cb: (err: NodeJS.ErrnoException | null, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

export async function fsyncPath(p: string, flags: string): Promise<void> {
  const fd = await call<number>((cb) => fs.open(p, flags, cb));
  try {
    await call<void>((cb) => fs.fsync(fd, (e) => cb(e, undefined)));
  } finally {
    await call<void>((cb) => fs.close(fd, (e) => cb(e ?? null, undefined)));
  }
}

/** The same as renameDurableSync without blocking the event loop (used on the request path). */
export async function renameDurable(tmp: string, file: string): Promise<void> {
  await fsyncPath(tmp, 'r+');
  await fs.promises.rename(tmp, file);
  if (process.platform !== 'win32') await fsyncPath(path.dirname(path.resolve(file)), 'r');
}

/** Writes `file` completely or not at all, and durably: a power loss leaves the old content or the new, never half. */
export function writeFileDurable(file: string, data: string | Uint8Array, opts: { mode?: number } = {}): void {
  const tmp = tempNameFor(file);
  try {
    const fd = fs.openSync(tmp, 'wx', opts.mode ?? 0o666);
    try {
      fs.writeFileSync(fd, data);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDir(path.dirname(path.resolve(file)));
}

/** Copies `src` to `dest` the same way (used to put a restored database in place). */
export function copyFileDurable(src: string, dest: string): void {
  const tmp = tempNameFor(dest);
  try {
    fs.copyFileSync(src, tmp, fs.constants.COPYFILE_EXCL);
    renameDurableSync(tmp, dest);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Disk full (or quota exhausted), from the file system or from SQLite. */
export function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'SQLITE_FULL') return true;
  // Errors that crossed a worker boundary arrive as text only.
  return err instanceof Error && /\b(ENOSPC|EDQUOT|SQLITE_FULL)\b|no space left on device|database or disk is full/i.test(err.message);
}
