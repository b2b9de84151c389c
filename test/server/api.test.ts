/** The service end to end over real HTTP: uploads, versions, review, roster, exports, restart. */
import ExcelJS from 'exceljs';
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission, randomAnswers, seeded } from '../helpers/fixtures';
import { buildTemplate } from '../../core/node/workbook/build';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { parseWorkbook } from '../../core/node/workbook/parse';
import { sheetValues } from '../helpers/xlsx-xml';

jest.setTimeout(60_000);

let s: TestServer;
let unit: string;
let district: string;
let otherUnit: string;
beforeAll(async () => {
  s = await testServer();
  unit = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  district = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  otherUnit = await s.user({ name: '二建填报员', role: 'unit', district: '东河区', unit: '包头市第二建筑工程有限公司' });
});
afterAll(() => s.close());

test('healthz, me, openapi, rubric, template', async () => {
  expect((await s.call('GET', '/healthz')).body).toMatchObject({ ok: true, storage: { ok: true } });
  expect((await s.call('GET', '/api/v1/me', { token: unit })).body).toMatchObject({ role: 'unit', roleLabel: '填报单位', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  const doc = (await s.call<{ openapi: string; components: { schemas: Record<string, unknown> } }>('GET', '/api/v1/openapi.json')).body;
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Submission', 'Issue', 'Error']));
  expect(((await s.call('GET', '/api/v1/rubric')).body as { hash: string }).hash).toMatch(/^[0-9a-f]{64}$/);
  const t = await s.call('GET', '/api/v1/template.xlsx?projects=3');
  expect(t.status).toBe(200);
  expect((t.body as unknown as Buffer).subarray(0, 2).toString()).toBe('PK');
  expect((await s.call('GET', '/api/v1/template.xlsx?projects=99')).body).toMatchObject({ code: 'BAD_REQUEST', error: expect.stringContaining('1 到 50') });
});

test('JSON upload → resend is a no-op → edit is a new version → return → resubmit → approve; diff and audit', async () => {
  const sub = validSubmission({ source: 'addin', projects: [validProject(1, { answers: { 'A01-1': '达到' } })] });
  const first = await s.call('POST', '/api/v1/submissions', { token: unit, json: sub });
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({ id: sub.submissionId, version: 1, unchanged: false, state: '已提交', late: true, unit: sub.reporter.unit, district: '东河区' });
  const again = await s.call('POST', '/api/v1/submissions', { token: unit, json: sub });
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ version: 1, unchanged: true });

  const edited = { ...sub, projects: [validProject(1, { scale: '建筑面积 3.5 万平方米', answers: { 'A01-1': '达到', 'A01-2': '部分达到' } })] };
  const second = await s.call('POST', '/api/v1/submissions', { token: unit, json: edited });
  expect(second.body).toMatchObject({ version: 2, unchanged: false });

  const diff = await s.call('GET', `/api/v1/submissions/${sub.submissionId}/diff?from=1&to=2`, { token: district });
  expect(diff.body).toEqual({
    from: 1, to: 2,
    fields: [{ project: 1, field: 'scale', label: '建设规模', before: '建筑面积 3.2 万平方米，地上 18 层', after: '建筑面积 3.5 万平方米' }],
    answers: [{ project: 1, criterion: 'A01-2', before: '未填', after: '部分达到' }],
  });

  expect((await s.call('POST', `/api/v1/submissions/${sub.submissionId}/return`, { token: district, json: {} })).body).toMatchObject({ code: 'INVALID', error: expect.stringContaining('请填写退回原因') });
  const ret = await s.call('POST', `/api/v1/submissions/${sub.submissionId}/return`, { token: district, json: { reason: '请补充 A01-2 的佐证说明' } });
  expect(ret.body).toEqual({ id: sub.submissionId, state: '退回修改', returnReason: '请补充 A01-2 的佐证说明', annotated: `/api/v1/submissions/${sub.submissionId}/annotated.xlsx` });
  expect((await s.call('GET', `/api/v1/submissions/${sub.submissionId}`, { token: unit })).body).toMatchObject({ state: '退回修改', returnReason: '请补充 A01-2 的佐证说明' });
  expect((await s.call('POST', `/api/v1/submissions/${sub.submissionId}/approve`, { token: district })).status).toBe(409);

  const third = await s.call('POST', '/api/v1/submissions', { token: unit, json: { ...edited, projects: [{ ...edited.projects[0]!, notes: { 'A01-2': '组织架构图' } }] } });
  expect(third.body).toMatchObject({ version: 3, state: '已提交' });
  expect((await s.call('POST', `/api/v1/submissions/${sub.submissionId}/approve`, { token: district })).body).toEqual({ id: sub.submissionId, state: '已审核' });

  const detail = (await s.call<{ versions: unknown[]; audit: Array<{ action: string; actor: string }>; submission: { projects: Array<{ notes: unknown }> } }>('GET', `/api/v1/submissions/${sub.submissionId}`, { token: district })).body;
  expect(detail.versions).toHaveLength(3);
  expect(detail.submission.projects[0]!.notes).toEqual({ 'A01-2': '组织架构图' });
  expect(detail.audit.map((a) => a.action)).toEqual(['提交申报', '重复提交（内容未变）', '提交新版本', '退回修改', '退回后重新提交', '审核通过']);
  expect(detail.audit[3]!.actor).toBe('东河区委组织部');
});

