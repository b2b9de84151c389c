/**
 * A 旗县区 does its whole job in the dashboard, in real Chromium against the real server: unit accounts (one, then
 * many from the unit list → 账号清单.xlsx read back and a token from it used to sign in), revoke and re-issue,
 * upload on behalf of a unit, the review queue, 报送名单 and 概览 agreeing, and the district workbook.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, collectPageErrors } from '../helpers/browser';
import { testServer, type TestServer } from '../helpers/server';
import { fillWorkbook, projectFields } from '../helpers/workbook';
import { ACCOUNT_COLUMNS } from '../../core/node/workbook/accounts-export';


let s: TestServer;
let browser: Browser;
let page: Page;
let districtToken: string;
let chengjianToken: string;
const errors: string[] = [];

async function signIn(p: Page, token: string): Promise<void> {
  await p.goto(`${s.url}/`);
  await p.fill('#token', token);
  await p.click('#sign-in-form button[type=submit]');
}

beforeAll(async () => {
  s = await testServer();
  districtToken = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  browser = await launchBrowser();
  page = await (await browser.newContext({ acceptDownloads: true, locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  page.on('dialog', (d) => void d.accept());
  collectPageErrors(page, errors);
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test('sign in: the district\'s tabs', async () => {
  await signIn(page, districtToken);
  await page.waitForSelector('#app:not([hidden])');
  expect(await page.locator('.tabs button:not([hidden])').allTextContents()).toEqual(['概览', '审核', '代为上传', '账号', '报送名单', '下载']);
});

test('create one unit account: its token is shown once and works', async () => {
  await page.click('[data-tab="accounts"]');
  expect(await page.locator('#a-role option').allTextContents()).toEqual(['填报单位']);
  expect(await page.locator('#a-district option').allTextContents()).toEqual(['东河区']);
  await page.fill('#a-unit', '东河城建');
  await page.click('#account-form button[type=submit]');
  await page.waitForSelector('#new-token');
  chengjianToken = (await page.textContent('#new-token'))!;
  expect((await s.call('GET', '/api/v1/me', { token: chengjianToken })).body).toMatchObject({ role: 'unit', unit: '东河城建', district: '东河区' });
  await page.waitForSelector('#accounts tbody tr');
  expect(await page.textContent('#accounts tbody')).toContain('东河城建');
});

test('bulk-create from the unit list: 账号清单.xlsx with 单位, 账号, 令牌, 登录地址; a token from it signs in', async () => {
  const foreign = Buffer.from('单位名称,旗县区,联系人,电话\n东河路桥,东河区,吴,13912345670\n青山建工,青山区,赵,13912345671\n');
  await page.setInputFiles('#bulk-file', { name: '单位名单.csv', mimeType: 'text/csv', buffer: foreign });
  await page.click('#bulk-form button[type=submit]');
  await page.waitForSelector('#account-result .result.bad');
  expect(await page.textContent('#account-result')).toContain('只能为本旗县区（东河区）的单位创建账号，名单中有 1 个其他旗县区的单位（如“青山建工”，青山区，单位名单.csv!B3），没有创建任何账号：请删除这些行后重新上传');
  // The row to delete, in the issue table under the message.
  expect(await page.textContent('#account-result table')).toContain('“青山建工”属于青山区，不是本旗县区（东河区）的单位：请删除这一行');

  const list = Buffer.from('\ufeff单位名称,旗县区,联系人,电话\n包头市第一建筑工程有限公司,东河区,李红,13912345678\n东河城建,东河区,周,0472-4123456\n东河路桥,东河区,吴,13912345670\n');
  await page.setInputFiles('#bulk-file', { name: '单位名单.csv', mimeType: 'text/csv', buffer: list });
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#bulk-form button[type=submit]')]);
  expect(download.suggestedFilename()).toBe('账号清单.xlsx');
  await page.waitForSelector('#bulk-download');
  expect(await page.textContent('#account-result')).toContain('已创建 2 个填报单位账号，跳过 1 个');
  expect(await page.textContent('#account-result')).toMatch(/东河城建\s*东河区\s*已有账号 #\d+/);
  await page.screenshot({ path: screenshotPath('district-accounts-bulk'), fullPage: true });

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(fs.readFileSync((await download.path())!) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('账号清单')!;
  expect((ws.getRow(3).values as unknown[]).slice(1)).toEqual([...ACCOUNT_COLUMNS]);
  const rows = [4, 5].map((r) => (ws.getRow(r).values as unknown[]).slice(1) as string[]);
  expect(rows.map((r) => r[0])).toEqual(['包头市第一建筑工程有限公司', '东河路桥']);
  expect(rows[1]!.slice(1, 4)).toEqual(['东河区', '吴', '13912345670']);
  expect(rows[1]![5]).toMatch(/^rs_/);
  expect(rows[1]![6]).toBe(`${s.url}/`);
  expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1 });

  const unitPage = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(unitPage, rows[1]![5]!);
  await unitPage.waitForSelector('[data-panel="home"]:not([hidden])');
  expect(await unitPage.textContent('#unit-name')).toBe('东河路桥');
  await unitPage.context().close();
});

test('revoke an account (its token is refused as revoked), then re-issue a new one that works', async () => {
  const row = page.locator('#accounts tbody tr', { hasText: '东河城建' });
  await row.locator('button', { hasText: '停用' }).click();
  await page.waitForFunction(() => document.querySelector('#account-result')?.textContent?.includes('已停用“东河城建”'));
  const other = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
  await signIn(other, chengjianToken);
  await other.waitForSelector('#message:not([hidden])');
  expect(await other.textContent('#message')).toMatch(/^该账号的令牌已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）停用/);
  await row.locator('button', { hasText: '重新签发' }).click();
  await page.waitForFunction(() => document.querySelector('#account-result')?.textContent?.includes('已为“东河城建”重新签发令牌'));
  chengjianToken = (await page.textContent('#new-token'))!;
  await signIn(other, chengjianToken);
  await other.waitForSelector('[data-panel="home"]:not([hidden])');
  await other.context().close();
});

test('upload on behalf of a unit: stored for the unit named in the workbook', async () => {
  const template = (await s.call<Buffer>('GET', '/api/v1/template.xlsx?projects=2')).body;
  const file = await fillWorkbook(template, { unit: '东河城建', district: '东河区', contact: '周', phone: '0472-4123456' }, [{ fields: projectFields(1, { enterprise: '东河城建', projectName: '东河区老旧小区改造' }), answers: { 'A01-1': '达到' } }]);
  await page.click('[data-tab="upload"]');
  expect(await page.textContent('#proxy-hint')).toContain('代为上传');
  await page.setInputFiles('#district-upload input[type=file]', { name: '东河城建.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: file });
  await page.waitForSelector('#district-upload #receipt');
  expect(await page.textContent('#district-upload .result-title')).toBe('已为“东河城建”（东河区）保存为第 1 版');
  const items = (await s.call<{ items: Array<{ unit: string }> }>('GET', '/api/v1/submissions', { token: chengjianToken })).body.items;
  expect(items.map((i) => i.unit)).toEqual(['东河城建']);
});

test('review queue: what waits for a decision; approve empties it', async () => {
  await page.click('[data-tab="list"]');
  expect(await page.textContent('#list-title')).toBe('审核队列 · 东河区');
  await page.waitForSelector('#submissions tbody tr');
  expect(await page.locator('#submissions tbody tr').count()).toBe(1);
  await page.click('#submissions tbody tr button');
  await page.waitForSelector('#detail:not([hidden])');
  await page.click('#d-approve');
  await page.waitForFunction(() => document.querySelector('#message')?.textContent === '已审核通过');
  await page.click('#d-close');
  await page.waitForFunction(() => document.querySelector('#submissions')?.textContent?.includes('没有符合条件的申报'));
});

test('报送名单 and 概览 give the same 应报 and 已报; the district workbook downloads', async () => {
  await page.click('[data-tab="roster"]');
  await page.waitForSelector('#roster-summary tbody tr');
  const roster = await page.locator('#roster-summary tbody tr').innerText();
  expect(roster).toMatch(/东河区\s+3\s+1\s+0\s+1\s+2\s+0/);
  expect(await page.textContent('.roster-district')).toContain('东河路桥');
  await page.screenshot({ path: screenshotPath('district-roster'), fullPage: true });
  // 概览 was drawn at sign-in (its first tab), before the roster and the upload: wait for the table drawn anew.
  await page.evaluate(() => document.querySelector('#districts table')?.setAttribute('data-stale', ''));
  await page.click('[data-tab="overview"]');
  await page.waitForSelector('#districts table:not([data-stale]) tbody tr');
  expect(await page.locator('#districts tbody tr').innerText()).toMatch(/东河区\s+3\s+1\s+0\s+1\s+0\s+1/);
  await page.click('[data-tab="downloads"]');
  expect(await page.isHidden('#dl-master')).toBe(true);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-district-btn')]);
  expect(download.suggestedFilename()).toBe('东河区红色工地申报汇总.xlsx');
});

test('usable at 390 px: every tab of the district fits the width', async () => {
  const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const p = await phone.newPage();
  await signIn(p, districtToken);
  await p.waitForSelector('#districts tbody tr');
  for (const tab of ['overview', 'list', 'upload', 'accounts', 'roster', 'downloads']) {
    await p.click(`[data-tab="${tab}"]`);
    await p.waitForSelector(`[data-panel="${tab}"]:not([hidden])`);
    if (tab === 'accounts') await p.waitForSelector('#accounts tbody tr');
    expect([tab, await p.evaluate(() => document.documentElement.scrollWidth)]).toEqual([tab, 390]);
    if (tab === 'accounts') await p.screenshot({ path: screenshotPath('district-390-accounts'), fullPage: true });
  }
  await phone.close();
});

test('no script errors and no CSP violations', () => {
  expect(errors).toEqual([]);
});
