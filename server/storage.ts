/**
 * Room left for writes, as /healthz reports it: free space on the data folder's file system (statfs), room under
 * the database's own size limit (SQLite max_page_count), and whether a write was refused for lack of space and
 * nothing has changed since. A full disk refuses writes (507, see errors.ts) but the server keeps answering reads.
 */
import fs from 'node:fs';
import type { DB } from './db';
import { dataVersion } from './db';
import { STORAGE_FULL_MESSAGE } from './errors';

export interface StorageStatus {
  ok: boolean;
  /** Free bytes on the data folder's file system for this (unprivileged) process. */
  diskFreeBytes: number | null;
  /** Bytes the database may still grow by (free pages + pages under max_page_count). */
  databaseRoomBytes: number;
  /** Below this much disk room (twice the upload limit: the WAL first, then the database file), writes may fail. */
  needBytes: number;
  /** The last write refused with "disk full", while nothing has been written and no room was freed since. */
  refusedAt?: string;
}

export class StorageWatch {
  private refused?: { at: string; version: number; room: number };

  constructor(
    private readonly db: DB,
    private readonly dir: string,
    private readonly uploadBytes: number,
  ) {}

  private measure(): { disk: number | null; database: number } {
    let disk: number | null = null;
    try {
      const st = fs.statfsSync(this.dir);
      disk = st.bavail * st.bsize;
    } catch {
      // statfs unsupported or the folder is unreadable: report what the database knows.
    }
    const num = (pragma: string) => Number(this.db.pragma(pragma, { simple: true }));
    const database = (num('max_page_count') - num('page_count') + num('freelist_count')) * num('page_size');
    return { disk, database };
  }

  private room(m: { disk: number | null; database: number }): number {
    return Math.min(m.disk ?? Infinity, m.database);
  }

  /** A write was refused for lack of space (called by the error handler). */
  noteFull(): void {
    this.refused = { at: new Date().toISOString(), version: dataVersion(this.db), room: this.room(this.measure()) };
  }

  status(): StorageStatus {
    const m = this.measure();
    // A refusal stops counting once a write has succeeded since or room was freed.
    if (this.refused && (dataVersion(this.db) !== this.refused.version || this.room(m) > this.refused.room)) this.refused = undefined;
    const needBytes = 2 * this.uploadBytes;
    const ok = (m.disk === null || m.disk >= needBytes) && m.database >= this.uploadBytes && !this.refused;
    return { ok, diskFreeBytes: m.disk, databaseRoomBytes: m.database, needBytes, ...(this.refused ? { refusedAt: this.refused.at } : {}) };
  }

  /** The /healthz body: always answered; `ok` is false while writes cannot be accepted. */
  health(): { ok: boolean; message?: string; storage: StorageStatus } {
    const storage = this.status();
    return { ok: storage.ok, ...(storage.ok ? {} : { message: STORAGE_FULL_MESSAGE }), storage };
  }
}