test('xlsx upload: parsed off the event loop, original kept, issues answered 422 with cells', async () => {
  const template = await buildTemplate({ projects: 3 });
  const good = await fillWorkbook(template, REPORTER, [{ fields: projectFields(1), answers: randomAnswers(seeded(3)) }]);
  const up = await s.call<{ id: string; version: number; scores: unknown[] }>('POST', '/api/v1/submissions', { token: unit, file: { bytes: good, name: '../../一建申报.xlsx' } });
  expect(up.status).toBe(201);
  expect(up.body.scores).toHaveLength(1);
  const orig = await s.call('GET', `/api/v1/submissions/${up.body.id}/original`, { token: unit });
  expect(Buffer.compare(orig.body as unknown as Buffer, good)).toBe(0);
  expect(orig.headers.get('content-disposition')).toContain('.xlsx');
  const detail = (await s.call<{ versions: Array<{ fileName: string }> }>('GET', `/api/v1/submissions/${up.body.id}`, { token: unit })).body;
  expect(detail.versions[0]!.fileName).toBe('一建申报.xlsx');

  const bad = await fillWorkbook(template, REPORTER, [{ fields: projectFields(1, { phone: '123' }) }]);
  const r = await s.call<{ error: string; issues: Array<{ sheet: string; cell: string; message: string }> }>('POST', '/api/v1/submissions', { token: unit, file: { bytes: bad, name: 'bad.xlsx' } });
  expect(r.status).toBe(422);
  expect(r.body.error).toBe('申报内容有 1 处需要修改，请按问题清单逐条修改后重新提交');
  expect(r.body.issues).toContainEqual(expect.objectContaining({ sheet: '申报表', cell: 'G7', message: expect.stringContaining('联系电话格式不正确') }));

  const pdf = await s.call<{ error: string }>('POST', '/api/v1/submissions', { token: unit, file: { bytes: Buffer.from('%PDF-1.4'), name: 'x.xlsx' } });
  expect(pdf.status).toBe(422);
  expect(pdf.body.error).toContain('这是 PDF 文件');
  const text = await s.call('POST', '/api/v1/submissions', { token: unit, headers: { 'content-type': 'text/plain' } });
  expect(text.status).toBe(415);
});

test('a unit cannot write another unit; district officers review only their district', async () => {
  const other = validSubmission({ reporter: { unit: '青山建工', district: '青山区', contact: '赵', phone: '13912345678' }, projects: [validProject(1, { district: '青山区' })] });
  const r = await s.call<{ error: string }>('POST', '/api/v1/submissions', { token: unit, json: other });
  expect(r.status).toBe(403);
  expect(r.body.error).toContain('只能提交本单位的申报');
  const byAdmin = await s.call<{ id: string }>('POST', '/api/v1/submissions', { token: s.admin, json: other });
  expect(byAdmin.status).toBe(201);
  const look = await s.call<{ error: string }>('POST', `/api/v1/submissions/${byAdmin.body.id}/approve`, { token: district });
  // Another district's submission answers like an unknown id: no one learns which ids exist elsewhere.
  expect(look.status).toBe(404);
  expect(look.body.error).toBe(`找不到提交编号为 ${byAdmin.body.id} 的申报`);
});

