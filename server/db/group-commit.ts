/**
 * Group commit for the upload path: many uploads' commits, one fsync.
 *
 * Every connection commits with synchronous = FULL (DURABILITY): in WAL mode SQLite then syncs the WAL inside each
 * COMMIT, on the request thread. Under 50 concurrent uploads that fsync (~0.6 ms of waiting, and the kernel's writeback
 * on this machine's virtual disk) took the thread once per upload; without it the same load ran ~10 % faster
 * (`npm run bench:server`, 4 alternating runs), but an acknowledged upload could then be lost to a power cut.
 *
 * So an upload commits with synchronous = NORMAL (set for that one transaction, then FULL again) — its pages are in
 * the WAL, written but not yet synced — and its answer waits for `durable()`: an fsync of the WAL file in libuv's
 * thread pool that started after the commit. Commits made while one fsync runs share the next, so under load one
 * fsync covers several uploads, and the request thread never waits on the disk. The 201 leaves after the WAL holding
 * the submission is on stable storage, as with FULL. The WAL is appended in order and recovered up to its last valid
 * commit, so a later synced commit never depends on an earlier unsynced one; a checkpoint in NORMAL mode syncs the
 * WAL before it copies pages into the database file, and the database file after.
 *
 * Other requests can read an upload a moment before its fsync completes (a reviewer listing submissions, an export):
 * what they saw could, after a power cut in that moment, be gone — the upload itself was never acknowledged, and its
 * unit sends it again (uploads are idempotent).
 *
 * On macOS, FULL makes SQLite use F_FULLFSYNC (fullfsync = ON), which node's fsync does not: there every commit keeps
 * syncing itself and `durable()` has nothing to wait for.
 */
import { fsyncPath } from '../durable';
import { DURABILITY, type DB } from './index';

export class GroupCommit {
  private readonly deferred: boolean;
  private readonly wal: string;
  /** The fsync running now, and the one that will start when it ends (shared by every commit made meanwhile). */
  private running: Promise<void> | undefined;
  private queued: Promise<void> | undefined;

  constructor(private readonly db: DB) {
    this.deferred = process.platform !== 'darwin' && !db.memory && !db.readonly;
    this.wal = `${db.name}-wal`;
  }

  /** Runs `write` — which commits its own transaction — with synchronous = NORMAL: its COMMIT does not wait for the disk. */
  write<T>(write: () => T): T {
    if (!this.deferred) return write();
    this.db.pragma('synchronous = NORMAL');
    try {
      return write();
    } finally {
      this.db.pragma(`synchronous = ${DURABILITY.synchronous}`);
    }
  }

  /** Resolves once the WAL has been synced after every commit made before this call (rejects if the fsync failed). */
  durable(): Promise<void> {
    if (!this.deferred) return Promise.resolve();
    if (this.queued) return this.queued;
    if (!this.running) return this.start();
    // The running fsync may have started before this caller's commit: the next one, after it, covers it.
    const next = () => {
      this.queued = undefined;
      return this.start();
    };
    this.queued = this.running.then(next, next);
    return this.queued;
  }

  private start(): Promise<void> {
    const run: Promise<void> = this.sync().finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  private async sync(): Promise<void> {
    try {
      await fsyncPath(this.wal, 'r+');
    } catch (e) {
      // No WAL: the last connection closed and SQLite checkpointed it into the database file (and synced it) and
      // removed it. Syncing the database file as well costs one fsync and leaves nothing to chance.
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      await fsyncPath(this.db.name, 'r+');
    }
  }
}
