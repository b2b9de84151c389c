/**
 * Backup → restore keeps the evidence: the backup stays one SQLite file holding the files it refers to (checked by
 * sha256), the restore writes them back under evidence/, and a server on the restored folder lists and serves the
 * same evidence (thumbnails made again, earlier versions' files included). Start-up sweeps files nothing refers to.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { attach, pdf, photo, type Item } from '../helpers/evidence';
import { backup, check, restore } from '../../cli/commands/backup';
import { openSqlite, SCHEMA_VERSION } from '../../server/db';
import { redsite } from '../helpers/cli';


const sha = (b: Uint8Array) => crypto.createHash('sha256').update(b).digest('hex');
const originals = (dataDir: string) => {
  const root = path.join(dataDir, 'evidence');
  return fs.readdirSync(root).filter((d) => /^[0-9a-f]{2}$/.test(d)).flatMap((d) => fs.readdirSync(path.join(root, d))).sort();
};

let s: TestServer;
let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-evbackup-'));
  s = await testServer({ dataDir: path.join(dir, 'data') });
});
afterAll(() => s.close());

test('backup → restore keeps the evidence, its versions and what the server serves', async () => {
  const unit = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  const sub = validSubmission({ projects: [validProject(1, { answers: { 'A01-1': '达到' } })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: sub })).status).toBe(201);
  const shot = await photo({ width: 900, height: 600, capturedAt: '2024:05:20 10:31:00', gps: true });
  const doc = pdf('backup me');
  const old = await photo({ seed: 9 });
  const up = await attach(s, unit, sub.submissionId, 1, 'A01-1', [{ bytes: shot, name: '挂牌.jpg' }, { bytes: doc, name: '文件.pdf' }, { bytes: old, name: '旧照片.jpg' }]);
  expect(up.status).toBe(201);
  // Version 2, then the old photo removed: only version 1 still shows it, and the backup must keep its file.
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: { ...sub, projects: [validProject(1, { scale: '新', answers: { 'A01-1': '达到' } })] } })).status).toBe(201);
  expect((await s.call('DELETE', `/api/v1/evidence/${up.body.items[2]!.id}`, { token: unit })).status).toBe(200);

  const file = path.join(dir, '备份.sqlite');
  const made = await backup(s.dataDir, file);
  expect(made).toMatchObject({ submissions: 1, evidence: 3 });
  expect(fs.readdirSync(dir).sort()).toEqual(['data', '备份.sqlite']); // one file, nothing beside it
  expect(check(file)).toEqual({ submissions: 1, evidence: 3, schema: SCHEMA_VERSION });

  // The real command restores into a fresh folder.
  const target = path.join(dir, '恢复');
  const out = await redsite(['restore', file, '--data', target]);
  expect(out.stdout).toContain('1 份申报，3 个佐证文件');
  expect(originals(target)).toEqual([sha(shot), sha(doc), sha(old)].sort());
  for (const b of [shot, doc, old]) expect(fs.readFileSync(path.join(target, 'evidence', sha(b).slice(0, 2), sha(b))).equals(b)).toBe(true);
  const restoredDb = openSqlite(path.join(target, 'redsite.sqlite'), { readonly: true, fileMustExist: true });
  expect(restoredDb.prepare("SELECT name FROM sqlite_master WHERE name = 'evidence_blobs'").get()).toBeUndefined();
  restoredDb.close();

  const r = await testServer({ dataDir: target });
  try {
    const items = async (v?: number) => (await r.call<{ items: Item[] }>('GET', `/api/v1/submissions/${sub.submissionId}/evidence${v ? `?version=${v}` : ''}`, { token: unit })).body.items;
    expect((await items()).map((i) => [i.name, i.capturedAt, i.hadGps])).toEqual([['挂牌.jpg', '2024-05-20 10:31:00', true], ['文件.pdf', undefined, false]]);
    expect((await items(1)).map((i) => i.name)).toEqual(['挂牌.jpg', '文件.pdf', '旧照片.jpg']);
    const [photoItem, docItem] = await items();
    const thumb = await r.call('GET', photoItem!.thumb!, { token: unit });
    expect([thumb.status, thumb.headers.get('content-type')]).toEqual([200, 'image/webp']);
    expect(((await r.call('GET', docItem!.file, { token: unit })).body as unknown as Buffer).equals(doc)).toBe(true);
    expect((await r.call('GET', (await items(1))[2]!.file, { token: unit })).status).toBe(200);
  } finally {
    await r.close();
  }

  // A backup is refused over an existing database unless forced; --force restores over it.
  expect(() => restore(file, target)).toThrow('已有数据库');
  expect(restore(file, target, true)).toEqual({ submissions: 1, evidence: 3, schema: SCHEMA_VERSION });
});

test('start-up removes unfinished uploads and files no row refers to, keeps the rest', async () => {
  const data = s.dataDir;
  const kept = originals(data);
  const stray = crypto.randomBytes(32).toString('hex');
  fs.mkdirSync(path.join(data, 'evidence', stray.slice(0, 2)), { recursive: true });
  fs.writeFileSync(path.join(data, 'evidence', stray.slice(0, 2), stray), 'orphan');
  fs.writeFileSync(path.join(data, 'evidence', 'tmp', 'half-upload'), 'partial');
  await s.close();
  s = await testServer({ dataDir: data });
  expect(originals(data)).toEqual(kept);
  expect(fs.readdirSync(path.join(data, 'evidence', 'tmp'))).toEqual([]);
});