test('roster import, districts, not-submitted list, filters', async () => {
  const csv = '单位名称,旗县区,联系人,电话\n包头市第一建筑工程有限公司,东河区,李红,13912345678\n东河城建,东河区,周,0472-4123456\n青山建工,青山区,赵,13912345678\n';
  const imp = await s.call('POST', '/api/v1/roster', { token: s.admin, file: { bytes: Buffer.from(csv), name: '名单.csv' } });
  expect(imp.body).toMatchObject({ imported: 3 });
  const roster = (await s.call<{ items: Array<{ district: string; expected: number; submitted: number; approved: number; missing: Array<{ unit: string }> }> }>('GET', '/api/v1/roster', { token: district })).body.items;
  // 应报 = the roster's two 东河区 units plus the unit that only has an account (第二建筑).
  expect(roster).toEqual([expect.objectContaining({ district: '东河区', expected: 3, submitted: 1, approved: 0, missing: [{ unit: '东河城建', contact: '周', phone: '0472-4123456' }, { unit: '包头市第二建筑工程有限公司', contact: '', phone: '' }] })]);
  const stats = (await s.call<{ items: Array<{ district: string; submitted: number; projects: number }> }>('GET', '/api/v1/districts', { token: s.admin })).body.items;
  expect(stats.find((d) => d.district === '青山区')).toMatchObject({ submitted: 1, projects: 1 });
  const badRoster = await s.call<{ issues: Array<{ cell: string; message: string }> }>('POST', '/api/v1/roster', { token: s.admin, file: { bytes: Buffer.from('单位名称,旗县区\n甲,赛罕区\n'), name: 'x.csv' } });
  expect(badRoster.status).toBe(422);
  expect(badRoster.body.issues[0]).toMatchObject({ cell: 'B2', message: expect.stringContaining('赛罕区') });

  const list = async (q: string, token = s.admin) => (await s.call<{ items: Array<{ unit: string }> }>('GET', `/api/v1/submissions${q}`, { token })).body.items.map((i) => i.unit).sort();
  expect(await list('?district=青山区')).toEqual(['青山建工']);
  expect(await list('?state=已审核')).toEqual(['包头市第一建筑工程有限公司']);
  expect(await list('?q=北梁')).toHaveLength(3);
  expect(await list('', district)).toEqual(['包头市第一建筑工程有限公司', '包头市第一建筑工程有限公司']);
});

test('exports: master and district workbooks with ETag and 304', async () => {
  const m = await s.call('GET', '/api/v1/master.xlsx', { token: s.admin });
  expect(m.status).toBe(200);
  const etag = m.headers.get('etag')!;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(m.body as unknown as ArrayBuffer);
  const rows = wb.getWorksheet('附件2汇总')!.getSheetValues().filter(Boolean);
  // 一建's two submissions share the project 北梁…1号楼 (重复项目): it counts once, so 2 projects, not 3.
  expect(rows).toHaveLength(1 + 2);
  expect((await s.call('GET', '/api/v1/master.xlsx', { token: s.admin, headers: { 'if-none-match': etag } })).status).toBe(304);
  const d = await s.call('GET', `/api/v1/districts/${encodeURIComponent('东河区')}/workbook.xlsx`, { token: district });
  const dwb = new ExcelJS.Workbook();
  await dwb.xlsx.load(d.body as unknown as ArrayBuffer);
  expect(dwb.worksheets.map((w) => w.name)).toEqual(['附件2汇总', '细则明细', '东河区', '统计', '文件清单']);
  expect((await s.call('GET', '/api/v1/master.xlsx', { token: district })).status).toBe(403);
  // A write changes the ETag.
  await s.call('POST', '/api/v1/submissions', { token: unit, json: validSubmission() });
  expect((await s.call('GET', '/api/v1/master.xlsx', { token: s.admin, headers: { 'if-none-match': etag } })).status).toBe(200);
});

test('the audit log cannot be edited, even through the database', () => {
  expect(() => s.db.prepare("UPDATE audit SET action = 'x'").run()).toThrow('审计日志不可修改');
  expect(() => s.db.prepare('DELETE FROM audit').run()).toThrow('审计日志不可删除');
});

