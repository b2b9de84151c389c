/**
 * A 旗县区 reviews in real Chromium against the real server while the unit uploads a new version: 审核通过 of the
 * version on screen is refused with a Chinese message and the detail shows the new version; a double click on
 * “确认退回” records one return, and the return button is gone once 退回修改; while 退回修改 the reason can be changed
 * (checked as the API checks it), the criteria returned stay, and the unit sees the new reason and the audit both.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { eastRiverAccounts, testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';

let s: TestServer;
let browser: Browser;
let page: Page;
let unit: string;
let district: string;
let otherUnit: string;
const sub = validSubmission({ projects: [validProject(1)] });
const other = validSubmission({ reporter: { unit: '包头市第二建筑工程有限公司', district: '东河区', contact: '王强', phone: '13812345678' }, projects: [validProject(1)] });
const errors: string[] = [];

type Detail = { state: string; version: number; returnReason?: string; audit: Array<{ action: string; detail: { reason?: string; previousReason?: string } | null }> };
const detail = async (id = sub.submissionId) => (await s.call<Detail>('GET', `/api/v1/submissions/${id}`, { token: s.admin })).body;

beforeAll(async () => {
  s = await testServer();
  ({ unit, district, otherUnit } = await eastRiverAccounts(s));
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: sub })).status).toBe(201);
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  page.on('dialog', (d) => void d.accept());
  page.on('pageerror', (e) => errors.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test('审核通过 while a newer version was uploaded: refused with the Chinese message, the detail shows 第 2 版', async () => {
  await page.goto(`${s.url}/`);
  await page.fill('#token', district);
  await page.click('#sign-in-form button[type=submit]');
  await page.click('[data-tab="list"]');
  await page.waitForSelector('#submissions tbody tr');
  await page.click('#submissions tbody tr button');
  await page.waitForSelector('#detail:not([hidden])');
  expect(await page.textContent('#d-meta')).toContain('第 1 版');

  // Meanwhile the unit uploads 第 2 版.
  const second = await s.call('POST', '/api/v1/submissions', { token: unit, json: { ...sub, projects: [validProject(1, { scale: '建筑面积 4 万平方米' })] } });
  expect(second.body).toMatchObject({ version: 2 });

  await page.click('#d-approve');
  await page.waitForFunction(() => document.querySelector('#message')?.textContent?.includes('第 2 版'));
  expect(await page.textContent('#message')).toBe('您查看的是第 1 版，在此期间已上传了新的第 2 版，本次未审核通过（没有任何改动）：请先查看第 2 版再审核');
  await page.waitForFunction(() => document.querySelector('#d-meta')?.textContent?.includes('第 2 版'));
  expect(await page.textContent('#d-projects')).toContain('建筑面积 4 万平方米');
  expect(await page.locator('#d-approve').isEnabled()).toBe(true);
  await page.screenshot({ path: screenshotPath('review-stale-approve'), fullPage: true });
  const d = await detail();
  expect(d).toMatchObject({ state: '已提交', version: 2 });
  expect(d.audit.map((a) => a.action)).not.toContain('审核通过');
});

test('a double click on “确认退回” records one return; the return button is hidden once 退回修改', async () => {
  await page.click('#d-return');
  await page.fill('#return-reason', '请补充项目 1 的挂牌照片');
  await page.dblclick('#return-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#message')?.textContent?.startsWith('已退回修改'));
  expect(await page.textContent('#d-reason')).toBe('退回原因：请补充项目 1 的挂牌照片');
  expect(await page.locator('#d-return').isHidden()).toBe(true);
  expect(await page.locator('#d-approve').isHidden()).toBe(true);
  const d = await detail();
  expect(d.state).toBe('退回修改');
  expect(d.audit.filter((a) => a.action === '退回修改')).toHaveLength(1);
  expect(errors).toEqual([]);
});

test('while 退回修改 the 旗县区 changes the reason: the unit sees the new one, the criterion returned stays, the audit has both', async () => {
  const first = '请补充项目 1 的安全生产制度';
  const changed = '项目 1 的挂牌照片看不清，请补拍后上传';
  expect((await s.call('POST', '/api/v1/submissions', { token: otherUnit, json: other })).status).toBe(201);
  const returned = await s.call('POST', `/api/v1/submissions/${other.submissionId}/return`, { token: district, json: { reason: first, criteria: [{ project: 1, criterion: 'A01-1', reason: '佐证不足' }], version: 1 } });
  expect(returned.status).toBe(200);
  // The 审核 queue lists 已提交 first; the officer asks for the 退回修改 ones.
  await page.click('#d-close');
  await page.selectOption('#filters select[name=state]', '退回修改');
  await page.click('#filters button[type=submit]');
  await page.click('#submissions tbody tr:has-text("第二建筑") button');
  await page.waitForFunction((t) => document.querySelector('#d-reason')?.textContent === t, `退回原因：${first}`);
  expect(await page.locator('#d-return').isHidden()).toBe(true);

  // The form starts from the reason standing; a blank one gets the API's message and changes nothing.
  await page.click('#d-edit-reason');
  expect(await page.inputValue('#reason-edit')).toBe(first);
  await page.fill('#reason-edit', ' 　');
  await page.click('#reason-form button[type=submit]');
  await page.waitForFunction(() => !document.querySelector('#message')?.hasAttribute('hidden'));
  expect(await page.textContent('#message')).toBe('请填写退回原因（至少 2 个字），让填报单位知道要改什么');
  expect((await detail(other.submissionId)).returnReason).toBe(first);

  await page.fill('#reason-edit', changed);
  await page.click('#reason-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#message')?.textContent?.startsWith('已修改退回原因'));
  expect(await page.textContent('#d-reason')).toBe(`退回原因：${changed}`);
  expect(await page.locator('#reason-form').isHidden()).toBe(true);
  // The history says what happened: the return, its criteria, then the new reason (old and new), and no second
  // 退回细则 (the criteria did not change).
  const rows = async (p: Page) => (await p.locator('#d-audit tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(2).join(' | '));
  expect(await rows(page)).toEqual([
    '提交申报 | 第 1 版',
    `退回修改 | ${first}`,
    '退回细则 | 项目 1 A01-1（佐证不足）',
    `修改退回原因 | 由“${first}”改为“${changed}”`,
  ]);
  await page.screenshot({ path: screenshotPath('review-change-reason'), fullPage: true });

  const d = await detail(other.submissionId);
  expect(d).toMatchObject({ state: '退回修改', version: 1, returnReason: changed });
  expect(d.audit.map((a) => a.action)).toEqual(['提交申报', '退回修改', '退回细则', '修改退回原因']);
  expect(d.audit.at(-1)!.detail).toEqual({ version: 1, previousReason: first, reason: changed });
  // Only the reason changed: the criterion returned with it is still there.
  const ev = await s.call<{ returns: Array<{ project: number; criterion: string; reason: string }> }>('GET', `/api/v1/submissions/${other.submissionId}/evidence`, { token: s.admin });
  expect(ev.body.returns.map(({ project, criterion, reason }) => ({ project, criterion, reason }))).toEqual([{ project: 1, criterion: 'A01-1', reason: '佐证不足' }]);

  // The unit, signed in to its own dashboard, reads the new reason, the criterion and the audit.
  const u = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  u.on('pageerror', (e) => errors.push(e.message));
  await u.goto(`${s.url}/`);
  await u.fill('#token', otherUnit);
  await u.click('#sign-in-form button[type=submit]');
  await u.waitForSelector('#my-list tbody tr');
  await u.click('#my-list tbody tr button');
  await u.waitForSelector('#detail:not([hidden])');
  expect(await u.textContent('#d-reason')).toBe(`退回原因：${changed}`);
  expect(await u.locator('#d-edit-reason').isHidden()).toBe(true);
  await u.waitForSelector('#d-evidence .ev-returns');
  expect(await u.textContent('#d-evidence .ev-returns')).toContain('佐证不足');
  expect(await rows(u)).toContain(`修改退回原因 | 由“${first}”改为“${changed}”`);
  await u.context().close();

  // The 秘书处's log (设置与日志) names the action and both reasons.
  const admin = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  admin.on('pageerror', (e) => errors.push(e.message));
  await admin.goto(`${s.url}/`);
  await admin.fill('#token', s.admin);
  await admin.click('#sign-in-form button[type=submit]');
  await admin.click('[data-tab="admin"]');
  await admin.waitForSelector('#audit tbody tr');
  const log = (await admin.locator('#audit tbody tr').allInnerTexts()).map((r) => r.split('\t').slice(2, 5).join(' | '));
  expect(log[0]).toBe(`修改退回原因 | 申报：包头市第二建筑工程有限公司（东河区） | 版本：1；原来的原因：${first}；新的原因：${changed}`);
  expect(log.filter((r) => r.startsWith('退回细则'))).toEqual(['退回细则 | 申报：包头市第二建筑工程有限公司（东河区） | 版本：1；退回的细则：项目 1 A01-1（佐证不足）']);
  await admin.context().close();
  expect(errors).toEqual([]);
});
