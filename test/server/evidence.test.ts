/**
 * 佐证材料 through the real server: attach photos (EXIF capture time, GPS) and documents to a project × criterion,
 * thumbnails, what reviewers see, who may attach and read, versions keeping evidence, removal never deleting a file
 * still in use, and that nothing leaves the server with a GPS position.
 */
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import exifr from 'exifr';
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { attach, docx, pdf, photo, pngImage, type Item } from '../helpers/evidence';


let s: TestServer;
let unit: string;
let otherUnit: string;
let district: string;
let otherDistrict: string;

const list = async (id: string, token: string, version?: number) =>
  (await s.call<{ items: Item[]; version: number; usage: { bytes: number } }>('GET', `/api/v1/submissions/${id}/evidence${version ? `?version=${version}` : ''}`, { token })).body;
const originals = () => {
  const root = path.join(s.dataDir, 'evidence');
  return fs.readdirSync(root).filter((d) => /^[0-9a-f]{2}$/.test(d)).flatMap((d) => fs.readdirSync(path.join(root, d)));
};

let sub: ReturnType<typeof validSubmission>;
beforeAll(async () => {
  s = await testServer();
  unit = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  otherUnit = await s.user({ name: '二建填报员', role: 'unit', district: '东河区', unit: '包头市第二建筑工程有限公司' });
  district = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  otherDistrict = await s.user({ name: '青山区委组织部', role: 'district', district: '青山区' });
  sub = validSubmission({ projects: [validProject(1, { answers: { 'A01-1': '达到', 'A02-3': '达到', 'C01-1': '达到' } }), validProject(2, { answers: { 'A01-1': '达到' } })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: sub })).status).toBe(201);
});
afterAll(() => s.close());

