/**
 * Review over real HTTP: approve and return act on the version the reviewer looked at (`version`), never on a newer
 * one uploaded meanwhile (409, nothing changed), and a repeated return of the same version records one return.
 * Every test starts its own server with its own data.
 */
import { eastRiverAccounts, perTestServers, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';

const start = perTestServers();

type Detail = { state: string; version: number; returnReason?: string; updatedAt?: string; audit: Array<{ action: string; detail: { version?: number; reason?: string } | null }> };
type Err = { code: string; error: string };

/** A submission of 一建 at 第 2 版 (the reviewer looked at 第 1 版), with its accounts. */
async function twoVersions(s: TestServer) {
  const accounts = await eastRiverAccounts(s);
  const sub = validSubmission({ projects: [validProject(1)] });
  expect((await s.call('POST', '/api/v1/submissions', { token: accounts.unit, json: sub })).status).toBe(201);
  const second = await s.call('POST', '/api/v1/submissions', { token: accounts.unit, json: { ...sub, projects: [validProject(1, { scale: '建筑面积 4 万平方米' })] } });
  expect(second.body).toMatchObject({ version: 2 });
  return { ...accounts, id: sub.submissionId };
}

const detail = async (s: TestServer, id: string, token: string) => (await s.call<Detail>('GET', `/api/v1/submissions/${id}`, { token })).body;
const auditCount = async (s: TestServer) => (await s.call<{ items: unknown[] }>('GET', '/api/v1/audit', { token: s.admin })).body.items.length;

test('approve of a version that is no longer the latest: 409 in Chinese naming the new version, nothing changed; the latest version approves', async () => {
  const s = await start();
  const { district, id } = await twoVersions(s);
  const before = await detail(s, id, district);
  const audits = await auditCount(s);

  const stale = await s.call<Err>('POST', `/api/v1/submissions/${id}/approve`, { token: district, json: { version: 1 } });
  expect(stale.status).toBe(409);
  expect(stale.body).toEqual({ code: 'CONFLICT', error: '您查看的是第 1 版，在此期间已上传了新的第 2 版，本次未审核通过（没有任何改动）：请先查看第 2 版再审核' });
  expect(await detail(s, id, district)).toEqual(before);
  expect(await auditCount(s)).toBe(audits);

  // A version that does not exist is refused as well.
  const ahead = await s.call<Err>('POST', `/api/v1/submissions/${id}/approve`, { token: district, json: { version: 3 } });
  expect([ahead.status, ahead.body.error]).toEqual([409, '该申报最新为第 2 版，没有第 3 版，本次未审核通过：请刷新后查看第 2 版再审核']);
  const bad = await s.call<Err>('POST', `/api/v1/submissions/${id}/approve`, { token: district, json: { version: '2' } });
  expect([bad.status, bad.body.error]).toEqual([422, '版本号（version）须为正整数，即申报详情中显示的“第 N 版”']);
  expect((await detail(s, id, district)).state).toBe('已提交');

  const ok = await s.call('POST', `/api/v1/submissions/${id}/approve`, { token: district, json: { version: 2 } });
  expect([ok.status, ok.body]).toEqual([200, { id, state: '已审核' }]);
  const after = await detail(s, id, district);
  expect(after.state).toBe('已审核');
  expect(after.audit.filter((a) => a.action === '审核通过').map((a) => a.detail?.version)).toEqual([2]);
  // Approving again changes nothing; approving the old version is still refused.
  expect((await s.call('POST', `/api/v1/submissions/${id}/approve`, { token: district, json: { version: 2 } })).body).toEqual({ id, state: '已审核', unchanged: true });
  expect((await s.call('POST', `/api/v1/submissions/${id}/approve`, { token: district, json: { version: 1 } })).status).toBe(409);
  expect(await auditCount(s)).toBe(audits + 1);
});

test('return of a version that is no longer the latest: 409, neither reason nor per-criterion marks stored; the latest version returns', async () => {
  const s = await start();
  const { unit, district, id } = await twoVersions(s);
  const before = await detail(s, id, district);
  const audits = await auditCount(s);

  const criteria = [{ project: 1, criterion: 'A01-1', reason: '佐证不足' }];
  const stale = await s.call<Err>('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { version: 1, reason: '请补充佐证材料', criteria } });
  expect(stale.status).toBe(409);
  expect(stale.body).toEqual({ code: 'CONFLICT', error: '您查看的是第 1 版，在此期间已上传了新的第 2 版，本次未退回（没有任何改动）：请先查看第 2 版再审核' });
  expect(await detail(s, id, district)).toEqual(before);
  expect((await s.call<{ returns: unknown[] }>('GET', `/api/v1/submissions/${id}/evidence`, { token: unit })).body.returns).toEqual([]);
  expect(await auditCount(s)).toBe(audits);

  const ret = await s.call<{ state: string; criteria: Array<{ criterion: string }> }>('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { version: 2, reason: '请补充佐证材料', criteria } });
  expect(ret.status).toBe(200);
  expect(ret.body).toMatchObject({ id, state: '退回修改', returnReason: '请补充佐证材料', criteria: [expect.objectContaining({ project: 1, criterion: 'A01-1' })] });
  const after = await detail(s, id, unit);
  expect(after).toMatchObject({ state: '退回修改', returnReason: '请补充佐证材料', version: 2 });
  expect(after.audit.filter((a) => a.action === '退回修改').map((a) => a.detail?.version)).toEqual([2]);
});

test('a double “确认退回” records one return; another reason for the same version replaces it; an approved submission can be returned', async () => {
  const s = await start();
  const { unit, district, id } = await twoVersions(s);
  const returns = async () => (await detail(s, id, district)).audit.filter((a) => a.action === '退回修改' || a.action === '退回细则');
  const body = { version: 2, reason: '请补充 A01-1 的佐证', criteria: [{ project: 1, criterion: 'A01-1', reason: '佐证不足' }] };

  // Two identical requests at once (a double click): both answered, one return recorded.
  const [a, b] = await Promise.all([0, 1].map(() => s.call<{ state: string; unchanged?: boolean }>('POST', `/api/v1/submissions/${id}/return`, { token: district, json: body })));
  expect([a!.status, b!.status]).toEqual([200, 200]);
  expect([a!.body.unchanged, b!.body.unchanged].filter(Boolean)).toEqual([true]);
  expect((await returns()).map((r) => r.action)).toEqual(['退回修改', '退回细则']);
  // The same again, later (a retry): still one.
  expect((await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: body })).body).toMatchObject({ state: '退回修改', unchanged: true });
  expect(await returns()).toHaveLength(2);

  // Another reason for the same version: the reason is replaced, and that return is recorded.
  const fixed = await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { version: 2, reason: '请补充 A01-1 的挂牌照片' } });
  expect(fixed.body).toEqual({ id, state: '退回修改', returnReason: '请补充 A01-1 的挂牌照片', annotated: `/api/v1/submissions/${id}/annotated.xlsx` });
  expect((await returns()).map((r) => r.detail?.reason ?? '')).toEqual(['请补充 A01-1 的佐证', '', '请补充 A01-1 的挂牌照片']);
  expect((await s.call<{ returns: unknown[] }>('GET', `/api/v1/submissions/${id}/evidence`, { token: unit })).body.returns).toEqual([]);

  // The unit submits 第 3 版, the district approves it, then finds a problem: it may return the approved version.
  const sub = validSubmission({ projects: [validProject(1, { scale: '建筑面积 5 万平方米' })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: { ...sub, submissionId: id } })).body).toMatchObject({ version: 3, state: '已提交' });
  expect((await s.call('POST', `/api/v1/submissions/${id}/approve`, { token: district, json: { version: 3 } })).status).toBe(200);
  const again = await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { version: 3, reason: '审核后发现开工日期有误' } });
  expect(again.body).toEqual({ id, state: '退回修改', returnReason: '审核后发现开工日期有误', annotated: `/api/v1/submissions/${id}/annotated.xlsx` });
});
