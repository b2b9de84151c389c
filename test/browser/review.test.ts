/**
 * A 旗县区 reviews in real Chromium against the real server while the unit uploads a new version: 审核通过 of the
 * version on screen is refused with a Chinese message and the detail shows the new version; a double click on
 * “确认退回” records one return, and the return button is gone once 退回修改.
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
const sub = validSubmission({ projects: [validProject(1)] });
const errors: string[] = [];

type Detail = { state: string; version: number; audit: Array<{ action: string }> };
const detail = async () => (await s.call<Detail>('GET', `/api/v1/submissions/${sub.submissionId}`, { token: s.admin })).body;

beforeAll(async () => {
  s = await testServer();
  ({ unit, district } = await eastRiverAccounts(s));
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
