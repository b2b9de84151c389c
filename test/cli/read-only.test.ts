/**
 * The commands that only read the data folder (backup, user list, roster list, showcase) never migrate its database:
 * a newer `redsite` run on the folder of an older server that is still running leaves that server's database as it
 * is. A backup copies the schema as it is and says so; restored with this version, the copy is upgraded when a
 * server opens it. The listing commands refuse a schema they do not know, saying what to do; the commands that change
 * data migrate as before, but not under a running server of an older version.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redsite } from '../helpers/cli';
import { testServer } from '../helpers/server';
import { validSubmission } from '../helpers/fixtures';
import { pdf } from '../helpers/evidence';
import { migrate, olderDatabaseMessage, openSqlite, schemaVersion, SCHEMA_VERSION, type DB } from '../../server/db';
import { unitKey } from '../../core/identity';
import { lockDataDir } from '../../server/data-lock';
import { olderServerMessage } from '../../cli/open-data';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const OLD = 3; // evidence, before the version summaries (4) and the list's index (5)

/**
 * A data folder as an older redsite (schema OLD) left it, with one submission and one evidence file; the connection
 * stays open, as the older server's would.
 */
function olderDataFolder(): { data: string; db: DB; id: string; evidence: Buffer } {
  const data = tmp('redsite-older-');
  const db = openSqlite(path.join(data, 'redsite.sqlite'));
  db.pragma('journal_mode = WAL');
  migrate(db, OLD);
  const now = new Date().toISOString();
  const sub = validSubmission({ reporter: { unit: '包头市旧版建设有限公司', district: '东河区', contact: '李红', phone: '13912345678' } });
  db.prepare("INSERT INTO submissions (id, unit, district, state, latest_version, created_at, updated_at, workbook_id, unit_key) VALUES (?, ?, '东河区', '已提交', 1, ?, ?, ?, ?)")
    .run(sub.submissionId, sub.reporter.unit, now, now, sub.submissionId, unitKey(sub.reporter.unit, '东河区'));
  db.prepare("INSERT INTO versions (submission_id, version, content_hash, body, scores, issues, source, created_at) VALUES (?, 1, 'x', ?, '[]', '[]', 'import', ?)").run(sub.submissionId, JSON.stringify(sub), now);
  const evidence = pdf('旧版佐证');
  const sha = crypto.createHash('sha256').update(evidence).digest('hex');
  fs.mkdirSync(path.join(data, 'evidence', sha.slice(0, 2)), { recursive: true });
  fs.writeFileSync(path.join(data, 'evidence', sha.slice(0, 2), sha), evidence);
  db.prepare("INSERT INTO evidence_files (sha256, size, kind, created_at) VALUES (?, ?, 'pdf', ?)").run(sha, evidence.length, now);
  db.prepare("INSERT INTO evidence (submission_id, project_seq, criterion, sha256, name, added_version, created_at) VALUES (?, 1, 'A01-1', ?, '制度.pdf', 1, ?)").run(sub.submissionId, sha, now);
  return { data, db, id: sub.submissionId, evidence };
}

const tables = (db: DB) => (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'index') ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);

test('backup of an older server’s running data folder copies it as it is (not upgraded), says so; restored here, a server upgrades and serves it', async () => {
  const { data, db, id, evidence } = olderDataFolder();
  const before = tables(db);
  const file = path.join(tmp('redsite-older-backup-'), 'b.sqlite');
  try {
    const r = await redsite(['backup', file, '--data', data]);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('1 份申报，1 个佐证文件，完整性检查通过');
    expect(r.stdout).toContain(`说明：数据目录中的数据库是较旧版本的 redsite 建立或升级的（数据库版本 ${OLD}，这个版本的 redsite 是 ${SCHEMA_VERSION}）。备份照原样保存，没有升级它（服务仍可用原来的版本继续运行）；用这个版本恢复后，第一次启动服务时自动升级`);
    // The older server's database is as it was: no migration ran under it.
    expect(schemaVersion(db)).toBe(OLD);
    expect(tables(db)).toEqual(before);
    const copy = openSqlite(file, { readonly: true, fileMustExist: true });
    expect(schemaVersion(copy)).toBe(OLD);
    copy.close();
  } finally {
    db.close();
  }

  const restored = tmp('redsite-older-restored-');
  const back = await redsite(['restore', file, '--data', restored]);
  expect([back.code, back.stderr, back.stdout.trim()]).toEqual([0, '', `已恢复到 ${restored}（1 份申报，1 个佐证文件）`]);
  const s = await testServer({ dataDir: restored });
  try {
    expect(schemaVersion(s.db)).toBe(SCHEMA_VERSION);
    const list = await s.call<{ items: Array<{ id: string; unit: string }> }>('GET', '/api/v1/submissions', { token: s.admin });
    expect(list.body.items.map((i) => [i.id, i.unit])).toEqual([[id, '包头市旧版建设有限公司']]);
    const items = (await s.call<{ items: Array<{ id: number }> }>('GET', `/api/v1/submissions/${id}/evidence`, { token: s.admin })).body.items;
    expect(items).toHaveLength(1);
    const got = await s.call('GET', `/api/v1/evidence/${items[0]!.id}/file`, { token: s.admin });
    expect(Buffer.compare(got.body as unknown as Buffer, evidence)).toBe(0);
  } finally {
    await s.close();
  }
});

