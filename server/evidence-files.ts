/**
 * 佐证 files on disk, content-addressed under <data>/evidence: originals at `ab/abcdef…` (sha256), thumbnails and
 * GPS-free copies (what leaves the server) under `derived/`, uploads in progress under `tmp/`. An original is written
 * to a temporary name, fsync'ed and renamed into place (server/durable.ts) before any database row refers to it, and
 * removed only after the last row referring to it is gone; an upload holding a hash pins it so a concurrent removal
 * of the same content cannot delete the file between "already there" and the row being written.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { StorageEngine } from 'multer';
import type { Request } from 'express';
import { fsyncDir, renameDurable, tempNameFor } from './durable';

export interface ReceivedFile {
  /** Temporary path of the complete upload. */
  tmp: string;
  sha256: string;
  size: number;
  /** The first bytes (for recognising the type). */
  head: Buffer;
}

const HEAD_BYTES = 1024;

/** The file each request is receiving now, to name it when multer stops an upload that is too large. */
export const receiving = new WeakMap<Request, string>();
const SHA = /^[0-9a-f]{64}$/;

export class EvidenceFiles {
  readonly root: string;
  private readonly tmpDir: string;
  private readonly derivedDir: string;
  private readonly pins = new Map<string, number>();
  private readonly locks = new Map<string, Promise<void>>();

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'evidence');
    this.tmpDir = path.join(this.root, 'tmp');
    this.derivedDir = path.join(this.root, 'derived');
    for (const dir of [this.root, this.tmpDir, this.derivedDir]) {
      const created = fs.mkdirSync(dir, { recursive: true });
      if (created) fsyncDir(path.dirname(dir));
    }
  }

  original(sha: string): string {
    if (!SHA.test(sha)) throw new Error(`not a sha256: ${sha}`);
    return path.join(this.root, sha.slice(0, 2), sha);
  }

  derived(sha: string, suffix: 'thumb.webp' | 'clean.jpg' | 'clean.png'): string {
    if (!SHA.test(sha)) throw new Error(`not a sha256: ${sha}`);
    return path.join(this.derivedDir, `${sha}.${suffix}`);
  }

  /** A multer storage engine that streams each file to tmp/ while hashing it: uploads never sit in memory. */
  storage(): StorageEngine {
    const tmpDir = this.tmpDir;
    return {
      _handleFile(req: Request, file: Express.Multer.File, cb: (error?: unknown, info?: Partial<Express.Multer.File> & ReceivedFile) => void) {
        receiving.set(req, file.originalname);
        const tmp = path.join(tmpDir, `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
        const hash = crypto.createHash('sha256');
        const heads: Buffer[] = [];
        let size = 0;
        let headSize = 0;
        const out = fs.createWriteStream(tmp, { flags: 'wx' });
        const fail = (e: unknown) => {
          out.destroy();
          fs.rm(tmp, { force: true }, () => cb(e));
        };
        file.stream.on('data', (chunk: Buffer) => {
          hash.update(chunk);
          size += chunk.length;
          if (headSize < HEAD_BYTES) {
            heads.push(chunk.subarray(0, HEAD_BYTES - headSize));
            headSize += Math.min(chunk.length, HEAD_BYTES - headSize);
          }
        });
        file.stream.on('error', fail);
        out.on('error', fail);
        out.on('finish', () => cb(null, { tmp, path: tmp, size, sha256: hash.digest('hex'), head: Buffer.concat(heads) }));
        file.stream.pipe(out);
      },
      _removeFile(_req: Request, file: Express.Multer.File & Partial<ReceivedFile>, cb: (error: Error | null) => void) {
        fs.rm(file.tmp ?? file.path, { force: true }, () => cb(null));
      },
    };
  }

  /** Drops uploads that were not placed (refused, or the request failed). */
  async discard(tmps: string[]): Promise<void> {
    for (const t of tmps) await fs.promises.rm(t, { force: true });
  }

  /** Keeps `sha` from being deleted until unpin (held from placing the file until its row is committed). */
  pin(sha: string): void {
    this.pins.set(sha, (this.pins.get(sha) ?? 0) + 1);
  }

  unpin(sha: string): void {
    const n = (this.pins.get(sha) ?? 1) - 1;
    if (n > 0) this.pins.set(sha, n);
    else this.pins.delete(sha);
  }

  /** Runs `task` while no other place/remove of the same hash runs. */
  private async locked<T>(sha: string, task: () => Promise<T>): Promise<T> {
    const before = this.locks.get(sha) ?? Promise.resolve();
    const run = before.then(task);
    const tail = run.then(() => undefined, () => undefined);
    this.locks.set(sha, tail);
    void tail.then(() => {
      if (this.locks.get(sha) === tail) this.locks.delete(sha);
    });
    return run;
  }

  /**
   * Moves a complete upload into place, durably; the same content already stored is kept and the upload dropped.
   * The caller pins `sha` first, so a removal running next cannot take the file away before its row is written.
   */
  place(tmp: string, sha: string): Promise<void> {
    return this.locked(sha, async () => {
      const target = this.original(sha);
      if (fs.existsSync(target)) {
        await fs.promises.rm(tmp, { force: true });
        return;
      }
      const dir = path.dirname(target);
      const created = await fs.promises.mkdir(dir, { recursive: true });
      if (created) fsyncDir(this.root);
      await renameDurable(tmp, target);
    });
  }

  /** Writes a derived file (thumbnail, clean copy) completely or not at all. */
  async writeDerived(file: string, bytes: Uint8Array): Promise<void> {
    const tmp = tempNameFor(file);
    try {
      await fs.promises.writeFile(tmp, bytes, { flag: 'wx' });
      await renameDurable(tmp, file);
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
      throw e;
    }
  }

  /** Deletes the files of hashes no row refers to any more (the caller checked that, in the same process). */
  async remove(shas: Iterable<string>): Promise<void> {
    for (const sha of new Set(shas)) {
      await this.locked(sha, async () => {
        if (this.pins.has(sha)) return; // an upload of the same content is about to refer to it
        const dirs = new Set<string>();
        for (const f of [this.original(sha), this.derived(sha, 'thumb.webp'), this.derived(sha, 'clean.jpg'), this.derived(sha, 'clean.png')]) {
          try {
            await fs.promises.unlink(f);
            dirs.add(path.dirname(f));
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
          }
        }
        for (const d of dirs) fsyncDir(d);
      });
    }
  }

  /**
   * At start-up: uploads that never finished, and files no row refers to (a crash between writing a file and its
   * row, or between removing the row and the file). `known` is the set of hashes in the database.
   */
  sweep(known: ReadonlySet<string>): { removed: number } {
    let removed = 0;
    for (const f of fs.readdirSync(this.tmpDir)) {
      fs.rmSync(path.join(this.tmpDir, f), { force: true });
      removed++;
    }
    for (const dir of fs.readdirSync(this.root)) {
      if (!/^[0-9a-f]{2}$/.test(dir)) continue;
      for (const f of fs.readdirSync(path.join(this.root, dir))) {
        if (SHA.test(f) && !known.has(f)) {
          fs.rmSync(path.join(this.root, dir, f), { force: true });
          removed++;
        } else if (!SHA.test(f)) fs.rmSync(path.join(this.root, dir, f), { force: true }); // a temporary name left by a crash
      }
    }
    for (const f of fs.readdirSync(this.derivedDir)) {
      const sha = f.slice(0, 64);
      if (!known.has(sha) || !/\.(thumb\.webp|clean\.(jpg|png))$/.test(f)) {
        fs.rmSync(path.join(this.derivedDir, f), { force: true });
        removed++;
      }
    }
    return { removed };
  }
}
