/**
 * A reviewer returns a submission with a reason on single criteria ("佐证不足"): the unit sees them with its evidence
 * list, and the annotated workbook marks exactly those answer cells (the unit's own uploaded file, where projects may
 * be renumbered or sit in later slots, and the filled template for JSON submissions).
 */
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { buildTemplate } from '../../core/node/workbook/build';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { parts, sheetPart, xml } from '../helpers/xlsx-xml';
import { currentRubric } from '../../core/rubric';
import { ISSUE_SHEET } from '../../core/node/workbook/annotate';
import { sheetValues } from '../helpers/xlsx-xml';
import { attach, photo } from '../helpers/evidence';


let s: TestServer;
let unit: string;
let district: string;
beforeAll(async () => {
  s = await testServer();
  unit = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  district = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
});
afterAll(() => s.close());

const row = (id: string) => 4 + currentRubric().byId.get(id)!.index;

function notesOf(file: Uint8Array, sheet: string): Map<string, string> {
  const all = parts(file);
  const part = sheetPart(all, sheet);
  const relsPart = part.replace(/([^/]+)$/, '_rels/$1.rels');
  if (!all[relsPart]) return new Map();
  const rels = xml(all, relsPart);
  const target = Array.from(rels.getElementsByTagName('Relationship')).find((r) => r.getAttribute('Type')!.endsWith('/comments'))?.getAttribute('Target');
  if (!target) return new Map();
  const doc = xml(all, `xl/${target.replace(/^\.\.\//, '')}`);
  return new Map(Array.from(doc.getElementsByTagName('comment')).map((c) => [c.getAttribute('ref')!, c.textContent ?? '']));
}

