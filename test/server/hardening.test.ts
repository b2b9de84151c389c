/**
 * Bad names, deep JSON, blank-looking reasons, what a unit sees of reviewers, caching, and answer sizes — through the
 * real server. Every refusal is a 4xx with a Chinese message; nothing here may produce a 500.
 */
import fs from 'node:fs';
import path from 'node:path';
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { buildTemplate } from '../../core/node/workbook/build';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { currentRubric } from '../../core/rubric';
import { bigCsv, bigGridWorkbook, echoAmplifier } from '../../bench/hostile-files';
import { POOL_MSG } from '../../core/node/workbook/pool';


let s: TestServer;
let unitToken: string;
let districtToken: string;
beforeAll(async () => {
  s = await testServer();
  unitToken = await s.user({ name: '一建', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  districtToken = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
});
afterAll(() => s.close());

const CHINESE = /[\u4e00-\u9fff]/;
const PROPERTY_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__'];

describe('JavaScript property names as district names → 4xx in Chinese', () => {
  test.each(PROPERTY_NAMES)('%s in URLs, JSON, workbooks and user creation', async (name) => {
    for (const token of [s.admin, districtToken]) {
      const url = await s.call<{ error: string }>('GET', `/api/v1/districts/${encodeURIComponent(name)}/workbook.xlsx`, { token });
      expect(url.status).toBe(404);
      expect(url.body.error).toMatch(/^旗县区“.*”不是包头市的旗县区名称：请写以下之一：昆都仑区、/);
      expect(url.body.error).not.toMatch(/function|native code|\[object/);
    }
    const list = await s.call<{ error: string }>('GET', `/api/v1/submissions?district=${encodeURIComponent(name)}`, { token: districtToken });
    expect(list.status).toBe(403);
    expect(list.body.error).toMatch(CHINESE);
    expect(list.body.error).not.toMatch(/function|native code/);

    const json = await s.call<{ error: string; issues: Array<{ field: string; message: string }> }>('POST', '/api/v1/submissions', {
      token: s.admin,
      json: validSubmission({ reporter: { unit: '包头市第一建筑工程有限公司', district: name, contact: '李红', phone: '13912345678' }, projects: [validProject(1, { district: name })] }),
    });
    expect(json.status).toBe(422);
    const districtIssues = json.body.issues.filter((i) => i.field.endsWith('district'));
    expect(districtIssues.length).toBe(2);
    for (const i of districtIssues) expect(i.message).toMatch(/所属旗县区须从下拉列表中选择|旗县区须从下拉列表中选择/);
    expect(JSON.stringify(json.body)).not.toMatch(/expected|received|function|native code/);

    const user = await s.call<{ error: string }>('POST', '/api/v1/users', { token: s.admin, json: { name: '测试', role: 'district', district: name } });
    expect(user.status).toBe(422);
    expect(user.body.error).toMatch(/^旗县区须从下拉列表中选择/);
    expect(user.body.error).not.toMatch(/expected|received|function/);
  });

  test('a workbook whose 所属旗县区 is "constructor" is refused with the cell to fix', async () => {
    const file = await fillWorkbook(await buildTemplate({ projects: 3 }), { ...REPORTER, district: 'constructor' }, [{ fields: projectFields(1, { district: '__proto__' }), answers: { 'A01-1': '达到' } }]);
    const r = await s.call<{ error: string; issues: Array<{ sheet?: string; cell?: string; message: string }> }>('POST', '/api/v1/submissions', { token: s.admin, file: { bytes: file, name: 'x.xlsx' } });
    expect(r.status).toBe(422);
    expect(r.body.issues).toEqual(expect.arrayContaining([expect.objectContaining({ sheet: '申报表', cell: 'E3' }), expect.objectContaining({ sheet: '申报表', cell: 'J7' })]));
    expect(JSON.stringify(r.body)).not.toMatch(/expected|received|function|native code/);
  });
});

describe('JSON bodies: depth and size limits', () => {
  test('an answer nested 50,000 arrays deep → 400 in Chinese, also inside a multipart submission field', async () => {
    const deep = `${'['.repeat(50_000)}1${']'.repeat(50_000)}`;
    const body = JSON.stringify(validSubmission()).replace('"answers":{}', `"answers":{"A01-1":${deep}}`);
    const res = await fetch(`${s.url}/api/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' }, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^请求内容嵌套层数过多（上限 32 层）/);
    const file = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1) }]);
    const multipart = await s.call<{ error: string }>('POST', '/api/v1/submissions', { token: s.admin, file: { bytes: file, name: 'x.xlsx', extra: { submission: body } } });
    expect(multipart.status).toBe(400);
    expect(multipart.body.error).toMatch(/嵌套层数过多/);
    // Nesting inside strings is text, not depth.
    const text = JSON.stringify(validSubmission({ projects: [validProject(1, { remark: '['.repeat(400) })] }));
    expect((await s.call('POST', '/api/v1/submissions', { token: s.admin, json: JSON.parse(text) })).status).toBe(201);
  });

  test('a body over the size limit → 413 in Chinese', async () => {
    const big = JSON.stringify(validSubmission({ projects: [validProject(1, { remark: 'x'.repeat(3 * 1024 * 1024) })] }));
    const res = await fetch(`${s.url}/api/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' }, body: big });
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: string }).error).toContain('上传的内容过大');
  });

  test('2,750 invalid answers of 200 characters each: the answer quotes excerpts and lists at most 200 issues', async () => {
    const long = '未'.repeat(200);
    const answers = Object.fromEntries(currentRubric().criteria.map((c) => [c.id, long]));
    const sub = validSubmission({ projects: Array.from({ length: 50 }, (_, i) => validProject(i + 1, { answers })) });
    const res = await fetch(`${s.url}/api/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${s.admin}`, 'content-type': 'application/json' }, body: JSON.stringify(sub) });
    const text = await res.text();
    expect(res.status).toBe(422);
    const body = JSON.parse(text) as { issues: Array<{ message: string }> };
    expect(body.issues).toHaveLength(201);
    expect(body.issues.at(-1)!.message).toBe('另有 2550 处问题未列出（其中 2550 处错误）：请先修改以上问题后重新检查');
    expect(body.issues[0]!.message).toMatch(/^项目 1 · A01-1：“未{20}…（共 200 字）”不是有效选项/);
    expect(Buffer.byteLength(text)).toBeLessThan(64 * 1024);
  });
});

