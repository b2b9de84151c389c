/** Authorization matrix: every endpoint × every role, own and foreign district/unit; expired and revoked tokens. */
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import type { Request } from 'express';
import { requestToken } from '../../server/auth';
import { stmt } from '../../server/db/statements';


let s: TestServer;
const tokens: Record<string, string> = {};
let own: string;
let foreign: string;

beforeAll(async () => {
  s = await testServer();
  tokens.secretariat = s.admin;
  tokens.district = await s.user({ name: '东河区', role: 'district', district: '东河区' });
  tokens.otherDistrict = await s.user({ name: '青山区', role: 'district', district: '青山区' });
  tokens.unit = await s.user({ name: '一建', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  tokens.otherUnit = await s.user({ name: '东河城建', role: 'unit', district: '东河区', unit: '东河城建' });
  await s.user({ name: '待重签', role: 'unit', district: '东河区', unit: '待重签单位' }); // account #6
  const a = validSubmission();
  own = a.submissionId;
  expect((await s.call('POST', '/api/v1/submissions', { token: tokens.unit, json: a })).status).toBe(201);
  const b = validSubmission({ reporter: { unit: '青山建工', district: '青山区', contact: '赵', phone: '13912345678' }, projects: [validProject(1, { district: '青山区' })] });
  foreign = b.submissionId;
  expect((await s.call('POST', '/api/v1/submissions', { token: tokens.secretariat, json: b })).status).toBe(201);
});
const tally = { allowed: 0, refused403: 0, hidden404: 0, unauthenticated401: 0 };
afterAll(async () => {
  console.log(`authorisation matrix: ${tally.allowed} allowed, ${tally.refused403} refused (403), ${tally.hidden404} foreign ids answered as unknown (404), ${tally.unauthenticated401} without a token (401)`);
  await s.close();
});

type Role = 'secretariat' | 'district' | 'otherDistrict' | 'unit' | 'otherUnit' | 'none';
const ROLES: Role[] = ['secretariat', 'district', 'otherDistrict', 'unit', 'otherUnit', 'none'];

const OWN_READERS: Role[] = ['secretariat', 'district', 'unit'];
const FOREIGN_READERS: Role[] = ['secretariat', 'otherDistrict'];

// [method, path, body?, who may (2xx/304), who may read the submission of an :id route]; everything else must be
// 403 (or 401 without a token) — except on :id routes, where a caller who may not even read the submission gets the
// same 404 as for an id that does not exist.
const MATRIX: Array<[string, () => string, (() => unknown) | undefined, Role[], Role[]?]> = [
  ['GET', () => '/api/v1/me', undefined, ['secretariat', 'district', 'otherDistrict', 'unit', 'otherUnit']],
  ['GET', () => '/api/v1/submissions', undefined, ['secretariat', 'district', 'otherDistrict', 'unit', 'otherUnit']],
  ['GET', () => `/api/v1/submissions/${own}`, undefined, ['secretariat', 'district', 'unit'], OWN_READERS],
  ['GET', () => `/api/v1/submissions/${own}/diff?from=1&to=1`, undefined, ['secretariat', 'district', 'unit'], OWN_READERS],
  ['GET', () => `/api/v1/submissions/${foreign}`, undefined, ['secretariat', 'otherDistrict'], FOREIGN_READERS],
  ['POST', () => `/api/v1/submissions/${own}/return`, () => ({ reason: '请补充材料' }), ['secretariat', 'district'], OWN_READERS],
  ['POST', () => `/api/v1/submissions/${own}/approve`, undefined, ['secretariat', 'district'], OWN_READERS],
  ['POST', () => `/api/v1/submissions/${foreign}/approve`, undefined, ['secretariat', 'otherDistrict'], FOREIGN_READERS],
  ['GET', () => '/api/v1/districts', undefined, ['secretariat', 'district', 'otherDistrict']],
  ['GET', () => '/api/v1/roster', undefined, ['secretariat', 'district', 'otherDistrict']],
  ['GET', () => '/api/v1/roster/missing.xlsx', undefined, ['secretariat', 'district', 'otherDistrict']],
  ['GET', () => `/api/v1/districts/${encodeURIComponent('东河区')}/workbook.xlsx`, undefined, ['secretariat', 'district']],
  ['GET', () => '/api/v1/master.xlsx', undefined, ['secretariat']],
  ['GET', () => '/api/v1/users', undefined, ['secretariat', 'district', 'otherDistrict']], // a district sees its own units' accounts
  ['POST', () => '/api/v1/users', () => ({ name: 'x', role: 'district', district: '九原区' }), ['secretariat']],
  ['POST', () => '/api/v1/users', () => ({ name: '东河新单位', role: 'unit', district: '东河区', unit: '东河新单位' }), ['secretariat', 'district']],
  ['POST', () => '/api/v1/users/6/reissue', undefined, ['secretariat', 'district']], // #6: a 东河区 unit account
  ['GET', () => '/api/v1/audit', undefined, ['secretariat']],
  ['PUT', () => '/api/v1/settings', () => ({ deadline: '2024-05-24T23:59:00+08:00' }), ['secretariat']],
  ['POST', () => '/api/v1/submissions', () => validSubmission(), ['secretariat', 'district', 'unit']],
  ['GET', () => `/api/v1/submissions/${foreign}/diff?from=1&to=1`, undefined, ['secretariat', 'otherDistrict'], FOREIGN_READERS],
  ['POST', () => `/api/v1/submissions/${foreign}/return`, () => ({ reason: '请补充材料' }), ['secretariat', 'otherDistrict'], FOREIGN_READERS],
  ['GET', () => `/api/v1/districts/${encodeURIComponent('青山区')}/workbook.xlsx`, undefined, ['secretariat', 'otherDistrict']],
  ['GET', () => '/api/v1/settings', undefined, ['secretariat', 'district', 'otherDistrict', 'unit', 'otherUnit']],
  ['POST', () => '/api/v1/users/1/revoke', undefined, ['secretariat']], // 409 for the secretariat: it cannot revoke itself
];

const cases = MATRIX.flatMap(([method, path, body, allowed, readers]) => ROLES.map((role) => [method, path, body, role, allowed.includes(role), readers ? !readers.includes(role) : false] as const));

test.each(cases.map((c) => [`${c[0]} ${c[1]()} as ${c[3]}`, ...c]))('%s', async (_label, method, path, body, role, allowed, hidden) => {
  const r = await s.call<{ error?: string }>(method, path(), { token: role === 'none' ? undefined : tokens[role], json: body?.() });
  if (role === 'none') {
    expect(r.status).toBe(401);
    expect(r.body.error).toContain('请先登录');
    tally.unauthenticated401++;
  } else if (allowed) {
    expect([200, 201, 304, 409]).toContain(r.status); // 409: allowed, but the state (e.g. already returned) forbids it
    tally.allowed++;
  } else if (hidden) {
    expect(r.status).toBe(404);
    expect(r.body.error).toMatch(/^找不到提交编号为 .* 的申报$/);
    tally.hidden404++;
  } else {
    expect(r.status).toBe(403);
    expect(r.body.error).toMatch(/[\u4e00-\u9fff]/);
    tally.refused403++;
  }
});

test('a foreign id and an unknown id get the same answer on every :id route', async () => {
  const unknown = '00000000-0000-4000-8000-000000000000';
  for (const [method, suffix, body] of [['GET', ''], ['GET', '/diff?from=1&to=1'], ['GET', '/original'], ['GET', '/annotated.xlsx'], ['POST', '/return', { reason: '请补充材料' }], ['POST', '/approve']] as Array<[string, string, unknown?]>) {
    const a = await s.call<{ error: string; code: string }>(method, `/api/v1/submissions/${foreign}${suffix}`, { token: tokens.unit, json: body });
    const b = await s.call<{ error: string; code: string }>(method, `/api/v1/submissions/${unknown}${suffix}`, { token: tokens.unit, json: body });
    expect([a.status, a.body.code, a.body.error.replace(foreign, 'ID')]).toEqual([404, 'NOT_FOUND', `找不到提交编号为 ID 的申报`]);
    expect([b.status, b.body.code, b.body.error.replace(unknown, 'ID')]).toEqual([a.status, a.body.code, a.body.error.replace(foreign, 'ID')]);
  }
});

test('a unit sees only its own submissions in lists', async () => {
  const items = (await s.call<{ items: Array<{ unit: string }> }>('GET', '/api/v1/submissions', { token: tokens.otherUnit })).body.items;
  expect(items).toEqual([]);
});

test('wrong, expired and revoked tokens → 401, each with its own Chinese message; re-issue replaces a token', async () => {
  const r = await s.call<{ user: { id: number }; token: string }>('POST', '/api/v1/users', { token: s.admin, json: { name: '临时', role: 'district', district: '九原区', expiresInDays: 1 } });
  s.db.prepare('UPDATE users SET expires_at = ? WHERE id = ?').run('2000-01-01T00:00:00.000Z', r.body.user.id);
  const expired = await s.call<{ error: string }>('GET', '/api/v1/me', { token: r.body.token });
  expect(expired.status).toBe(401);
  expect(expired.body.error).toBe('令牌已于 2000-01-01 08:00（北京时间）过期。遗失或过期的令牌无法找回：请联系本旗县区管理员或联盟秘书处在“账号”中重新签发');
  const t = await s.user({ name: '将停用', role: 'district', district: '九原区' });
  const users = (await s.call<{ items: Array<{ id: number; name: string }> }>('GET', '/api/v1/users', { token: s.admin })).body.items;
  const id = users.find((u) => u.name === '将停用')!.id;
  expect((await s.call('GET', '/api/v1/me', { token: t })).status).toBe(200);
  expect((await s.call('POST', `/api/v1/users/${id}/revoke`, { token: s.admin })).status).toBe(200);
  const revoked = await s.call<{ error: string }>('GET', '/api/v1/me', { token: t });
  expect(revoked.status).toBe(401);
  expect(revoked.body.error).toMatch(/^该账号的令牌已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）停用/);
  const wrong = await s.call<{ error: string }>('GET', '/api/v1/me', { token: 'rs_guessed-token' });
  expect(wrong.status).toBe(401);
  expect(wrong.body.error).toMatch(/^令牌不正确：请检查是否完整复制/);
  // Re-issue: a new token works at once, the old one is refused as wrong.
  const again = await s.call<{ token: string; user: { revokedAt: string | null } }>('POST', `/api/v1/users/${id}/reissue`, { token: s.admin });
  expect(again.status).toBe(200);
  expect(again.body.user.revokedAt).toBeNull();
  expect((await s.call('GET', '/api/v1/me', { token: again.body.token })).status).toBe(200);
  expect((await s.call<{ error: string }>('GET', '/api/v1/me', { token: t })).body.error).toMatch(/^令牌不正确/);
  // Tokens are stored only as hashes.
  const stored = s.db.prepare('SELECT token_hash FROM users').all() as Array<{ token_hash: string }>;
  expect(stored.some((u) => u.token_hash.includes(t.slice(3)))).toBe(false);
});

test('guessing tokens is throttled; many concurrent valid requests are not', async () => {
  const limited = await testServer({ limits: { signInAttempts: 5 } });
  try {
    const ok = await Promise.all(Array.from({ length: 30 }, () => limited.call('GET', '/api/v1/me', { token: limited.admin })));
    expect(ok.every((r) => r.status === 200)).toBe(true);
    const guesses = [];
    for (let i = 0; i < 7; i++) guesses.push((await limited.call<{ error: string }>('GET', '/api/v1/me', { token: `rs_guess${i}` })));
    expect(guesses.slice(0, 5).map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    expect(guesses[6]!.status).toBe(429);
    expect(guesses[6]!.body.error).toMatch(/^登录失败次数过多（15 分钟内最多 5 次）：请核对令牌是否完整复制（以 rs_ 开头，不含空格），1[45] 分钟后再试$/);
    expect((await limited.call('GET', '/api/v1/me', { token: limited.admin })).status).toBe(200);
  } finally {
    await limited.close();
  }
});

test('a 429 says how long to wait, counted from the limiter’s reset time for this client: the request limit and the failed sign-in limit', async () => {
  // Only Date is faked: the limiters' clock stands still, or moves when the test says.
  const start = Date.parse('2024-05-20T10:00:00+08:00');
  jest.useFakeTimers({ now: start, doNotFake: ['nextTick', 'setImmediate', 'clearImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'queueMicrotask', 'hrtime', 'performance'] });
  const limited = await testServer({ limits: { requestsPerMinute: 5, signInAttempts: 3 } });
  try {
    const me = (token: string) => limited.call<{ error: string; code: string }>('GET', '/api/v1/me', { token });
    // Failed sign-ins: the 4th within 15 minutes is refused until the window of the first has passed.
    for (let i = 0; i < 3; i++) expect((await me(`rs_guess${i}`)).status).toBe(401);
    const signIn = (wait: string) => `登录失败次数过多（15 分钟内最多 3 次）：请核对令牌是否完整复制（以 rs_ 开头，不含空格），${wait}后再试`;
    let r = await me('rs_guess3');
    expect([r.status, r.body, r.headers.get('retry-after')]).toEqual([429, { error: signIn('15 分钟'), code: 'RATE_LIMITED' }, '900']);
    jest.setSystemTime(start + 10 * 60_000 + 1);
    r = await me('rs_guess4');
    expect([r.status, r.body.error, r.headers.get('retry-after')]).toEqual([429, signIn('5 分钟'), '300']);
    jest.setSystemTime(start + 14 * 60_000 + 20_000);
    expect((await me('rs_guess5')).body.error).toBe(signIn('40 秒'));

    // All requests: that limiter's window began with the first request above (at `start`), and has passed; the next
    // window begins at the first request now.
    const now = start + 16 * 60_000;
    jest.setSystemTime(now);
    for (let i = 0; i < 5; i++) expect((await me(limited.admin)).status).toBe(200);
    r = await me(limited.admin);
    expect([r.status, r.body, r.headers.get('retry-after')]).toEqual([429, { error: '请求过于频繁（每分钟最多 5 次）：请 1 分钟后再试', code: 'RATE_LIMITED' }, '60']);
    jest.setSystemTime(now + 45_500);
    r = await me(limited.admin);
    expect([r.status, r.body.error, r.headers.get('retry-after')]).toEqual([429, '请求过于频繁（每分钟最多 5 次）：请 15 秒后再试', '15']);
    jest.setSystemTime(now + 60_000);
    expect((await me(limited.admin)).status).toBe(200);
  } finally {
    jest.useRealTimers();
    await limited.close();
  }
});

test("a request's token is looked up once, though the sign-in limit and requireAuth both ask", () => {
  const lookup = stmt(s.db, 'SELECT * FROM users WHERE token_hash = ?');
  const get = lookup.get;
  let lookups = 0;
  lookup.get = ((...args: unknown[]) => {
    lookups++;
    return get.apply(lookup, args);
  }) as typeof lookup.get;
  try {
    const req = { headers: { authorization: `Bearer ${tokens.unit}` } } as Request;
    const first = requestToken(s.db, req);
    expect(first.check && 'actor' in first.check && first.check.actor.unit).toBe('包头市第一建筑工程有限公司');
    expect(requestToken(s.db, req)).toBe(first);
    expect(lookups).toBe(1);
    // Another request, or another token on the same request, is looked up anew.
    requestToken(s.db, { headers: { authorization: `Bearer ${tokens.unit}` } } as Request);
    req.headers.authorization = `Bearer ${tokens.district}`;
    expect(requestToken(s.db, req).check).toMatchObject({ actor: { role: 'district' } });
    expect(lookups).toBe(3);
    expect(requestToken(s.db, { headers: {} } as Request)).toEqual({});
  } finally {
    lookup.get = get;
  }
});