test('user list, roster list and showcase on an older database: refused, saying what to do, and the database is left as it is', async () => {
  const { data, db } = olderDataFolder();
  const before = tables(db);
  try {
    const said = olderDatabaseMessage(path.join(data, 'redsite.sqlite'), OLD, SCHEMA_VERSION);
    expect(said).toContain('这个命令只读取数据、不升级数据库');
    for (const args of [['user', 'list'], ['roster', 'list'], ['showcase']]) {
      const r = await redsite([...args, '--data', data]);
      expect([args, r.code, r.stderr.trim(), r.stdout]).toEqual([args, 1, `错误：${said}`, '']);
    }
    expect(schemaVersion(db)).toBe(OLD);
    expect(tables(db)).toEqual(before);
  } finally {
    db.close();
  }
});

test('backup of a database a newer redsite has upgraded: copied as it is, saying only that version can use it; this version refuses to restore it', async () => {
  const data = tmp('redsite-newer-backup-');
  const s = await testServer({ dataDir: data });
  await s.close();
  const db = openSqlite(path.join(data, 'redsite.sqlite'));
  db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(SCHEMA_VERSION + 1, new Date().toISOString());
  db.close();
  const file = path.join(tmp('redsite-newer-backup-file-'), 'b.sqlite');
  const r = await redsite(['backup', file, '--data', data]);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(r.stdout).toContain(`注意：数据目录中的数据库已由较新版本的 redsite 建立或升级（数据库版本 ${SCHEMA_VERSION + 1}，这个版本的 redsite 只认识到 ${SCHEMA_VERSION}）。备份是它原样的副本，只能用那个较新版本（或更新的）redsite 恢复后使用`);
  const copy = openSqlite(file, { readonly: true, fileMustExist: true });
  expect(schemaVersion(copy)).toBe(SCHEMA_VERSION + 1);
  copy.close();
  // This version does not restore it: the folder it would go to keeps its database, untouched.
  const target = tmp('redsite-newer-restore-');
  const kept = await testServer({ dataDir: target });
  await kept.close();
  const before = fs.readFileSync(path.join(target, 'redsite.sqlite'));
  const refused = await redsite(['restore', file, '--data', target, '--force']);
  expect(refused).toEqual({ code: 1, stdout: '', stderr: `错误：备份文件 ${file} 来自较新版本的 redsite（数据库版本 ${SCHEMA_VERSION + 1}，这个版本的 redsite 是 ${SCHEMA_VERSION}），这个版本不能使用它：请用做备份的那个版本（或更新的版本）的 redsite 恢复；数据目录没有改动\n` });
  expect(fs.readFileSync(path.join(target, 'redsite.sqlite')).equals(before)).toBe(true);
});

test('user add and roster import beside a running server of an older version: refused (they would upgrade its database), saying what to do; with the server stopped they upgrade it', async () => {
  const { data, db } = olderDataFolder();
  const before = tables(db);
  // The older server holds the folder (server/data-lock.ts), as every server since the lock does.
  const server = lockDataDir(data);
  const roster = path.join(data, '名单.csv');
  fs.writeFileSync(roster, '单位名称,旗县区\n甲建设,东河区\n');
  const add = ['user', 'add', '--name', '东河区', '--role', 'district', '--district', '东河区', '--data', data];
  try {
    const said = olderServerMessage(process.pid, OLD, SCHEMA_VERSION);
    for (const args of [add, ['user', 'reissue', '1', '--data', data], ['user', 'revoke', '1', '--data', data], ['roster', 'import', roster, '--data', data]]) {
      const r = await redsite(args);
      expect([args, r.code, r.stderr.trim(), r.stdout]).toEqual([args, 1, `错误：${said}`, '']);
    }
    expect(schemaVersion(db)).toBe(OLD);
    expect(tables(db)).toEqual(before);
  } finally {
    server.release();
  }
  // Stopped: the command upgrades the database, as README's “升级到新版本” says.
  const r = await redsite(add);
  expect([r.code, r.stderr]).toEqual([0, '']);
  expect(schemaVersion(db)).toBe(SCHEMA_VERSION);
  db.close();
});
