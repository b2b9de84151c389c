/**
 * Submission identity over real HTTP: one blank template handed to three units is three submissions; a unit's
 * resend is a version; a unit's second workbook is a second submission whose shared project is a 重复项目 counted once;
 * no answer names another unit; a 旗县区 uploads for its units (代为上传) and is audited as such; the JSON path keeps
 * the same rules; a database from before the identity migration keeps its submissions and their ids.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { testServer, type TestServer } from '../helpers/server';
import { buildTemplate } from '../../core/node/workbook/build';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { randomAnswers, seeded, validProject, validSubmission } from '../helpers/fixtures';
import { parseWorkbook } from '../../core/node/workbook/parse';
import { migrate, openDatabase } from '../../server/db';


const UNITS = ['甲建筑有限公司', '乙建筑有限公司', '丙建筑有限公司'];
type Stored = { id: string; workbookId: string; version: number; unchanged: boolean; unit: string; district: string; onBehalf: boolean; issues: Array<{ severity: string; message: string }> };

let s: TestServer;
let tokens: string[];
let district: string;
let otherDistrict: string;
let template: Uint8Array;
let workbookId: string;

const reporter = (unit: string) => ({ ...REPORTER, unit });
const fill = (bytes: Uint8Array, unit: string, names: string[], seed = 1) =>
  fillWorkbook(bytes, reporter(unit), names.map((n, i) => ({ fields: projectFields(i + 1, { enterprise: unit, projectName: n }), answers: randomAnswers(seeded(seed + i)) })));

beforeAll(async () => {
  s = await testServer();
  tokens = await Promise.all(UNITS.map((unit, i) => s.user({ name: `填报员${i + 1}`, role: 'unit', district: '东河区', unit })));
  district = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  otherDistrict = await s.user({ name: '青山区委组织部', role: 'district', district: '青山区' });
  // The district generated ONE blank workbook and sent it to all three units.
  template = await buildTemplate({ projects: 3 });
  workbookId = (await parseWorkbook(await fill(template, UNITS[0]!, ['x']))).submission!.submissionId;
});
afterAll(() => s.close());

const upload = (token: string, bytes: Uint8Array, name = '申报.xlsx', extra?: Record<string, string>) =>
  s.call<Stored>('POST', '/api/v1/submissions', { token, file: { bytes, name, ...(extra ? { extra } : {}) } });

test('one template copied to three units: three submissions, all accepted, nobody sees anybody else', async () => {
  const results: Array<{ status: number; body: Stored }> = [];
  for (const [i, unit] of UNITS.entries()) results.push(await upload(tokens[i]!, await fill(template, unit, [`${unit.slice(0, 1)}项目`]), `${unit}.xlsx`));
  expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
  expect(results.map((r) => r.body.unit)).toEqual(UNITS);
  expect(results.map((r) => r.body.workbookId)).toEqual([workbookId, workbookId, workbookId]);
  // The first keeps the workbook id as its server id; the others get their own stable ids.
  expect(results[0]!.body.id).toBe(workbookId);
  expect(new Set(results.map((r) => r.body.id)).size).toBe(3);
  expect(results.every((r) => r.body.version === 1 && !r.body.onBehalf)).toBe(true);
  // No answer names another unit.
  results.forEach((r, i) => UNITS.filter((_, k) => k !== i).forEach((other) => expect(JSON.stringify(r.body)).not.toContain(other)));

  for (const [i, token] of tokens.entries()) {
    const list = (await s.call<{ items: Array<{ id: string; unit: string }> }>('GET', '/api/v1/submissions', { token })).body.items;
    expect(list.map((x) => x.unit)).toEqual([UNITS[i]]);
    // Another unit's submission answers exactly as an unknown id would, and names no other unit.
    const foreign = await s.call<{ error: string }>('GET', `/api/v1/submissions/${results[(i + 1) % 3]!.body.id}`, { token });
    expect(foreign.status).toBe(404);
    UNITS.filter((_, k) => k !== i).forEach((other) => expect(foreign.body.error).not.toContain(other));
  }
  const all = (await s.call<{ items: Array<{ unit: string }> }>('GET', '/api/v1/submissions', { token: district })).body.items;
  expect(all.map((x) => x.unit).sort()).toEqual([...UNITS].sort());
});

test('the same unit re-sending its copy: identical → no-op, changed → next version of the same submission', async () => {
  const again = await upload(tokens[1]!, await fill(template, UNITS[1]!, ['乙项目']));
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ unchanged: true, version: 1 });
  const edited = await upload(tokens[1]!, await fill(template, UNITS[1]!, ['乙项目'], 7));
  expect(edited.status).toBe(201);
  expect(edited.body).toMatchObject({ id: again.body.id, version: 2, unit: UNITS[1] });
});

test('a second, different workbook of the same unit: a second submission; the shared project is 重复项目, counted once (the later)', async () => {
  const second = await buildTemplate({ projects: 3 });
  const r = await upload(tokens[0]!, await fill(second, UNITS[0]!, ['甲项目', '甲二期'], 3), '甲-工地二.xlsx');
  expect(r.status).toBe(201);
  expect(r.body.id).not.toBe(workbookId);
  expect(r.body.issues).toContainEqual(expect.objectContaining({ severity: 'warning', message: expect.stringContaining('重复项目：项目 1“甲项目”也在本单位的另一份申报') }));

  // Both the unit and its reviewer see it, on both submissions.
  for (const token of [tokens[0]!, district]) {
    const older = (await s.call<{ duplicates: unknown[]; issues: Array<{ message: string }> }>('GET', `/api/v1/submissions/${workbookId}`, { token })).body;
    expect(older.duplicates).toEqual([{ seq: 1, projectName: '甲项目', otherId: r.body.id, counted: false }]);
    expect(older.issues.map((i) => i.message)).toContainEqual(expect.stringContaining('以那一份为准'));
  }
  const listed = (await s.call<{ items: Array<{ id: string; duplicateProjects: number }> }>('GET', '/api/v1/submissions', { token: tokens[0] })).body.items;
  expect(Object.fromEntries(listed.map((x) => [x.id, x.duplicateProjects]))).toEqual({ [workbookId]: 1, [r.body.id]: 0 });

  // Every export counts the project once: the district workbook, the master and the dashboard's statistics.
  const master = await s.call('GET', '/api/v1/master.xlsx', { token: s.admin });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(master.body as unknown as ArrayBuffer);
  const names = wb.getWorksheet('细则明细')!.getSheetValues().slice(2).map((row) => (row as unknown[])[4]);
  expect(names.filter((n) => n === '甲项目')).toHaveLength(1);
  expect(names.sort()).toEqual(['丙项目', '乙项目', '甲二期', '甲项目'].sort());
  const files = wb.getWorksheet('文件清单')!.getSheetValues().slice(2).map((row) => (row as unknown[]).slice(1, 4));
  expect(files).toContainEqual([`甲建筑有限公司.xlsx（提交编号 ${workbookId}）`, '甲建筑有限公司（东河区）', '重复项目']);
  const stats = (await s.call<{ items: Array<{ district: string; submitted: number; projects: number }> }>('GET', '/api/v1/districts', { token: district })).body.items;
  expect(stats).toEqual([expect.objectContaining({ district: '东河区', submitted: 3, projects: 4 })]);
});

test('代为上传: a 旗县区 uploads a unit’s file; the answer names the unit; audited as 代为上传 by the 旗县区', async () => {
  // A 回执 table e-mailed by a unit without an account; no 旗县区 column: the district's own.
  const csv = '\ufeff序号,企业名称,项目情况（包括地址、建设规模等）,负责人,联系电话,开竣工日期\n1,丁建筑有限公司,东河区丁项目；地址：包头市东河区巴彦塔拉大街；规模：1万平方米,丁一,13912345678,2024.3-2024.12\n';
  const r = await upload(district, Buffer.from(csv), '丁-回执.csv');
  expect(r.status).toBe(201);
  expect(r.body).toMatchObject({ unit: '丁建筑有限公司', district: '东河区', onBehalf: true, version: 1 });
  const detail = (await s.call<{ audit: Array<{ action: string; actor: string; detail: { onBehalfOf: string } }>; versions: Array<{ onBehalf: boolean }> }>('GET', `/api/v1/submissions/${r.body.id}`, { token: district })).body;
  expect(detail.audit.map((a) => [a.action, a.actor, a.detail.onBehalfOf])).toEqual([['代为上传', '东河区委组织部', '丁建筑有限公司']]);
  expect(detail.versions[0]!.onBehalf).toBe(true);
  // The original comes back as the CSV it was; the annotated workbook is a filled template.
  const original = await s.call('GET', `/api/v1/submissions/${r.body.id}/original`, { token: district });
  expect(original.headers.get('content-type')).toContain('text/csv');
  const annotated = await s.call('GET', `/api/v1/submissions/${r.body.id}/annotated.xlsx`, { token: district });
  expect(annotated.status).toBe(200);
  expect((annotated.body as unknown as Buffer).subarray(0, 2).toString()).toBe('PK');

  // The district uploads 甲's e-mailed copy of the shared template, the name spelled 有限责任公司 with a space:
  // it is 甲's submission (next version), and 甲 sees it.
  const mail = await fill(template, '甲建筑 有限责任公司', ['甲项目', '甲三期'], 11);
  const byDistrict = await upload(district, mail, '甲-邮件.xlsx');
  expect(byDistrict.status).toBe(201);
  expect(byDistrict.body).toMatchObject({ id: workbookId, version: 2, unit: '甲建筑有限公司', onBehalf: true });
  const seen = (await s.call<{ versions: Array<{ byName: string; onBehalf: boolean }>; audit: Array<{ action: string }> }>('GET', `/api/v1/submissions/${workbookId}`, { token: tokens[0] })).body;
  expect(seen.versions.at(-1)).toMatchObject({ byName: '东河区委组织部', onBehalf: true });
  expect(seen.audit.at(-1)!.action).toBe('代为上传');

  // Another district's officer cannot upload for a 东河区 unit.
  const foreign = await upload(otherDistrict, mail, '甲-邮件.xlsx');
  expect(foreign.status).toBe(403);
  expect((foreign.body as unknown as { error: string }).error).toBe('只能代本旗县区（青山区）的单位提交，该申报属于东河区');
});

test('the add-in’s JSON path keeps the same key and says which projects have blank criteria', async () => {
  const json = validSubmission({ submissionId: workbookId, source: 'addin', reporter: { unit: UNITS[2], district: '东河区', contact: '丙', phone: '13912345678' }, projects: [validProject(1, { projectName: '丙项目', answers: { 'A01-1': '达到', 'A01-2': '部分达到' } })] });
  const r = await s.call<Stored>('POST', '/api/v1/submissions', { token: tokens[2], json });
  expect(r.status).toBe(201);
  expect(r.body.unit).toBe(UNITS[2]);
  expect(r.body.version).toBe(2);
  expect(r.body.id).not.toBe(workbookId);
  expect(r.body.issues.map((i) => i.message)).toContain('第 1 个项目有 53 条细则未填：请在《细则自评》补填（标注的工作簿中已标出未填的单元格）');
});

test('a database from before the identity migration keeps its submissions, ids and units', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-mig-'));
  const raw = new Database(path.join(dir, 'redsite.sqlite'));
  migrate(raw, 1);
  const now = new Date().toISOString();
  const sub = validSubmission({ reporter: { unit: '甲建筑　有限责任公司', district: '东河区', contact: '甲', phone: '13912345678' } });
  raw.prepare("INSERT INTO submissions (id, unit, district, state, latest_version, created_at, updated_at) VALUES (?, ?, '东河区', '已提交', 1, ?, ?)").run(sub.submissionId, sub.reporter.unit, now, now);
  raw.prepare("INSERT INTO versions (submission_id, version, content_hash, body, scores, issues, source, created_at) VALUES (?, 1, 'x', ?, '[]', '[]', 'import', ?)").run(sub.submissionId, JSON.stringify(sub), now);
  raw.close();
  const db = openDatabase(dir);
  expect(db.prepare('SELECT id, workbook_id, unit_key FROM submissions').all()).toEqual([{ id: sub.submissionId, workbook_id: sub.submissionId, unit_key: '东河区|甲建筑有限公司' }]);
  db.close();
  const old = await testServer({ dataDir: dir });
  try {
    const token = await old.user({ name: '甲', role: 'unit', district: '东河区', unit: '甲建筑有限公司' });
    const r = await old.call<Stored>('POST', '/api/v1/submissions', { token, json: { ...sub, projects: [validProject(1, { scale: '第二版' })] } });
    expect(r.body).toMatchObject({ id: sub.submissionId, version: 2 });
  } finally {
    await old.close();
  }
});
