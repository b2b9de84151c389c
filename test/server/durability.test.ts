/**
 * The power-loss promise, as far as a test can reach it: every SQLite connection the product opens commits with
 * synchronous = FULL (the WAL is synced before COMMIT returns; an upload commits without it and is answered after the
 * WAL's fsync, shared with the uploads committed meanwhile: group-commit.test.ts), and a backup taken by the
 * real `redsite backup` command while uploads keep arriving restores to a database that passes integrity_check and
 * holds every submission acknowledged before the backup began.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, openSqlite, DURABILITY } from '../../server/db';
import { restore } from '../../cli/commands/backup';
import { testServer } from '../helpers/server';
import { validProject, validSubmission, randomAnswers, seeded } from '../helpers/fixtures';
import { contentHash } from '../../server/submissions';
import { validateSubmission } from '../../core/issues';
import { currentRubric } from '../../core/rubric';
import { redsite } from '../helpers/cli';

const root = path.join(__dirname, '../..');
const tmpdir = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `redsite-${name}-`));

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(p);
    return /\.(ts|js|mjs|cjs)$/.test(e.name) ? [p] : [];
  });
}

test('no connection bypasses openSqlite: the only place that constructs a better-sqlite3 Database', () => {
  const files = ['server', 'cli', 'core', 'bench', 'scripts', 'bin', 'addin/src'].flatMap((d) => (fs.existsSync(path.join(root, d)) ? sources(path.join(root, d)) : []));
  expect(files.length).toBeGreaterThan(20);
  const opens = files.filter((f) => {
    const text = fs.readFileSync(f, 'utf8');
    return /new\s+Database\s*\(/.test(text) || /(^|\n)\s*import\s+(?!type\b)[^;]*from\s+['"]better-sqlite3['"]/.test(text) || /require\(\s*['"]better-sqlite3['"]\s*\)/.test(text);
  });
  expect(opens.map((f) => path.relative(root, f))).toEqual([path.join('server', 'db', 'index.ts')]);
  // Worker processes (parse, export, annotate, roster) never write the database. Only the export worker reads it, over
  // its own read-only connection (WAL: it sees the last commit and blocks no writer), so the request thread does not
  // read and parse every stored body for an export; the others get their data by message.
  for (const worker of files.filter((f) => /worker\.ts$/.test(f))) {
    const text = fs.readFileSync(worker, 'utf8');
    if (path.basename(worker) === 'export-worker.ts') {
      expect(text).not.toMatch(/openDatabase/);
      expect(text.match(/openSqlite\(/g)).toHaveLength(1);
      expect(text).toMatch(/openSqlite\([^)]*\{ readonly: true, fileMustExist: true \}\)/);
    } else expect(text).not.toMatch(/from\s+['"][./]*\/?db['"]|openDatabase|openSqlite/);
  }
});

test('synchronous = FULL on every kind of connection: server, CLI read-write, read-only (showcase), backup check', async () => {
  const data = tmpdir('pragma');
  const rw = openDatabase(data); // redsite user add|list|revoke, backup's source
  const ro = openDatabase(data, { readonly: true }); // redsite showcase
  const check = openSqlite(path.join(data, 'redsite.sqlite'), { readonly: true, fileMustExist: true }); // backup/restore check
  const s = await testServer({ dataDir: data }); // the server itself
  try {
    for (const db of [rw, ro, check, s.db]) {
      expect(db.pragma('synchronous', { simple: true })).toBe(DURABILITY.synchronous);
      expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    }
    // Why it must be set on each connection: the library's own default for a WAL database is NORMAL.
    const raw = new Database(path.join(data, 'redsite.sqlite'));
    raw.prepare('SELECT 1').get();
    expect(raw.pragma('synchronous', { simple: true })).toBe(1);
    raw.close();
  } finally {
    await s.close();
    [rw, ro, check].forEach((db) => db.close());
  }
});

test('a backup taken by `redsite backup` during load restores intact with every submission acknowledged before it began', async () => {
  const s = await testServer({ limits: { requestsPerMinute: 100_000 } });
  const dir = tmpdir('backup-load');
  const acked = new Map<string, string>(); // id → content hash, in order of acknowledgement
  let stop = false;
  let n = 0;
  const clients = Array.from({ length: 6 }, async () => {
    while (!stop) {
      const i = n++;
      const sub = validSubmission({ projects: [validProject(1, { answers: randomAnswers(seeded(i)), scale: `第 ${i} 份` })] });
      const r = await s.call<{ id: string }>('POST', '/api/v1/submissions', { token: s.admin, json: sub });
      if (r.status !== 201) throw new Error(`upload ${i}: ${r.status} ${JSON.stringify(r.body)}`);
      acked.set(r.body.id, contentHash(validateSubmission(sub, currentRubric()).submission!));
    }
  });
  try {
    while (acked.size < 30) await new Promise((r) => setImmediate(r));
    const before = new Map(acked);
    const file = path.join(dir, '备份.sqlite');
    const out = await redsite(['backup', file, '--data', s.dataDir]);
    const duringBackup = acked.size - before.size;
    stop = true;
    await Promise.all(clients);
    expect(out.stdout).toContain('完整性检查通过');
    expect(duringBackup).toBeGreaterThan(0); // uploads kept being acknowledged while the backup ran

    const target = path.join(dir, 'restored');
    restore(file, target);
    const db = openSqlite(path.join(target, 'redsite.sqlite'), { readonly: true, fileMustExist: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Map((db.prepare('SELECT v.submission_id AS id, v.content_hash AS hash FROM versions v JOIN submissions s ON s.id = v.submission_id AND s.latest_version = v.version').all() as Array<{ id: string; hash: string }>).map((r) => [r.id, r.hash]));
      for (const [id, hash] of before) expect(stored.get(id)).toBe(hash);
      console.log(`backup during load: ${before.size} acknowledged before it began, ${duringBackup} more while it ran, ${stored.size} in the backup, ${acked.size} in all`);
    } finally {
      db.close();
    }
    const restored = await testServer({ dataDir: target });
    try {
      const list = await restored.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/submissions', { token: s.admin });
      const ids = new Set(list.body.items.map((i) => i.id));
      expect([...before.keys()].every((id) => ids.has(id))).toBe(true);
    } finally {
      await restored.close();
    }
  } finally {
    stop = true;
    await Promise.allSettled(clients);
    await s.close();
  }
});