test('uploaded workbook: the returned criteria are marked on their answer cells, by 序号 (renumbered, later slot)', async () => {
  const all = Object.fromEntries(currentRubric().criteria.map((c) => [c.id, '达到']));
  // Project 1 in the first slot; the second project in slot 3 (slot 2 left empty) and numbered 2 by the unit.
  const file = await fillWorkbook(await buildTemplate({ projects: 4 }), REPORTER, [
    { slot: 0, fields: projectFields(1), answers: all },
    { slot: 2, fields: { ...projectFields(2), seq: 2 }, answers: all },
  ]);
  const up = await s.call<{ id: string }>('POST', '/api/v1/submissions', { token: unit, file: { bytes: file, name: '一建申报.xlsx' } });
  expect(up.status).toBe(201);
  const id = up.body.id;
  expect((await attach(s, unit, id, 2, 'A01-1', [{ bytes: await photo(), name: '挂牌.jpg' }])).status).toBe(201);

  // Bad criteria are refused before anything changes.
  const bad = await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { reason: '佐证不足', criteria: [{ project: 9, criterion: 'A01-1', reason: '佐证不足' }] } });
  expect([bad.status, (bad.body as { error: string }).error]).toEqual([422, '该申报的最新版本中没有序号为 9 的项目']);
  const badId = await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { reason: '佐证不足', criteria: [{ project: 1, criterion: 'A1', reason: '佐证不足' }] } });
  expect((badId.body as { error: string }).error).toBe('细则编号须形如 A01-1');
  const noReason = await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { reason: '佐证不足', criteria: [{ project: 1, criterion: 'A01-1', reason: ' ' }] } });
  expect((noReason.body as { error: string }).error).toBe('请填写这条细则的退回原因（至少 2 个字），如“佐证不足”');
  expect((await s.call<{ state: string }>('GET', `/api/v1/submissions/${id}`, { token: unit })).body.state).toBe('已提交');

  const ret = await s.call<{ state: string; criteria: unknown[] }>('POST', `/api/v1/submissions/${id}/return`, {
    token: district,
    json: { reason: '请补充佐证材料', criteria: [{ project: 2, criterion: 'A02-3', reason: '佐证不足：缺制度上墙照片' }, { project: 1, criterion: 'A01-1', reason: '佐证不足' }] },
  });
  expect(ret.status).toBe(200);
  expect(ret.body.state).toBe('退回修改');
  expect(ret.body.criteria).toEqual([
    expect.objectContaining({ project: 1, criterion: 'A01-1', reason: '佐证不足', by: '东河区委组织部' }),
    expect.objectContaining({ project: 2, criterion: 'A02-3', reason: '佐证不足：缺制度上墙照片' }),
  ]);
  // The unit sees them next to its evidence.
  const ev = (await s.call<{ returns: Array<{ project: number; criterion: string }>; items: unknown[] }>('GET', `/api/v1/submissions/${id}/evidence`, { token: unit })).body;
  expect(ev.returns.map((r) => `${r.project}:${r.criterion}`)).toEqual(['1:A01-1', '2:A02-3']);

  const annotated = await s.call('GET', `/api/v1/submissions/${id}/annotated.xlsx`, { token: unit });
  expect(annotated.status).toBe(200);
  const bytes = annotated.body as unknown as Buffer;
  const notes = notesOf(bytes, '细则自评');
  // Project 2 lives in slot 3 → column G; project 1 in column E.
  expect(notes.get(`G${row('A02-3')}`)).toContain('A02-3');
  expect(notes.get(`G${row('A02-3')}`)).toContain('退回：佐证不足：缺制度上墙照片');
  expect(notes.get(`E${row('A01-1')}`)).toContain('退回：佐证不足');
  expect([...notes.keys()].filter((k) => /^[EFGH]\d+$/.test(k)).sort()).toEqual([`E${row('A01-1')}`, `G${row('A02-3')}`].sort());
  // Listed first in 问题清单, with a link to the cell.
  const list = sheetValues(bytes, ISSUE_SHEET);
  expect(list.get('B5')).toBe(`细则自评!E${row('A01-1')}`);
  expect(list.get('C5')).toBe('项目 1 · 细则自评 A01-1');
  expect(String(list.get('D5'))).toContain('退回：佐证不足');
  expect(list.get('B6')).toBe(`细则自评!G${row('A02-3')}`);

  // Resubmitted: the marks belong to the return that is over.
  const again = await fillWorkbook(file, REPORTER, [{ slot: 2, fields: { ...projectFields(2), seq: 2, scale: '补充后的规模' } }]);
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, file: { bytes: again, name: '一建申报.xlsx' } })).status).toBe(201);
  expect((await s.call<{ returns: unknown[] }>('GET', `/api/v1/submissions/${id}/evidence`, { token: unit })).body.returns).toEqual([]);
  const clean = notesOf((await s.call('GET', `/api/v1/submissions/${id}/annotated.xlsx`, { token: unit })).body as unknown as Buffer, '细则自评');
  expect([...clean.values()].some((t) => t.includes('退回'))).toBe(false);
});

test('JSON submission: the marks land on the filled template', async () => {
  const sub = validSubmission({ source: 'addin', projects: [validProject(1, { answers: { 'C01-1': '达到' } }), validProject(2, { answers: { 'C01-1': '达到' } })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: sub })).status).toBe(201);
  await s.call('POST', `/api/v1/submissions/${sub.submissionId}/return`, { token: district, json: { reason: '佐证不足', criteria: [{ project: 2, criterion: 'C01-1', reason: '缺施工许可证照片' }] } });
  const bytes = (await s.call('GET', `/api/v1/submissions/${sub.submissionId}/annotated.xlsx`, { token: unit })).body as unknown as Buffer;
  expect(notesOf(bytes, '细则自评').get(`F${row('C01-1')}`)).toContain('退回：缺施工许可证照片');
  const audit = (await s.call<{ audit: Array<{ action: string; detail: { criteria?: unknown[] } }> }>('GET', `/api/v1/submissions/${sub.submissionId}`, { token: district })).body.audit;
  expect(audit.find((a) => a.action === '退回细则')?.detail.criteria).toEqual([{ project: 2, criterion: 'C01-1', reason: '缺施工许可证照片' }]);
});
