/**
 * Review over real HTTP: approve and return act on the version the reviewer looked at (`version`), never on a newer
 * one uploaded meanwhile (409, nothing changed), and a repeated return of the same version records one return.
 * Every test starts its own server with its own data.
 */
import { eastRiverAccounts, perTestServers, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';

const start = perTestServers();

type Criterion = { project: number; criterion: string; reason: string };
type Detail = { state: string; version: number; returnReason?: string; updatedAt?: string; audit: Array<{ action: string; detail: { version?: number; reason?: string; previousReason?: string; criteria?: Criterion[]; previousCriteria?: Criterion[] } | null }> };
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
  const returns = async () => (await detail(s, id, district)).audit.filter((a) => /退回/.test(a.action));
  const body = { version: 2, reason: '请补充 A01-1 的佐证', criteria: [{ project: 1, criterion: 'A01-1', reason: '佐证不足' }] };

  // Two identical requests at once (a double click): both answered, one return recorded.
  const [a, b] = await Promise.all([0, 1].map(() => s.call<{ state: string; unchanged?: boolean }>('POST', `/api/v1/submissions/${id}/return`, { token: district, json: body })));
  expect([a!.status, b!.status]).toEqual([200, 200]);
  expect([a!.body.unchanged, b!.body.unchanged].filter(Boolean)).toEqual([true]);
  expect((await returns()).map((r) => r.action)).toEqual(['退回修改', '退回细则']);
  // The same again, later (a retry): still one.
  expect((await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: body })).body).toMatchObject({ state: '退回修改', unchanged: true });
  expect(await returns()).toHaveLength(2);

  // Another reason and no criteria for the same version: both are replaced, each change recorded as what it is.
  const fixed = await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { version: 2, reason: '请补充 A01-1 的挂牌照片' } });
  expect(fixed.body).toEqual({ id, state: '退回修改', returnReason: '请补充 A01-1 的挂牌照片', annotated: `/api/v1/submissions/${id}/annotated.xlsx` });
  expect((await returns()).map((r) => r.action)).toEqual(['退回修改', '退回细则', '修改退回原因', '修改退回细则']);
  expect((await returns()).slice(2).map((r) => r.detail)).toEqual([
    { version: 2, previousReason: '请补充 A01-1 的佐证', reason: '请补充 A01-1 的挂牌照片' },
    { version: 2, previousCriteria: body.criteria, criteria: [] },
  ]);
  expect((await s.call<{ returns: unknown[] }>('GET', `/api/v1/submissions/${id}/evidence`, { token: unit })).body.returns).toEqual([]);

  // The unit submits 第 3 版, the district approves it, then finds a problem: it may return the approved version.
  const sub = validSubmission({ projects: [validProject(1, { scale: '建筑面积 5 万平方米' })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: { ...sub, submissionId: id } })).body).toMatchObject({ version: 3, state: '已提交' });
  expect((await s.call('POST', `/api/v1/submissions/${id}/approve`, { token: district, json: { version: 3 } })).status).toBe(200);
  const again = await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { version: 3, reason: '审核后发现开工日期有误' } });
  expect(again.body).toEqual({ id, state: '退回修改', returnReason: '审核后发现开工日期有误', annotated: `/api/v1/submissions/${id}/annotated.xlsx` });
});

test('changes to a return that stands: a new reason is “修改退回原因” (old and new) with no second 退回细则; new criteria alone are “修改退回细则”; the unit sees the new reason', async () => {
  const s = await start();
  const { unit, district, id } = await twoVersions(s);
  const criteria = [{ project: 1, criterion: 'A01-1', reason: '佐证不足' }];
  const ret = (json: Record<string, unknown>) => s.call<{ state: string; returnReason: string; unchanged?: boolean }>('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { version: 2, ...json } });
  const marks = async () => (await s.call<{ returns: Array<Criterion & { by: string; at: string }> }>('GET', `/api/v1/submissions/${id}/evidence`, { token: unit })).body.returns;
  const log = async () => (await detail(s, id, district)).audit.filter((a) => /退回/.test(a.action)).map((a) => [a.action, a.detail]);

  expect((await ret({ reason: '请补充项目 1 的安全生产制度', criteria })).status).toBe(200);
  const marked = await marks();
  expect(await log()).toEqual([
    ['退回修改', { version: 2, reason: '请补充项目 1 的安全生产制度' }],
    ['退回细则', { version: 2, criteria }],
  ]);

  // The dashboard's “修改退回原因…”: the new reason with the criteria already returned.
  const changed = await ret({ reason: '挂牌照片看不清，请补拍', criteria });
  expect(changed.body).toMatchObject({ state: '退回修改', returnReason: '挂牌照片看不清，请补拍' });
  expect(changed.body.unchanged).toBeUndefined();
  expect((await log()).slice(2)).toEqual([['修改退回原因', { version: 2, previousReason: '请补充项目 1 的安全生产制度', reason: '挂牌照片看不清，请补拍' }]]);
  // The criteria were not touched: the same rows, with who returned them and when.
  expect(await marks()).toEqual(marked);
  expect(await detail(s, id, unit)).toMatchObject({ state: '退回修改', returnReason: '挂牌照片看不清，请补拍' });
  // The same request again changes nothing and records nothing.
  expect((await ret({ reason: '挂牌照片看不清，请补拍', criteria })).body.unchanged).toBe(true);
  expect(await log()).toHaveLength(3);

  // Other criteria with the same reason: one 修改退回细则 row, old and new, no reason row.
  const more = [...criteria, { project: 1, criterion: 'A02-1', reason: '缺少会议记录' }];
  expect((await ret({ reason: '挂牌照片看不清，请补拍', criteria: more })).status).toBe(200);
  expect((await log()).slice(3)).toEqual([['修改退回细则', { version: 2, previousCriteria: criteria, criteria: more }]]);
  expect((await marks()).map((m) => m.criterion)).toEqual(['A01-1', 'A02-1']);
});

test('a new reason for a return, sent after the unit uploaded a new version: 409 “未修改退回原因”, nothing changed', async () => {
  const s = await start();
  const { unit, district, id } = await twoVersions(s);
  expect((await s.call('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { version: 2, reason: '请补充项目 1 的安全生产制度' } })).status).toBe(200);
  // The unit uploads 第 3 版 while the reviewer types a new reason for the return of 第 2 版.
  const sub = validSubmission({ projects: [validProject(1, { scale: '建筑面积 5 万平方米' })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: { ...sub, submissionId: id } })).body).toMatchObject({ version: 3, state: '已提交' });
  const before = await detail(s, id, district);
  const audits = await auditCount(s);
  const late = await s.call<Err>('POST', `/api/v1/submissions/${id}/return`, { token: district, json: { version: 2, reason: '挂牌照片看不清，请补拍' } });
  expect(late.status).toBe(409);
  expect(late.body).toEqual({ code: 'CONFLICT', error: '您查看的是第 2 版，在此期间已上传了新的第 3 版，未修改退回原因（没有任何改动）：请先查看第 3 版再审核' });
  expect(await detail(s, id, district)).toEqual(before);
  expect(await auditCount(s)).toBe(audits);
});