test('restart: everything is still there', async () => {
  const admin = s.admin;
  const list = async () => (await s.call<{ items: unknown[] }>('GET', '/api/v1/submissions', { token: admin })).body.items;
  const before = await list();
  await s.close();
  s = await testServer({ dataDir: s.dataDir });
  expect(s.secretariatToken).toBeUndefined();
  expect(await list()).toEqual(before);
  expect((await s.call('GET', '/api/v1/me', { token: unit })).status).toBe(200);
});

test('the add-in’s upload: Submission JSON plus the workbook file kept as the original', async () => {
  const sub = validSubmission({ source: 'addin' });
  const bytes = await buildTemplate({ projects: 1 });
  const r = await s.call<{ id: string; version: number }>('POST', '/api/v1/submissions', { token: unit, file: { bytes, name: '申报工作簿.xlsx', extra: { submission: JSON.stringify(sub) } } });
  expect(r.status).toBe(201);
  const detail = (await s.call<{ hasFile: boolean; submission: { source: string } }>('GET', `/api/v1/submissions/${r.body.id}`, { token: unit })).body;
  expect(detail).toMatchObject({ hasFile: true, submission: { source: 'addin' } });
  expect(Buffer.compare((await s.call('GET', `/api/v1/submissions/${r.body.id}/original`, { token: unit })).body as unknown as Buffer, bytes)).toBe(0);
  const bad = await s.call<{ error: string }>('POST', '/api/v1/submissions', { token: unit, file: { bytes, name: 'x.xlsx', extra: { submission: '{not json' } } });
  expect(bad.status).toBe(400);
  expect(bad.body.error).toBe('submission 字段不是有效的 JSON');
});

test('a returned unit downloads its own workbook annotated, with the reason on top', async () => {
  const template = await buildTemplate({ projects: 3 });
  const file = await fillWorkbook(template, { ...REPORTER, phone: 13912345678 as unknown as string }, [{ fields: projectFields(1) }]);
  const up = await s.call<{ id: string }>('POST', '/api/v1/submissions', { token: unit, file: { bytes: file, name: '一建.xlsx' } });
  expect(up.status).toBe(201);
  await s.call('POST', `/api/v1/submissions/${up.body.id}/return`, { token: district, json: { reason: '请把联系电话改为文本格式并完成自评' } });
  const r = await s.call('GET', `/api/v1/submissions/${up.body.id}/annotated.xlsx`, { token: unit });
  expect(r.status).toBe(200);
  expect(decodeURIComponent(r.headers.get('content-disposition')!)).toContain('一建（标注）.xlsx');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.body as unknown as ArrayBuffer);
  const list = wb.getWorksheet('问题清单')!;
  expect(list.getCell('A2').value).toBe('退回原因：请把联系电话改为文本格式并完成自评');
  expect(String(list.getCell('A3').value)).toContain('东河区委组织部');
  const messages = [5, 6, 7].map((row) => String(list.getCell(`D${row}`).value));
  expect(messages.some((m) => m.includes('存成了数字'))).toBe(true);
  expect(messages.some((m) => m.includes('尚未自评'))).toBe(true);
});

test('a submission sent as JSON (no file) comes back as a filled workbook with its issues marked', async () => {
  const json = validSubmission({ projects: [validProject(1, { answers: { 'A01-1': '达到' } }), validProject(2)] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json })).status).toBe(201);
  const ret = await s.call<{ state: string; annotated: string }>('POST', `/api/v1/submissions/${json.submissionId}/return`, { token: district, json: { reason: '请完成自评' } });
  expect(ret.body).toMatchObject({ state: '退回修改', annotated: `/api/v1/submissions/${json.submissionId}/annotated.xlsx` });
  const r = await s.call('GET', ret.body.annotated, { token: unit });
  expect(r.status).toBe(200);
  const bytes = r.body as unknown as Buffer;
  const parsed = await parseWorkbook(bytes);
  expect(parsed.submission).toEqual({ ...json, source: 'xlsx' });
  const list = sheetValues(bytes, '问题清单');
  expect(list.get('A2')).toBe('退回原因：请完成自评');
  // The unanswered criteria are listed and linked to their cells in 细则自评.
  const unanswered = [...list.entries()].filter(([k, v]) => /^D\d+$/.test(k) && String(v).includes('尚未自评'));
  expect(unanswered.length).toBeGreaterThan(0);
  expect(list.get(unanswered[0]![0].replace('D', 'A'))).toBe('细则自评');
  expect((await s.call('GET', ret.body.annotated, { token: otherUnit })).status).toBe(404);
});