test('a unit attaches photos and documents; thumbnails, capture time and types; the exported photo has no GPS', async () => {
  const shot = await photo({ width: 1600, height: 1200, capturedAt: '2024:05:20 10:31:00', gps: true, seed: 1 });
  const second = await photo({ width: 640, height: 960, capturedAt: '2024:05:21 08:05:09', seed: 2 });
  expect((await exifr.gps(shot)).latitude).toBeCloseTo(40.6534, 3);
  const up = await attach(s, unit, sub.submissionId, 1, 'A01-1', [{ bytes: shot, name: '挂牌.jpg' }, { bytes: second, name: 'IMG_0002.JPG' }]);
  expect(up.status).toBe(201);
  expect(up.body.items).toEqual([
    expect.objectContaining({ project: 1, criterion: 'A01-1', name: '挂牌.jpg', kind: 'jpeg', size: shot.length, capturedAt: '2024-05-20 10:31:00', hadGps: true, width: 1600, height: 1200, addedVersion: 1, by: '一建填报员' }),
    expect.objectContaining({ name: 'IMG_0002.JPG', capturedAt: '2024-05-21 08:05:09', hadGps: false, width: 640, height: 960 }),
  ]);
  // Type by content, not by name: a PDF called .jpg is a PDF; a Word file and a PNG in the same request.
  const word = await docx();
  const png = await pngImage();
  const docs = await attach(s, unit, sub.submissionId, 1, 'A02-3', [{ bytes: pdf(), name: '制度上墙.jpg' }, { bytes: word, name: '党建工作制度.docx' }, { bytes: png, name: '截图.png' }]);
  expect(docs.status).toBe(201);
  expect(docs.body.items.map((i) => [i.kind, i.thumb === null])).toEqual([['pdf', true], ['docx', true], ['png', false]]);

  // Thumbnails: WebP, at most 320 px, upright.
  const thumb = await s.call('GET', up.body.items[0]!.thumb!, { token: unit });
  expect(thumb.status).toBe(200);
  expect(thumb.headers.get('content-type')).toBe('image/webp');
  const tm = await sharp(thumb.body as unknown as Buffer).metadata();
  expect([tm.format, tm.width, tm.height]).toEqual(['webp', 320, 240]);
  expect((await s.call('GET', `/api/v1/evidence/${docs.body.items[0]!.id}/thumb`, { token: unit })).status).toBe(404);

  // The file that leaves the server: the photo re-encoded without GPS, capture time kept; documents byte for byte.
  const out = await s.call('GET', up.body.items[0]!.file, { token: district });
  expect(out.headers.get('content-type')).toBe('image/jpeg');
  expect(out.headers.get('content-disposition')).toMatch(/^inline; .*filename\*=UTF-8''%E6%8C%82%E7%89%8C\.jpg$/);
  const exported = out.body as unknown as Buffer;
  expect(await exifr.gps(exported)).toBeUndefined();
  expect(((await exifr.parse(exported, { reviveValues: false, gps: true })) as Record<string, unknown>).GPSLatitude).toBeUndefined();
  expect(((await exifr.parse(exported, { reviveValues: false })) as Record<string, unknown>).DateTimeOriginal).toBe('2024:05:20 10:31:00');
  expect((await sharp(exported).metadata()).width).toBe(1600);
  expect(Buffer.compare((await s.call('GET', docs.body.items[0]!.file, { token: district })).body as unknown as Buffer, pdf())).toBe(0);
  const dl = await s.call('GET', `${docs.body.items[1]!.file}?download=1`, { token: district });
  expect(dl.headers.get('content-disposition')).toMatch(/^attachment;/);

  // The original keeps its GPS on the server (proof), stored once by content.
  const sha = (await import('node:crypto')).createHash('sha256').update(shot).digest('hex');
  expect(fs.readFileSync(path.join(s.dataDir, 'evidence', sha.slice(0, 2), sha)).equals(shot)).toBe(true);
  expect(fs.readdirSync(path.join(s.dataDir, 'evidence', 'tmp'))).toEqual([]);

  // The reviewer sees them per project × criterion, with capture times; the audit says who uploaded what.
  const seen = await list(sub.submissionId, district);
  expect(seen.items.map((i) => `${i.project}:${i.criterion}:${i.name}`)).toEqual(['1:A01-1:挂牌.jpg', '1:A01-1:IMG_0002.JPG', '1:A02-3:制度上墙.jpg', '1:A02-3:党建工作制度.docx', '1:A02-3:截图.png']);
  expect(seen.usage.bytes).toBe(shot.length + second.length + pdf().length + word.length + png.length);
  const detail = (await s.call<{ audit: Array<{ action: string; detail: { criterion?: string } }> }>('GET', `/api/v1/submissions/${sub.submissionId}`, { token: district })).body;
  expect(detail.audit.filter((a) => a.action === '上传佐证').map((a) => a.detail.criterion)).toEqual(['A01-1', 'A02-3']);
});