describe('review and what a unit sees', () => {
  let id: string;
  beforeAll(async () => {
    const sub = validSubmission();
    id = sub.submissionId;
    expect((await s.call('POST', '/api/v1/submissions', { token: unitToken, json: sub })).status).toBe(201);
  });

  test.each([
    ['zero-width spaces only', '\u200b\u200b\u200b\u200b'],
    ['zero-width joiners and BOMs', '\u200d\ufeff\u200c\u2060'],
    ['full-width spaces', '\u3000\u3000\u3000'],
    ['bidi controls', '\u202e\u202d\u2066\u2069'],
    ['Hangul fillers and braille blanks', '\u3164\u2800\u3164'],
    ['one visible character', '\u200b改\u200b'],
  ])('a return reason of %s is refused', async (_label, reason) => {
    const r = await s.call<{ error: string }>('POST', `/api/v1/submissions/${id}/return`, { token: districtToken, json: { reason } });
    expect(r.status).toBe(422);
    expect(r.body.error).toBe('请填写退回原因（至少 2 个字），让填报单位知道要改什么');
  });

  test('the unit sees who returned it and why, but no IP address; the reviewer sees them', async () => {
    expect((await s.call('POST', `/api/v1/submissions/${id}/return`, { token: districtToken, json: { reason: '请补充佐证材料' } })).status).toBe(200);
    const asUnit = await s.call<{ audit: Array<Record<string, unknown>> }>('GET', `/api/v1/submissions/${id}`, { token: unitToken });
    expect(asUnit.body.audit.map((a) => a.action)).toEqual(['提交申报', '退回修改']);
    expect(asUnit.body.audit.every((a) => !('ip' in a))).toBe(true);
    expect(JSON.stringify(asUnit.body)).not.toContain('127.0.0.1');
    const asReviewer = await s.call<{ audit: Array<Record<string, unknown>> }>('GET', `/api/v1/submissions/${id}`, { token: districtToken });
    expect(asReviewer.body.audit.every((a) => a.ip === '127.0.0.1')).toBe(true);
  });

  test('signed-in JSON answers are not stored by browsers or proxies', async () => {
    for (const p of ['/api/v1/me', '/api/v1/submissions', `/api/v1/submissions/${id}`, '/api/v1/settings']) {
      const r = await s.call('GET', p, { token: unitToken });
      expect([p, r.status, r.headers.get('cache-control')]).toEqual([p, 200, 'no-store']);
    }
    const refused = await s.call('GET', '/api/v1/audit', { token: unitToken });
    expect([refused.status, refused.headers.get('cache-control')]).toEqual([403, 'no-store']);
  });
});

