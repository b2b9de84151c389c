/**
 * A 旗县区 creating one account at a time, in real Chromium against the real server: a double click creates one
 * account and shows its token (the one that works); the form says only what is wrong and clears it after a success; a
 * second account for the same unit is refused with the way to re-issue, and the token box of the account created
 * before it is gone; a 项目数 out of range is said, not clamped.
 * No timing: every wait is for something the page or the server shows.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { launchBrowser, screenshotPath, collectPageErrors } from '../helpers/browser';
import { testServer, type TestServer } from '../helpers/server';
import { until } from '../helpers/until';
import { DEFAULT_LIMITS } from '../../core/limits';

let s: TestServer;
let browser: Browser;
let page: Page;
const errors: string[] = [];
/** POST /api/v1/users requests the page sent, and those answered. */
const creates: Request[] = [];
const answered = new Set<Request>();
/** Template downloads the page asked for. */
const templates: string[] = [];

interface User { id: number; role: string; unit?: string }
const unitAccounts = async () => (await s.call<{ items: User[] }>('GET', '/api/v1/users', { token: s.admin })).body.items.filter((u) => u.role === 'unit');
const shown = () => page.evaluate(() => {
  const m = document.querySelector<HTMLElement>('#message')!;
  return m.hidden ? '' : m.textContent;
});

beforeAll(async () => {
  s = await testServer();
  const district = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  browser = await launchBrowser();
  page = await (await browser.newContext({ acceptDownloads: true, locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  collectPageErrors(page, errors);
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/api/v1/users') creates.push(r);
    if (r.url().includes('/template.xlsx')) templates.push(new URL(r.url()).search);
  });
  const done = (r: Request) => void answered.add(r);
  page.on('requestfinished', done);
  page.on('requestfailed', done);
  await page.goto(`${s.url}/`);
  await page.fill('#token', district);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#app:not([hidden])');
  await page.click('[data-tab="accounts"]');
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});
afterEach(() => expect(errors).toEqual([]));

test('a double click on “创建并显示令牌” creates one account and shows its token, the one that works', async () => {
  await page.fill('#a-unit', '包头市建工集团有限公司');
  await page.dblclick('#account-form button[type=submit]');
  await page.waitForSelector('#new-token');
  // Every request the page sent has its answer (the button is enabled again only then).
  await page.waitForSelector('#account-form button[type=submit]:not([disabled])');
  await until(() => creates.every((r) => answered.has(r)));
  expect(creates).toHaveLength(1);
  const accounts = await unitAccounts();
  expect(accounts.map((u) => u.unit)).toEqual(['包头市建工集团有限公司']);
  const token = (await page.textContent('#new-token'))!;
  expect((await s.call<User>('GET', '/api/v1/me', { token })).body).toMatchObject({ id: accounts[0]!.id, role: 'unit', unit: '包头市建工集团有限公司' });
  expect(await page.textContent('#account-result')).toContain(`已创建填报单位账号 #${accounts[0]!.id} 包头市建工集团有限公司`);
  expect(await shown()).toBe('');
});

test('the same unit spelled 有限责任公司 gets no second account: the message names it and “重新签发”', async () => {
  const [first] = await unitAccounts();
  await page.fill('#a-unit', '包头市建工集团有限责任公司');
  await page.click('#account-form button[type=submit]');
  await page.waitForSelector('#message:not([hidden])');
  expect(await shown()).toBe(`“包头市建工集团有限责任公司”（东河区）已有账号 #${first!.id}（“包头市建工集团有限公司”，与“包头市建工集团有限责任公司”视为同一单位）：一个单位只设一个账号，令牌遗失请在账号列表中该账号一行点“重新签发”（旧令牌随即失效）。没有创建新账号`);
  expect(await unitAccounts()).toHaveLength(1);
  // The token box of the account created before is gone: nothing next to the refusal names another account.
  expect(await page.locator('#new-token').count()).toBe(0);
  expect(await page.textContent('#account-result')).toBe('');
  await page.screenshot({ path: screenshotPath('accounts-duplicate-unit'), fullPage: true });
});

test('a blank unit name is said once, only as what it is; a later success clears it', async () => {
  await page.fill('#a-unit', '');
  await page.fill('#a-name', '');
  await page.click('#account-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#message')?.textContent === '请填写单位名称：填报单位账号必须指定单位');
  expect(await shown()).toBe('请填写单位名称：填报单位账号必须指定单位');
  await page.fill('#a-unit', '东河城建');
  await page.click('#account-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#account-result')?.textContent?.includes('东河城建'));
  expect(await shown()).toBe('');
  expect((await unitAccounts()).map((u) => u.unit)).toEqual(['包头市建工集团有限公司', '东河城建']);
});

test('项目数 out of range is said with the allowed range and nothing downloads; a good one downloads', async () => {
  await page.click('[data-tab="downloads"]');
  const max = DEFAULT_LIMITS.projects;
  for (const typed of [String(max * 2), '0']) {
    await page.fill('#dl-projects', typed);
    await page.click('#dl-template');
    await page.waitForFunction((t) => document.querySelector('#message')?.textContent?.endsWith(`（收到 ${t}）`), typed);
    expect(await shown()).toBe(`项目数须为 1 到 ${max} 之间的整数（收到 ${typed}）`);
    expect(await page.inputValue('#dl-projects')).toBe(typed);
  }
  await page.fill('#dl-projects', '3');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-template')]);
  expect(download.suggestedFilename()).toMatch(/\.xlsx$/);
  // Requests are reported in order: had 100 or 0 been asked for, it would come before this one.
  expect(templates).toEqual(['?projects=3']);
});

test('the 秘书处 re-issuing its own token stays signed in with the new one and sees it once; the old one no longer works', async () => {
  const old = await s.user({ name: '联盟秘书处（值班）', role: 'secretariat' });
  const me = (await s.call<{ id: number }>('GET', '/api/v1/me', { token: old })).body;
  const p = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${s.url}/`);
  await p.fill('#token', old);
  await p.click('#sign-in-form button[type=submit]');
  await p.waitForSelector('#app:not([hidden])');
  await p.click('[data-tab="accounts"]');
  const row = p.locator('#accounts tbody tr', { has: p.locator('td:first-child', { hasText: new RegExp(`^${me.id}$`) }) });
  await row.waitFor();
  // Its own row offers no 停用; 重新签发 asks, saying what will happen.
  expect(await row.locator('button', { hasText: '停用' }).count()).toBe(0);
  p.once('dialog', (d) => {
    expect(d.message()).toContain('本页会改用新令牌');
    void d.accept();
  });
  await row.locator('button', { hasText: '重新签发' }).click();
  await p.waitForSelector('#account-result #new-token');
  const fresh = (await p.textContent('#new-token'))!;
  expect(fresh).not.toBe(old);
  expect(await p.textContent('#account-result .result-title')).toBe('已为您自己的账号重新签发令牌（本页已改用新令牌）');
  // Still signed in: the account list was reloaded with the new token, and the page works on.
  expect(await p.isVisible('#app')).toBe(true);
  await p.click('[data-tab="overview"]');
  await p.waitForSelector('[data-panel="overview"]:not([hidden])');
  expect(await p.isVisible('#sign-in')).toBe(false);
  expect((await s.call('GET', '/api/v1/me', { token: old })).status).toBe(401);
  expect((await s.call('GET', '/api/v1/me', { token: fresh })).status).toBe(200);
  await p.context().close();
});
