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