describe('rosters and the worker queue', () => {
  test('rosters are read in a worker within bounds: 6,000 rows are refused (xlsx or CSV), not half-imported', async () => {
    const xlsx = await s.call<{ error: string; issues: Array<{ message: string }> }>('POST', '/api/v1/roster', { token: s.admin, file: { bytes: bigGridWorkbook(6_000, 30, ['单位名称', '旗县区', '联系人', '电话']), name: '名单.xlsx' } });
    expect([xlsx.status, xlsx.body.issues[0]!.message]).toEqual([422, '名单超过 5000 行：请按旗县区分成几个文件分别导入']);
    const csv = await s.call<{ error: string; issues: Array<{ message: string }> }>('POST', '/api/v1/roster', { token: s.admin, file: { bytes: bigCsv(6_000, 30), name: '名单.csv' } });
    expect([csv.status, csv.body.issues[0]!.message]).toEqual([422, '名单超过 5000 行：请按旗县区分成几个文件分别导入']);
    const ok = await s.call<{ imported: number }>('POST', '/api/v1/roster', { token: s.admin, file: { bytes: bigGridWorkbook(300, 6, ['单位名称', '旗县区', '联系人', '电话']), name: '名单.xlsx' } });
    expect([ok.status, ok.body.imported]).toEqual([200, 300]);
  });

  test('one account over its queue share gets 503 with Retry-After in Chinese; nothing fails with 500', async () => {
    const busy = await testServer({ limits: { parseWorkers: 1, queuePerAccount: 1 } });
    try {
      const good = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1), answers: { 'A01-1': '达到' } }]);
      const slow = echoAmplifier(good, 55);
      const answers = await Promise.all(Array.from({ length: 5 }, () => busy.call<{ error: string; code: string }>('POST', '/api/v1/submissions', { token: busy.admin, file: { bytes: slow, name: 'x.xlsx' } })));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.every((st) => st === 422 || st === 503)).toBe(true);
      const refused = answers.filter((a) => a.status === 503);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const a of refused) {
        expect([a.body.code, a.body.error, a.headers.get('retry-after')]).toEqual(['BUSY', POOL_MSG.busy, '5']);
      }
      // Another account is not refused meanwhile.
      expect((await busy.call('GET', '/healthz')).status).toBe(200);
    } finally {
      await busy.close();
    }
  });

  test('an export that overruns its time limit fails (its worker is stopped) instead of staying pending', async () => {
    const slow = await testServer({ limits: { exportMs: 1 } });
    try {
      expect((await slow.call('POST', '/api/v1/submissions', { token: slow.admin, json: validSubmission() })).status).toBe(201);
      const r = await slow.call<{ error: string; code: string }>('GET', '/api/v1/master.xlsx', { token: slow.admin });
      expect([r.status, r.body.code]).toEqual([500, 'INTERNAL']);
      expect(r.body.error).toMatch(CHINESE);
      expect(fs.readdirSync(path.join(slow.dataDir, 'exports'))).toEqual([]);
      expect((await slow.call('GET', '/api/v1/me', { token: slow.admin })).status).toBe(200);
    } finally {
      await slow.close();
    }
  });
});
