/**
 * The embedded SQLite database (better-sqlite3, WAL): opening, pragmas and numbered migrations in code. The audit log
 * is append-only at the database level: triggers refuse UPDATE and DELETE on it.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { unitKey } from '../../core/identity';
import { fsyncDir } from '../durable';
import { DB_FILE } from './file-name';
import { summarize, writeSummary } from './summaries';
import { stmt, type DB } from './statements';
import type { Submission } from '../../core/schema';
import type { ProjectScore } from '../../core/score';

export { stmt, type DB } from './statements';

const MIGRATIONS: Array<(db: DB) => void> = [
  (db) =>
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('secretariat', 'district', 'unit')),
        district TEXT,
        unit TEXT,
        token_hash TEXT NOT NULL UNIQUE,
        token_prefix TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by INTEGER,
        expires_at TEXT,
        revoked_at TEXT
      );
      CREATE TABLE submissions (
        id TEXT PRIMARY KEY,
        unit TEXT NOT NULL,
        district TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('已提交', '退回修改', '已审核')),
        return_reason TEXT,
        latest_version INTEGER NOT NULL,
        late INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX submissions_district ON submissions (district, state);
      CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        bytes BLOB NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE versions (
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        body TEXT NOT NULL,
        scores TEXT NOT NULL,
        issues TEXT NOT NULL,
        source TEXT NOT NULL,
        file_sha256 TEXT REFERENCES files (sha256),
        file_name TEXT,
        late INTEGER NOT NULL DEFAULT 0,
        created_by INTEGER,
        created_by_name TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (submission_id, version)
      );
      CREATE TABLE roster (
        id INTEGER PRIMARY KEY,
        unit TEXT NOT NULL,
        district TEXT NOT NULL,
        contact TEXT NOT NULL DEFAULT '',
        phone TEXT NOT NULL DEFAULT '',
        UNIQUE (unit, district)
      );
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor_id INTEGER,
        actor_name TEXT,
        action TEXT NOT NULL,
        target TEXT,
        detail TEXT,
        ip TEXT
      );
      CREATE INDEX audit_target ON audit (target);
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, '审计日志不可修改'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, '审计日志不可删除'); END;
      INSERT INTO settings (key, value) VALUES ('data_version', '0');
    `),
  // 2: identity is (unit, workbook), not the workbook copy's UUID alone (core/identity.ts). Existing rows keep their id
  // (= their workbook id); a new (unit, workbook) pair whose workbook id is taken gets a derived id. unit_key is the
  // normalised unit within its 旗县区, computed here once with the same function the server uses for new rows.
  // versions.on_behalf marks versions a 旗县区 (or the 秘书处) uploaded for the unit (代为上传).
  (db) => {
    db.exec(`
      ALTER TABLE submissions ADD COLUMN workbook_id TEXT NOT NULL DEFAULT '';
      ALTER TABLE submissions ADD COLUMN unit_key TEXT NOT NULL DEFAULT '';
      ALTER TABLE versions ADD COLUMN on_behalf INTEGER NOT NULL DEFAULT 0;
      UPDATE submissions SET workbook_id = id;
    `);
    const update = db.prepare('UPDATE submissions SET unit_key = ? WHERE id = ?');
    for (const r of db.prepare('SELECT id, unit, district FROM submissions').all() as Array<{ id: string; unit: string; district: string }>) update.run(unitKey(r.unit, r.district), r.id);
    db.exec('CREATE UNIQUE INDEX submissions_identity ON submissions (unit_key, workbook_id)');
  },
  // 3: 佐证材料 (server/evidence.ts): files live on disk under evidence/ by sha256 (evidence_files describes each once);
  // an evidence row attaches one to a project × criterion of a submission from version added_version on, until the
  // version it was removed in. criterion_returns: criteria a reviewer returned ("佐证不足") with the latest return.
  (db) =>
    db.exec(`
      CREATE TABLE evidence_files (
        sha256 TEXT PRIMARY KEY,
        size INTEGER NOT NULL,
        kind TEXT NOT NULL,
        width INTEGER,
        height INTEGER,
        captured_at TEXT,
        had_gps INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL
      );
      CREATE TABLE evidence (
        id INTEGER PRIMARY KEY,
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        project_seq INTEGER NOT NULL,
        criterion TEXT NOT NULL,
        sha256 TEXT NOT NULL REFERENCES evidence_files (sha256),
        name TEXT NOT NULL,
        added_version INTEGER NOT NULL,
        removed_version INTEGER,
        created_by INTEGER,
        created_by_name TEXT,
        created_at TEXT NOT NULL,
        removed_by_name TEXT,
        removed_at TEXT
      );
      CREATE INDEX evidence_submission ON evidence (submission_id, removed_version);
      CREATE INDEX evidence_sha ON evidence (sha256);
      CREATE TABLE criterion_returns (
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        version INTEGER NOT NULL,
        project_seq INTEGER NOT NULL,
        criterion TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_by_name TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (submission_id, version, project_seq, criterion)
      );
    `),
  // 4: a summary per version (version_summaries, server/versions.ts), written when a version is stored, so lists,
  // figures and the per-unit quota never read stored bodies; body_bytes and file_sha256 for the quota. versions.pruned_at:
  // the version's content (body, issues, original file) was cleared because newer versions exceeded the versions kept
  // (core/limits.ts versionsKept); its record stays. Existing versions are summarised here once, with the same
  // function the server uses for new ones.
  (db) => {
    db.exec(`
      CREATE TABLE version_summaries (
        submission_id TEXT NOT NULL REFERENCES submissions (id),
        version INTEGER NOT NULL,
        submitted_at TEXT NOT NULL,
        file_name TEXT,
        file_sha256 TEXT,
        summary TEXT NOT NULL,
        achieved TEXT NOT NULL,
        search_text TEXT NOT NULL,
        project_count INTEGER NOT NULL,
        avg_rate REAL NOT NULL,
        met_count INTEGER NOT NULL,
        body_bytes INTEGER NOT NULL,
        PRIMARY KEY (submission_id, version)
      );
      CREATE INDEX version_summaries_file ON version_summaries (file_sha256);
      ALTER TABLE versions ADD COLUMN pruned_at TEXT;
    `);
    // In batches: better-sqlite3 runs no other statement while an iterator is open, and bodies can be large.
    const batch = db.prepare('SELECT v.rowid AS rowid, v.submission_id AS id, v.version, v.body, v.scores, v.created_at, v.file_name, v.file_sha256, s.unit, s.district FROM versions v JOIN submissions s ON s.id = v.submission_id WHERE v.rowid > ? ORDER BY v.rowid LIMIT 200');
    type Row = { rowid: number; id: string; version: number; body: string; scores: string; created_at: string; file_name: string | null; file_sha256: string | null; unit: string; district: string };
    for (let after = 0; ; ) {
      const rows = batch.all(after) as Row[];
      if (!rows.length) break;
      for (const r of rows) writeSummary(db, r.id, r.version, summarize(JSON.parse(r.body) as Submission, JSON.parse(r.scores) as ProjectScore[], r.body, r));
      after = rows[rows.length - 1]!.rowid;
    }
  },
  // The list's order (newest first, ties by id): a page reads its own rows in index order and stops, instead of
  // sorting every stored submission for each page.
  (db) => db.exec('CREATE INDEX submissions_updated ON submissions (updated_at DESC, id)'),
];

/**
 * A database a newer redsite has created or upgraded (it applied migrations this code does not have). This code
 * does not know what they changed, so it neither reads nor writes it: after going back to an older version, the data
 * folder must come from a backup taken before the upgrade.
 */
