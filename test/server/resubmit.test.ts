/**
 * Uploading on one 申报's page (after a 退回: `target`) over real HTTP: the same workbook becomes its next version;
 * another workbook (a blank template downloaded again) is refused with 409 and nothing is stored or changed; a new
 * version of an approved 申报 says it reopened it; warnings come back with the stored answer.
 */
import { testServer, type TestServer } from '../helpers/server';
import { buildTemplate } from '../../core/node/workbook/build';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { randomAnswers, seeded } from '../helpers/fixtures';
import { STORE_MSG } from '../../server/submissions';
import type { OlderVersionDetails } from '../../server/model';

const UNIT = '包头市第三建筑工程有限公司';
type Stored = { id: string; version: number; unchanged: boolean; reopened: boolean; state: string; issues: Array<{ severity: string; field: string; message: string }> };
type Detail = { state: string; version: number; audit: Array<{ action: string }> };

let s: TestServer;
let unit: string;
let otherUnit: string;
let district: string;

const fill = (template: Uint8Array, project: string, seed = 1) =>
  fillWorkbook(template, { ...REPORTER, unit: UNIT }, [{ fields: projectFields(1, { enterprise: UNIT, projectName: project }), answers: randomAnswers(seeded(seed)) }]);
const upload = (token: string, bytes: Uint8Array, target?: string) =>
  s.call<Stored & { error?: string; code?: string; details?: OlderVersionDetails }>('POST', '/api/v1/submissions', { token, file: { bytes, name: '申报.xlsx', ...(target ? { extra: { target } } : {}) } });

beforeAll(async () => {
  s = await testServer();
  unit = await s.user({ name: '三建填报员', role: 'unit', district: '东河区', unit: UNIT });
  otherUnit = await s.user({ name: '四建填报员', role: 'unit', district: '东河区', unit: '包头市第四建筑工程有限公司' });
  district = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
});
afterAll(() => s.close());

test('a returned 申报: only its own workbook becomes its next version; another workbook is refused and changes nothing', async () => {
  const template = await buildTemplate({ projects: 2 });
  const first = await upload(unit, await fill(template, '一号楼'));
  expect(first.status).toBe(201);
  const id = first.body.id;
  expect((await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { reason: '联系电话有误，请核对' } })).status).toBe(200);
  const before = (await s.call<Detail>('GET', `/api/v1/submissions/${id}`, { token: unit })).body;
  expect(before.state).toBe('退回修改');

  // The unit downloaded a fresh blank workbook, filled it again and uploaded it on the returned 申报's page.
  const fresh = await fill(await buildTemplate({ projects: 2 }), '一号楼', 2);
  const refused = await upload(unit, fresh, id);
  expect(refused.status).toBe(409);
  expect(refused.body.error).toBe(STORE_MSG.otherWorkbook);
  expect(refused.body.error).toMatch(/本次未保存/);
  expect(refused.body).not.toHaveProperty('details');
  // Nothing stored: still one 申报, still 退回修改 at 第 1 版, no new audit entry.
  const list = (await s.call<{ total: number }>('GET', '/api/v1/submissions', { token: unit })).body;
  expect(list.total).toBe(1);
  const after = (await s.call<Detail>('GET', `/api/v1/submissions/${id}`, { token: unit })).body;
  expect(after).toMatchObject({ state: '退回修改', version: 1 });
  expect(after.audit).toEqual(before.audit);

  // Another unit's file aimed at this 申报 is refused too, and the answer names nothing of it.
  const stranger = await upload(otherUnit, await fillWorkbook(template, { ...REPORTER, unit: '包头市第四建筑工程有限公司' }, [{ fields: projectFields(1, { enterprise: '包头市第四建筑工程有限公司', projectName: '二号楼' }), answers: randomAnswers(seeded(3)) }]), id);
  expect(stranger.status).toBe(409);
  expect(JSON.stringify(stranger.body)).not.toContain(UNIT);

  // The same workbook, fixed, becomes 第 2 版 of the same 申报.
  const fixed = await upload(unit, await fill(template, '一号楼（改）'), id);
  expect(fixed.status).toBe(201);
  expect(fixed.body).toMatchObject({ id, version: 2, state: '已提交', reopened: false });
  const audit = (await s.call<Detail>('GET', `/api/v1/submissions/${id}`, { token: unit })).body.audit.map((a) => a.action);
  expect(audit).toContain('退回后重新提交');
});

test('a new version of an approved 申报 reopens it, and the answer says so', async () => {
  const template = await buildTemplate({ projects: 1 });
  const first = await upload(unit, await fill(template, '三号楼', 4));
  const id = first.body.id;
  expect((await s.call('POST', `/api/v1/submissions/${id}/approve`, { token: district, json: {} })).status).toBe(200);
  const again = await upload(unit, await fill(template, '三号楼（扩建）', 4));
  expect(again.status).toBe(201);
  expect(again.body).toMatchObject({ id, version: 2, state: '已提交', reopened: true });
  const detail = (await s.call<Detail>('GET', `/api/v1/submissions/${id}`, { token: district })).body;
  expect(detail.state).toBe('已提交');
  expect(detail.audit.map((a) => a.action)).toContain('审核通过后提交新版本');
  // The same content once more: unchanged, not reopened again.
  const same = await upload(unit, await fill(template, '三号楼（扩建）', 4));
  expect(same.body).toMatchObject({ unchanged: true, reopened: false });
});

