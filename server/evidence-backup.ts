/**
 * 佐证 files in backups. A backup stays one self-contained SQLite file: after the consistent snapshot of the database,
 * the evidence files it refers to are copied into an `evidence_blobs` table of the copy (each checked against its
 * sha256). Restoring writes them back under evidence/ (durably, checked again) and drops the table. Thumbnails and
 * GPS-free copies are not backed up: the server makes them again from the originals when first asked.
 */
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { DB } from './db';
import { fsyncDir, writeFileDurable } from './durable';

export const BLOBS = 'evidence_blobs';

const hasTable = (db: DB, name: string) => Boolean(db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name));
const sha256 = (bytes: Uint8Array) => crypto.createHash('sha256').update(bytes).digest('hex');

/** A file the snapshot refers to was removed after the snapshot was taken (evidence deleted meanwhile): take a new one. */
export class EvidenceMoved extends Error {}

/** Copies into `copy` (the snapshot) every evidence file it refers to, read from `dataDir`. Returns how many. */
export function addEvidenceToBackup(copy: DB, dataDir: string): { files: number; bytes: number } {
  if (!hasTable(copy, 'evidence_files')) return { files: 0, bytes: 0 };
  copy.exec(`CREATE TABLE ${BLOBS} (sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL)`);
  const insert = copy.prepare(`INSERT INTO ${BLOBS} (sha256, bytes) VALUES (?, ?)`);
  let files = 0;
  let bytes = 0;
  copy.transaction(() => {
    for (const { sha256: sha } of copy.prepare('SELECT sha256 FROM evidence_files ORDER BY sha256').all() as Array<{ sha256: string }>) {
      let data: Buffer;
      try {
        data = fs.readFileSync(path.join(dataDir, 'evidence', sha.slice(0, 2), sha));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new EvidenceMoved(sha);
        throw e;
      }
      if (sha256(data) !== sha) throw new Error(`佐证文件 evidence/${sha.slice(0, 2)}/${sha} 已损坏（内容与校验码不符），请检查数据目录所在的磁盘`);
      insert.run(sha, data);
      files++;
      bytes += data.length;
    }
  })();
  return { files, bytes };
}

/** Evidence files a backup holds (0 for backups made before evidence existed). */
export function backupEvidenceCount(db: DB): number {
  return hasTable(db, BLOBS) ? (db.prepare(`SELECT COUNT(*) AS n FROM ${BLOBS}`).get() as { n: number }).n : 0;
}

/** In a restored database: writes the evidence files out under dataDir/evidence, then drops the table. */
export function extractEvidence(db: DB, dataDir: string): number {
  if (!hasTable(db, BLOBS)) return 0;
  const root = path.join(dataDir, 'evidence');
  const created = fs.mkdirSync(root, { recursive: true });
  if (created) fsyncDir(path.dirname(created));
  let n = 0;
  for (const row of db.prepare(`SELECT sha256, bytes FROM ${BLOBS}`).iterate() as IterableIterator<{ sha256: string; bytes: Buffer }>) {
    if (!/^[0-9a-f]{64}$/.test(row.sha256) || sha256(row.bytes) !== row.sha256) throw new Error(`备份中的佐证文件 ${row.sha256.slice(0, 80)} 已损坏（内容与校验码不符），未恢复`);
    const dir = path.join(root, row.sha256.slice(0, 2));
    if (fs.mkdirSync(dir, { recursive: true })) fsyncDir(root);
    writeFileDurable(path.join(dir, row.sha256), row.bytes);
    n++;
  }
  db.exec(`DROP TABLE ${BLOBS}`);
  db.exec('VACUUM');
  return n;
}