test('who may attach and read: owner unit, its district (代为上传) and the 秘书处; others get 404 as if it did not exist', async () => {
  const jpg = await photo({ seed: 3 });
  expect((await attach(s, otherUnit, sub.submissionId, 1, 'C01-1', [{ bytes: jpg, name: 'x.jpg' }])).status).toBe(404);
  expect((await attach(s, otherDistrict, sub.submissionId, 1, 'C01-1', [{ bytes: jpg, name: 'x.jpg' }])).status).toBe(404);
  const byDistrict = await attach(s, district, sub.submissionId, 1, 'C01-1', [{ bytes: jpg, name: '施工许可证.jpg' }]);
  expect(byDistrict.status).toBe(201);
  expect(byDistrict.body.items[0]!.by).toBe('东河区委组织部');
  expect((await attach(s, s.admin, sub.submissionId, 2, 'A01-1', [{ bytes: jpg, name: 'y.jpg' }])).status).toBe(201);

  expect((await s.call('GET', `/api/v1/submissions/${sub.submissionId}/evidence`, { token: otherUnit })).status).toBe(404);
  expect((await s.call('GET', `/api/v1/submissions/${sub.submissionId}/evidence`, { token: otherDistrict })).status).toBe(404);
  const id = byDistrict.body.items[0]!.id;
  for (const token of [otherUnit, otherDistrict]) {
    for (const url of [`/api/v1/evidence/${id}/file`, `/api/v1/evidence/${id}/thumb`]) {
      const r = await s.call('GET', url, { token });
      expect([r.status, (r.body as { error?: string }).error]).toEqual([404, '找不到这个佐证文件，或您无权查看']);
    }
    expect((await s.call('DELETE', `/api/v1/evidence/${id}`, { token })).status).toBe(404);
  }
  expect((await s.call('GET', '/api/v1/evidence/999999/file', { token: s.admin })).status).toBe(404);

  // Bad targets: a project not in the latest version, a criterion not in the rubric, missing fields.
  expect((await attach(s, unit, sub.submissionId, 7, 'A01-1', [{ bytes: jpg, name: 'z.jpg' }])).body.error).toBe('该申报的最新版本中没有序号为 7 的项目：请刷新后重新选择项目');
  expect((await attach(s, unit, sub.submissionId, 1, 'Z99-9', [{ bytes: jpg, name: 'z.jpg' }])).body.error).toBe('细则编号 Z99-9 不在评分细则中：请从细则列表中选择');
  expect((await attach(s, unit, sub.submissionId, '', 'A01-1', [{ bytes: jpg, name: 'z.jpg' }])).body.error).toBe('请同时填写项目序号（project）和细则编号（criterion）');
  expect((await attach(s, unit, sub.submissionId, 1, 'A01-1', [])).body.error).toContain('请在 files 字段选择');
  expect(fs.readdirSync(path.join(s.dataDir, 'evidence', 'tmp'))).toEqual([]);
});

test('versions keep evidence; removing keeps earlier versions and never deletes a file still used', async () => {
  const own = validSubmission({ reporter: { unit: '包头市第一建筑工程有限公司', district: '东河区', contact: '李红', phone: '13912345678' }, projects: [validProject(1, { projectName: '昆北小区二期安置房', answers: { 'A01-1': '达到', 'A01-2': '达到' } })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: own })).status).toBe(201);
  const shared = await photo({ seed: 10 });
  const lone = await photo({ seed: 11 });
  const a = (await attach(s, unit, own.submissionId, 1, 'A01-1', [{ bytes: shared, name: '组织.jpg' }])).body.items[0]!;
  const b = (await attach(s, unit, own.submissionId, 1, 'A01-2', [{ bytes: shared, name: '同一张.jpg' }])).body.items[0]!;
  const before = originals().length;
  expect(before).toBeGreaterThan(0);

  // Version 2 keeps both.
  const v2 = { ...own, projects: [validProject(1, { projectName: '昆北小区二期安置房', scale: '改过的规模', answers: { 'A01-1': '达到', 'A01-2': '达到' } })] };
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: v2 })).body).toMatchObject({ version: 2 });
  expect((await list(own.submissionId, unit)).items.map((i) => i.id)).toEqual([a.id, b.id]);

  // Removed in version 2: gone now, still part of version 1; the shared file stays for the other criterion.
  const del = await s.call('DELETE', `/api/v1/evidence/${a.id}`, { token: unit });
  expect(del.body).toMatchObject({ id: a.id, removedVersion: 2 });
  expect((await list(own.submissionId, unit)).items.map((i) => i.id)).toEqual([b.id]);
  expect((await list(own.submissionId, district, 1)).items.map((i) => [i.id, i.removedVersion])).toEqual([[a.id, 2], [b.id, undefined]]);
  expect((await s.call('GET', b.file, { token: unit })).status).toBe(200);
  expect((await s.call('GET', a.file, { token: district })).status).toBe(200); // version 1 can still be shown
  expect(originals().length).toBe(before);

  // Removing the last current use: version 1 still shows it, so the file stays.
  await s.call('DELETE', `/api/v1/evidence/${b.id}`, { token: unit });
  expect(originals().length).toBe(before);

  // Attached and removed within one version, used nowhere else: the row and the file go.
  const c = (await attach(s, unit, own.submissionId, 1, 'A01-1', [{ bytes: lone, name: '拍错了.jpg' }])).body.items[0]!;
  expect(originals().length).toBe(before + 1);
  expect((await s.call('DELETE', `/api/v1/evidence/${c.id}`, { token: unit })).status).toBe(200);
  expect(originals().length).toBe(before);
  expect((await s.call('GET', c.file, { token: unit })).status).toBe(404);
  expect((await s.call('DELETE', `/api/v1/evidence/${c.id}`, { token: unit })).status).toBe(404);

  // After approval the unit can no longer change evidence; the reviewer still can.
  await s.call('POST', `/api/v1/submissions/${own.submissionId}/approve`, { token: district });
  const late = await attach(s, unit, own.submissionId, 1, 'A01-1', [{ bytes: lone, name: '补充.jpg' }]);
  expect([late.status, late.body.error]).toEqual([409, '该申报已审核通过，填报单位不能再增删佐证材料；如需补充，请联系旗县区退回后再上传']);
  expect((await attach(s, district, own.submissionId, 1, 'A01-1', [{ bytes: lone, name: '补充.jpg' }])).status).toBe(201);
});