export class NewerDatabaseError extends Error {}

export function newerDatabaseMessage(file: string, found: number, known: number): string {
  return `数据库 ${file} 已由较新版本的 redsite 建立或升级（数据库版本 ${found}，这个版本的 redsite 只认识到 ${known}），不能用这个版本打开：`
    + '请改用升级后的 redsite；如确需退回这个版本，请先停止服务，再用升级前的备份恢复（redsite restore 备份文件 --data 数据目录 --force）';
}

/** The schema versions this code knows: one per migration. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * A database an older redsite created or last upgraded, opened by a command that only reads (openDatabase
 * `readonly`): reading would go through this code's queries, which expect tables the older schema lacks, and
 * upgrading it is not a reading command's business (an older server may be running on it).
 */
export class OlderDatabaseError extends Error {}

export function olderDatabaseMessage(file: string, found: number, known: number): string {
  return `数据库 ${file} 是较旧版本的 redsite 建立或升级的（数据库版本 ${found}，这个版本的 redsite 是 ${known}），这个命令只读取数据、不升级数据库：`
    + '服务仍在用旧版本运行时，请用服务所用的那个版本的 redsite 运行这个命令；要升级时，先停止服务，再用这个版本启动一次（redsite serve --data 数据目录），数据库随即升级，之后再运行这个命令';
}

