/**
 * A file whose 填报单位 or 所属旗县区 is not the account's to submit: still 403 with the same reason and nothing
 * stored, and now with issues on the cells to fix (申报表!B3 填报单位, 申报表!E3 所属旗县区; in a 附件2 table the
 * cells its unit and 旗县区 were read from), for the dashboard's issue table and the add-in. Real HTTP on 127.0.0.1.
 */
import { buildTemplate } from '../../core/node/workbook/build';
import { fieldLabel } from '../../core/messages';
import { issuePlace } from '../../core/issues';
import { testServer, type TestServer } from '../helpers/server';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { validProject, validSubmission } from '../helpers/fixtures';

type Refusal = { error: string; code: string; issues?: Array<{ severity: string; sheet?: string; cell?: string; field: string; message: string }> };

let s: TestServer;
let unit: string;
let otherDistrict: string;
let template: Uint8Array;

beforeAll(async () => {
  s = await testServer();
  unit = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: REPORTER.unit });
  otherDistrict = await s.user({ name: '青山区委组织部', role: 'district', district: '青山区' });
  template = await buildTemplate({ projects: 2 });
});
afterAll(() => s.close());

const upload = (token: string, bytes: Uint8Array, name: string) => s.call<Refusal>('POST', '/api/v1/submissions', { token, file: { bytes, name } });
const nothingStored = async () => expect((await s.call<{ total: number }>('GET', '/api/v1/submissions', { token: s.admin })).body.total).toBe(0);
/** What the dashboard's issue table shows per row: 位置, 字段. */
const rows = (r: Refusal) => (r.issues ?? []).map((i) => [issuePlace(i), fieldLabel(i.field), i.severity]);

test('a unit account, a workbook of another 旗县区: 403, the reason, and the 所属旗县区 cell to fix', async () => {
  const file = await fillWorkbook(template, { ...REPORTER, district: '青山区' }, [{ fields: projectFields(1, { district: '青山区' }) }]);
  const r = await upload(unit, file, '申报.xlsx');
  expect(r.status).toBe(403);
  expect(r.body.error).toBe(`只能提交本单位的申报：您的账号属于“${REPORTER.unit}”（东河区），工作簿中的填报单位是“${REPORTER.unit}”（青山区）`);
  expect(rows(r.body)).toEqual([['申报表!E3', '所属旗县区', 'error']]);
  expect(r.body.issues![0]!.message).toContain('所属旗县区是“青山区”，您的账号属于东河区');
  await nothingStored();
});

test('a unit account, another unit’s workbook (and 旗县区): both cells, 填报单位 first', async () => {
  const file = await fillWorkbook(template, { ...REPORTER, unit: '包头市青山建筑有限公司', district: '青山区' }, [{ fields: projectFields(1, { district: '青山区' }) }]);
  const r = await upload(unit, file, '申报.xlsx');
  expect(r.status).toBe(403);
  expect(r.body.error).toContain('只能提交本单位的申报');
  expect(rows(r.body)).toEqual([['申报表!B3', '填报单位', 'error'], ['申报表!E3', '所属旗县区', 'error']]);
  expect(r.body.issues![0]!.message).toBe(`填报单位是“包头市青山建筑有限公司”，您的账号属于“${REPORTER.unit}”：如是本单位的申报，请把填报单位改为“${REPORTER.unit}”；如是其他单位的申报，请由该单位用自己的账号提交，或发给本旗县区代为上传`);
  await nothingStored();
});

test('the add-in’s JSON: the same cells of its workbook', async () => {
  const json = validSubmission({ source: 'addin', reporter: { unit: '包头市第二建筑工程有限公司', district: '东河区', contact: '李红', phone: '13912345678' }, projects: [validProject(1)] });
  const r = await s.call<Refusal>('POST', '/api/v1/submissions', { token: unit, json });
  expect(r.status).toBe(403);
  expect(rows(r.body)).toEqual([['申报表!B3', '填报单位', 'error']]);
  await nothingStored();
});

test('a 旗县区 uploading for another 旗县区’s unit: the 所属旗县区 cell', async () => {
  const file = await fillWorkbook(template, REPORTER, [{ fields: projectFields(1) }]);
  const r = await upload(otherDistrict, file, '一建.xlsx');
  expect(r.status).toBe(403);
  expect(r.body.error).toBe('只能代本旗县区（青山区）的单位提交，该申报属于东河区');
  expect(rows(r.body)).toEqual([['申报表!E3', '所属旗县区', 'error']]);
  await nothingStored();
});

test('a 附件2 table: the cells the unit and the 旗县区 were read from', async () => {
  const csv = '\ufeff序号,企业名称,项目情况（包括地址、建设规模等）,负责人,联系电话,开竣工日期,旗县区\n1,包头市青山建筑有限公司,青山项目；地址：包头市青山区钢铁大街；规模：1万平方米,丁一,13912345678,2024-03-01至2024-12-31,青山区\n';
  const r = await upload(unit, Buffer.from(csv), '回执.csv');
  expect(r.status).toBe(403);
  expect(r.body.issues!.map((i) => [i.cell, fieldLabel(i.field)])).toEqual([['B2', '填报单位'], ['G2', '所属旗县区']]);
  await nothingStored();
});
