/**
 * A long 申报列表 in the dashboard, in real Chromium against the real server: the first page, how many there are in
 * all, and “再显示” appending the next page until every submission is listed (that pages neither overlap nor skip is
 * test/server/submissions.test.ts's).
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../helpers/browser';
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';


let s: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  s = await testServer({ limits: { listPage: 2 } });
  for (let i = 1; i <= 5; i++) expect((await s.call('POST', '/api/v1/submissions', { token: s.admin, json: validSubmission({ projects: [validProject(i)] }) })).status).toBe(201);
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test('the list shows a page, says how many there are, and “再显示” appends the rest', async () => {
  await page.goto(`${s.url}/`);
  await page.fill('#token', s.admin);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#districts tbody tr');
  await page.click('[data-tab="list"]');
  await page.waitForSelector('#submissions tbody tr');
  const rows = () => page.locator('#submissions tbody tr').count();
  expect(await rows()).toBe(2);
  expect(await page.textContent('#submissions .list-count')).toBe('共 5 份，已显示最近更新的 2 份');
  expect(await page.textContent('#submissions button.more')).toBe('再显示 2 份');
  await page.click('#submissions button.more');
  await page.waitForFunction(() => document.querySelectorAll('#submissions tbody tr').length === 4);
  expect(await page.textContent('#submissions .list-count')).toBe('共 5 份，已显示最近更新的 4 份');
  expect(await page.textContent('#submissions button.more')).toBe('再显示 1 份');
  await page.click('#submissions button.more');
  await page.waitForFunction(() => document.querySelectorAll('#submissions tbody tr').length === 5);
  expect(await page.textContent('#submissions .list-count')).toBe('共 5 份');
  expect(await page.isHidden('#submissions button.more')).toBe(true);
});