/** The schema version of a database: how many migrations have been applied to it (0: none, or not a redsite database yet). */
export function schemaVersion(db: DB): number {
  const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  return table ? ((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0) : 0;
}

/** Applies the migrations not yet applied (up to `target`, default all: tests stop earlier to check an upgrade). */
export function migrate(db: DB, target = MIGRATIONS.length): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const current = schemaVersion(db);
  if (current > MIGRATIONS.length) throw new NewerDatabaseError(newerDatabaseMessage(db.name, current, MIGRATIONS.length));
  MIGRATIONS.slice(current, target).forEach((up, i) => {
    db.transaction(() => {
      up(db);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(current + i + 1, new Date().toISOString());
    })();
  });
  return MIGRATIONS.length;
}

/**
 * Every SQLite connection redsite opens comes from here, so every one has the same durability settings.
 *
 * synchronous = FULL: in WAL mode SQLite then syncs the WAL at every commit, so a transaction whose COMMIT has
 * returned survives a power loss or OS crash (with NORMAL it "might roll back following a power loss or system
 * crash" — SQLite's PRAGMA synchronous documentation). EXTRA only adds a directory sync for DELETE-mode rollback
 * journals, which WAL does not use; the WAL file's own directory entry is synced by SQLite when it is created.
 * fullfsync = ON makes macOS use F_FULLFSYNC (its plain fsync does not flush the drive cache); elsewhere a no-op.
 * Uploaded originals are BLOBs in the `files` table, written in the same transaction as their version row: they
 * are on stable storage exactly when the submission is.
 */
export const DURABILITY = { synchronous: 2 /* FULL */, fullfsync: 1 } as const;

/** `timeout`: how long to wait for another connection's lock, in ms (better-sqlite3's default, 5 s, when not given). */
export function openSqlite(file: string, opts: { readonly?: boolean; fileMustExist?: boolean; timeout?: number } = {}): DB {
  const db = new Database(file, { readonly: opts.readonly ?? false, fileMustExist: opts.fileMustExist ?? false, ...(opts.timeout !== undefined ? { timeout: opts.timeout } : {}) });
  db.pragma(`synchronous = ${DURABILITY.synchronous}`);
  db.pragma(`fullfsync = ${DURABILITY.fullfsync}`);
  db.pragma(`checkpoint_fullfsync = ${DURABILITY.fullfsync}`);
  return db;
}

/**
 * The data folder's database. Read-write (the server, and the commands that change data): creates the folder and
 * the database when missing, and applies the migrations not yet applied.
 *
 * `readonly` (the commands that only read: backup, user list, roster list, showcase): the database must exist; it is
 * opened read-only and never migrated, so a newer redsite command run on the folder of an older server that is
 * still running reads it and leaves it as it is. Such a connection can read only the schema this code knows:
 * an older or newer one is refused (OlderDatabaseError, NewerDatabaseError), unless `anySchema` (a backup copies the
 * pages as they are, whatever they hold; schemaVersion says which schema that is).
 */
export function openDatabase(dataDir: string, opts: { readonly?: boolean; anySchema?: boolean } = {}): DB {
  const file = path.join(dataDir, DB_FILE);
  if (opts.readonly) {
    const db = openSqlite(file, { readonly: true, fileMustExist: true });
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (opts.anySchema) return db;
    let found: number;
    try {
      found = schemaVersion(db);
    } catch (e) {
      db.close();
      throw e;
    }
    if (found === SCHEMA_VERSION) return db;
    db.close();
    if (found > SCHEMA_VERSION) throw new NewerDatabaseError(newerDatabaseMessage(file, found, SCHEMA_VERSION));
    throw new OlderDatabaseError(olderDatabaseMessage(file, found, SCHEMA_VERSION));
  }
  // A new data folder's own entry must reach the disk too, or a power loss could take the whole folder.
  const created = fs.mkdirSync(dataDir, { recursive: true });
  if (created) fsyncDir(path.dirname(created));
  const db = openSqlite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  try {
    migrate(db);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

export function bumpDataVersion(db: DB): number {
  stmt(db, "UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'").run();
  return dataVersion(db);
}

export function dataVersion(db: DB): number {
  return Number((stmt(db, "SELECT value FROM settings WHERE key = 'data_version'").get() as { value: string }).value);
}

/**
 * Counts changes to accounts (created, 停用, 重新签发): 应报 counts active 填报单位 accounts (server/roster.ts), so
 * figures kept per data version are kept per this count too. Not the data version itself: accounts change no export.
 */
export function bumpAccountsVersion(db: DB): void {
  stmt(db, "INSERT INTO settings (key, value) VALUES ('accounts_version', '1') ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1").run();
}

export function accountsVersion(db: DB): number {
  return Number((stmt(db, "SELECT value FROM settings WHERE key = 'accounts_version'").get() as { value: string } | undefined)?.value ?? 0);
}

export function getSetting(db: DB, key: string): string | undefined {
  return (stmt(db, 'SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setSetting(db: DB, key: string, value: string): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