test('district overview counts 达到 answers without evidence; 细则明细 gets 佐证 counts', async () => {
  const stats = (await s.call<{ items: Array<{ district: string; achieved: number; achievedWithoutEvidence: number }> }>('GET', '/api/v1/districts', { token: district })).body.items;
  const dh = stats.find((d) => d.district === '东河区')!;
  // sub: project 1 has A01-1, A02-3, C01-1 达到 (all with evidence), project 2 A01-1 (with evidence);
  // own (v2): A01-1 (evidence added by the district after approval), A01-2 (its evidence was removed).
  expect(dh).toMatchObject({ achieved: 6, achievedWithoutEvidence: 1 });

  const master = await s.call('GET', '/api/v1/master.xlsx', { token: s.admin });
  expect(master.status).toBe(200);
  const ExcelJS = (await import('exceljs')).default;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(master.body as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('细则明细')!;
  const head = (ws.getRow(1).values as unknown[]).slice(1).map(String);
  const col = (h: string) => head.indexOf(h) + 1;
  expect(col('A01-1 佐证')).toBeGreaterThan(60);
  const rows = [...Array(ws.rowCount - 1).keys()].map((i) => ws.getRow(i + 2));
  const first = rows.find((r) => r.getCell(4).value === sub.projects[0]!.projectName && r.getCell(col('A02-3 佐证')).value === 3)!;
  expect(first.getCell(col('A01-1 佐证')).value).toBe(2);
  expect(first.getCell(col('C01-1 佐证')).value).toBe(1);
  expect(first.getCell(col('佐证文件数')).value).toBe(6);
  expect(first.getCell(col('达到但无佐证')).value).toBe(0);
});

test('OpenAPI lists the evidence and pack endpoints', async () => {
  const doc = (await s.call<{ paths: Record<string, Record<string, unknown>>; components: { schemas: { Return: { properties: Record<string, unknown> } } } }>('GET', '/api/v1/openapi.json')).body;
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/submissions/{id}/evidence', '/api/v1/evidence/{eid}/file', '/api/v1/evidence/{eid}/thumb', '/api/v1/evidence/{eid}', '/api/v1/showcase/pack.zip']));
  expect(Object.keys(doc.paths['/api/v1/submissions/{id}/evidence']!)).toEqual(['get', 'post']);
  expect(Object.keys(doc.components.schemas.Return.properties)).toEqual(['reason', 'criteria', 'version']);
});