test('a target that is not a 提交编号 is refused in Chinese', async () => {
  const r = await upload(unit, await fill(await buildTemplate({ projects: 1 }), '四号楼', 5), 'x'.repeat(101));
  expect(r.status).toBe(422);
  expect(r.body.error).toMatch(/提交编号/);
});

test('content of an older version: refused when a district uploads it for the unit (a stale attachment), a new version when the unit goes back to it', async () => {
  const template = await buildTemplate({ projects: 1 });
  const v1 = await fill(template, '五号楼', 6);
  const first = await upload(unit, v1);
  const id = first.body.id;
  expect((await upload(unit, await fill(template, '五号楼（二期）', 6))).body).toMatchObject({ id, version: 2 });
  // The district sends the old e-mail attachment again: nothing stored, and the answer says which versions.
  const stale = await upload(district, v1);
  expect(stale.status).toBe(409);
  expect(stale.body.code).toBe('OLDER_VERSION');
  expect(stale.body.error).toMatch(/第 1 版内容相同.*第 2 版/);
  // The same facts as values, for programs (redsite import --server) that word them themselves.
  expect(stale.body.details).toEqual({ unit: UNIT, olderVersion: 1, latestVersion: 2, state: '已提交' });
  expect(stale.body.error).toBe(STORE_MSG.olderVersion(stale.body.details!));
  expect((await s.call<Detail>('GET', `/api/v1/submissions/${id}`, { token: unit })).body.version).toBe(2);
  // The unit itself changed its mind and sends the first content again: that is its third version.
  const back = await upload(unit, v1);
  expect(back.status).toBe(201);
  expect(back.body).toMatchObject({ id, version: 3 });
});

test('?restore=1: a district stores an older version\'s content on purpose; the answer and the audit row name that version, nothing is deleted', async () => {
  const template = await buildTemplate({ projects: 1 });
  const v1 = await fill(template, '六号楼', 7);
  const id = (await upload(district, v1)).body.id;
  expect((await upload(district, await fill(template, '六号楼（二期）', 7))).body).toMatchObject({ id, version: 2 });
  expect((await upload(district, v1)).status).toBe(409);
  const restore = (bytes: Uint8Array) => s.call<Stored & { restoredFrom?: number }>('POST', '/api/v1/submissions?restore=1', { token: district, file: { bytes, name: '申报.xlsx' } });
  const restored = await restore(v1);
  expect(restored.status).toBe(201);
  expect(restored.body).toMatchObject({ id, version: 3, state: '已提交', restoredFrom: 1, unchanged: false });
  type Full = Detail & { submission: { projects: Array<{ projectName: string }> }; versions: Array<{ version: number; pruned?: boolean }>; audit: Array<{ action: string; detail: Record<string, unknown> }> };
  const detail = (await s.call<Full>('GET', `/api/v1/submissions/${id}`, { token: district })).body;
  expect(detail.submission.projects.map((p) => p.projectName)).toEqual(['六号楼']);
  expect(detail.versions.map((v) => v.version)).toEqual([1, 2, 3]);
  expect(detail.audit.at(-1)).toMatchObject({ action: '代为上传', detail: { version: 3, restoredFrom: 1 } });
  // A plain new version (not an older one's content) with restore=1 is just a new version: no restoredFrom.
  const v4 = await restore(await fill(template, '六号楼（三期）', 7));
  expect(v4.body).toMatchObject({ id, version: 4 });
  expect(v4.body.restoredFrom).toBeUndefined();
});

test('?restore=1&latest=N: a restore confirmed over version N is refused when another version came since, nothing stored; over the version now latest it goes through', async () => {
  const template = await buildTemplate({ projects: 1 });
  const v1 = await fill(template, '七号楼', 9);
  const id = (await upload(district, v1)).body.id;
  expect((await upload(district, await fill(template, '七号楼（二期）', 9))).body).toMatchObject({ id, version: 2 });
  const refused = await upload(district, v1);
  expect([refused.status, refused.body.details?.latestVersion]).toEqual([409, 2]);
  // While the officer reads the refusal, the unit uploads version 3.
  expect((await upload(unit, await fill(template, '七号楼（三期）', 9))).body).toMatchObject({ id, version: 3 });
  const restore = (latest: string) => s.call<Stored & { restoredFrom?: number; error?: string; code?: string }>('POST', `/api/v1/submissions?restore=1&latest=${latest}`, { token: district, file: { bytes: v1, name: '申报.xlsx' } });
  const moved = await restore('2');
  expect([moved.status, moved.body.code, moved.body.error]).toEqual([409, 'CONFLICT', `恢复未进行，本次未保存：确认恢复时“${UNIT}”这份申报最新是第 2 版，其间又上传了第 3 版。请先查看第 3 版，需要时再上传这个文件重新决定`]);
  type Full = Detail & { submission: { projects: Array<{ projectName: string }> }; versions: Array<{ version: number }> };
  const after = (await s.call<Full>('GET', `/api/v1/submissions/${id}`, { token: district })).body;
  expect([after.versions.map((v) => v.version), after.submission.projects[0]!.projectName]).toEqual([[1, 2, 3], '七号楼（三期）']);
  // A number that is not a version is refused as such.
  expect((await restore('x')).body).toMatchObject({ error: 'latest 须为确认恢复时看到的最新版本号（正整数）' });
  // Decided again over version 3: stored as version 4 with version 1's content.
  expect((await restore('3')).body).toMatchObject({ id, version: 4, restoredFrom: 1 });
});
