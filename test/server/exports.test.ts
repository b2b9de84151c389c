/** server/exports.ts over real HTTP: the master and district workbooks, their ETag and 304, and who may download them. */
import ExcelJS from 'exceljs';
import { eastRiverAccounts, perTestServers } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';


const start = perTestServers();

test('exports: master and district workbooks with ETag and 304', async () => {
  const s = await start();
  const { unit, district } = await eastRiverAccounts(s);
  // 一建's two submissions share the project 北梁…1号楼 (重复项目); 青山建工 has one project.
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: validSubmission() })).status).toBe(201);
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: validSubmission() })).status).toBe(201);
  const qs = validSubmission({ reporter: { unit: '青山建工', district: '青山区', contact: '赵', phone: '13912345678' }, projects: [validProject(1, { district: '青山区' })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: s.admin, json: qs })).status).toBe(201);
  const m = await s.call('GET', '/api/v1/master.xlsx', { token: s.admin });
  expect(m.status).toBe(200);
  const etag = m.headers.get('etag')!;
  // Phone numbers inside: no browser or proxy keeps a copy; the ETag still serves clients that keep their own.
  expect(m.headers.get('cache-control')).toBe('no-store');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(m.body as unknown as ArrayBuffer);
  const rows = wb.getWorksheet('附件2汇总')!.getSheetValues().filter(Boolean);
  // 一建's two submissions share the project 北梁…1号楼 (重复项目): it counts once, so 2 projects, not 3.
  expect(rows).toHaveLength(1 + 2);
  const notModified = await s.call('GET', '/api/v1/master.xlsx', { token: s.admin, headers: { 'if-none-match': etag } });
  expect([notModified.status, notModified.headers.get('cache-control')]).toEqual([304, 'no-store']);
  const d = await s.call('GET', `/api/v1/districts/${encodeURIComponent('东河区')}/workbook.xlsx`, { token: district });
  expect(d.headers.get('cache-control')).toBe('no-store');
  const dwb = new ExcelJS.Workbook();
  await dwb.xlsx.load(d.body as unknown as ArrayBuffer);
  expect(dwb.worksheets.map((w) => w.name)).toEqual(['附件2汇总', '细则明细', '东河区', '统计', '文件清单']);
  expect((await s.call('GET', '/api/v1/master.xlsx', { token: district })).status).toBe(403);
  // A write changes the ETag.
  await s.call('POST', '/api/v1/submissions', { token: unit, json: validSubmission() });
  expect((await s.call('GET', '/api/v1/master.xlsx', { token: s.admin, headers: { 'if-none-match': etag } })).status).toBe(200);
});

