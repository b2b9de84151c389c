/**
 * The embedded SQLite database (better-sqlite3, WAL): opening, pragmas and numbered migrations in code. The audit log
 * is append-only at the database level: triggers refuse UPDATE and DELETE on it.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { unitKey } from '../../core/identity';

export type DB = Database.Database;

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
];

/** Applies the migrations not yet applied (up to `target`, default all: tests stop earlier to check an upgrade). */
export function migrate(db: DB, target = MIGRATIONS.length): number {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  MIGRATIONS.slice(current, target).forEach((up, i) => {
    db.transaction(() => {
      up(db);
      db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(current + i + 1, new Date().toISOString());
    })();
  });
  return MIGRATIONS.length;
}

export function openDatabase(dataDir: string, opts: { readonly?: boolean } = {}): DB {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'redsite.sqlite'), { readonly: opts.readonly ?? false });
  if (!opts.readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  if (!opts.readonly) migrate(db);
  return db;
}

export function bumpDataVersion(db: DB): number {
  db.prepare("UPDATE settings SET value = CAST(value AS INTEGER) + 1 WHERE key = 'data_version'").run();
  return dataVersion(db);
}

export function dataVersion(db: DB): number {
  return Number((db.prepare("SELECT value FROM settings WHERE key = 'data_version'").get() as { value: string }).value);
}

export function getSetting(db: DB, key: string): string | undefined {
  return (db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
}

export function setSetting(db: DB, key: string, value: string): void {
  db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
}
