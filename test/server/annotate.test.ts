/** server/annotate.ts over real HTTP: the annotated workbook a returned unit downloads (its own file, or one filled from JSON). */
import ExcelJS from 'exceljs';
import { eastRiverAccounts, perTestServers } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { buildTemplate } from '../../core/node/workbook/build';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { parseWorkbook } from '../../core/node/workbook/parse';
import { sheetValues } from '../helpers/xlsx-xml';


const start = perTestServers();

test('a returned unit downloads its own workbook annotated, with the reason on top', async () => {
  const s = await start();
  const { unit, district } = await eastRiverAccounts(s);
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
  const s = await start();
  const { unit, district, otherUnit } = await eastRiverAccounts(s);
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

test('a new reason for a return: 问题清单 shows it with the reviewer who set it', async () => {
  const s = await start();
  const { unit, district } = await eastRiverAccounts(s);
  const json = validSubmission({ projects: [validProject(1, { answers: { 'A01-1': '达到' } })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json })).status).toBe(201);
  const id = json.submissionId;
  expect((await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { version: 1, reason: '请完成自评' } })).status).toBe(200);
  const first = sheetValues((await s.call('GET', `/api/v1/submissions/${id}/annotated.xlsx`, { token: unit })).body as unknown as Buffer, '问题清单');
  expect(first.get('A2')).toBe('退回原因：请完成自评');
  expect(String(first.get('A3'))).toContain('审核人：东河区委组织部');
  // The 秘书处 words it better: the reason on top is the new one, and it names who set it.
  const admin = (await s.call<{ name: string }>('GET', '/api/v1/me', { token: s.admin })).body.name;
  expect((await s.call('POST', `/api/v1/submissions/${id}/return`, { token: s.admin, json: { version: 1, reason: '请完成 55 条细则的自评' } })).status).toBe(200);
  const after = sheetValues((await s.call('GET', `/api/v1/submissions/${id}/annotated.xlsx`, { token: unit })).body as unknown as Buffer, '问题清单');
  expect(after.get('A2')).toBe('退回原因：请完成 55 条细则的自评');
  expect(String(after.get('A3'))).toContain(`审核人：${admin}`);
});

test('a return reason and unit text that start with = stay text in 问题清单 (read back with exceljs)', async () => {
  const s = await start();
  const { district } = await eastRiverAccounts(s);
  const unitText = '=HYPERLINK("http://evil","点我")';
  const json = validSubmission({ reporter: { unit: unitText, district: '东河区', contact: '=1+1', phone: '13912345678' }, projects: [validProject(1, { enterprise: unitText, answers: { 'A01-1': '达到' } })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: s.admin, json })).status).toBe(201);
  const reason = '=SUM(1+1)\n-请补充照片';
  const ret = await s.call<{ annotated: string }>('POST', `/api/v1/submissions/${json.submissionId}/return`, { token: district, json: { reason, criteria: [{ project: 1, criterion: 'A01-1', reason: '@照片不清楚' }] } });
  expect(ret.status).toBe(200);
  const r = await s.call('GET', ret.body.annotated, { token: district });
  expect(r.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.body as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('问题清单')!;
  expect(ws.getCell('A2').value).toBe(`退回原因：${reason}`);
  let cells = 0;
  ws.eachRow((row) => row.eachCell((c) => {
    if (c.type === ExcelJS.ValueType.Merge) return; // B2:E2, B3:E3 belong to A2, A3
    cells++;
    // Every cell is a string in text format: nothing Excel would recalculate or re-read as a formula.
    expect([c.address, c.type, c.numFmt]).toEqual([c.address, ExcelJS.ValueType.String, '@']);
  }));
  expect(cells).toBeGreaterThan(8);
  expect(ws.getColumn(4).values.map(String).some((m) => m.includes('@照片不清楚'))).toBe(true);
});
