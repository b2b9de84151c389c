/**
 * 代为上传 of an older version's content, in real Chromium against the real server: the district uploads a unit's
 * 第 1 版, then its 第 2 版 (approved), then the 第 1 版 file again (a stale e-mail attachment). The page says which
 * unit, the file's version against the stored one and its state, and offers to restore that version: canceling the
 * confirm step sends nothing; confirming stores 第 3 版 with 第 1 版's content and shows the receipt.
 */
import type { Browser, Dialog, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, collectPageErrors } from '../helpers/browser';
import { testServer, type TestServer } from '../helpers/server';
import { fillWorkbook, projectFields } from '../helpers/workbook';

let s: TestServer;
let browser: Browser;
let page: Page;
let district: string;
const errors: string[] = [];

const UNIT = '东河城建';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
type Detail = { id: string; version: number; state: string; submission: { projects: Array<{ projectName: string }> }; versions: Array<{ version: number }>; audit: Array<{ action: string; detail: Record<string, unknown> | null }> };

beforeAll(async () => {
  s = await testServer();
  district = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } })).newPage();
  collectPageErrors(page, errors);
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function uploadFile(name: string, buffer: Buffer): Promise<void> {
  // The result of the previous file is cleared when a file is sent: wait for this one's.
  await page.evaluate(() => document.querySelector('#district-upload .upload-result')?.replaceChildren());
  await page.setInputFiles('#district-upload input[type=file]', { name, mimeType: XLSX, buffer });
  await page.waitForSelector('#district-upload .upload-result .result');
}

const detail = async (id: string) => (await s.call<Detail>('GET', `/api/v1/submissions/${id}`, { token: district })).body;

test('the 第 1 版 file again: the refusal explained; canceling the restore changes nothing; confirming stores 第 3 版 with 第 1 版\'s content', async () => {
  const template = (await s.call<Buffer>('GET', '/api/v1/template.xlsx?projects=1')).body;
  const reporter = { unit: UNIT, district: '东河区', contact: '周', phone: '0472-4123456' };
  const v1 = await fillWorkbook(template, reporter, [{ fields: projectFields(1, { enterprise: UNIT, projectName: '东河区老旧小区改造' }), answers: { 'A01-1': '达到' } }]);
  const v2 = await fillWorkbook(template, reporter, [{ fields: projectFields(1, { enterprise: UNIT, projectName: '东河区老旧小区改造（二期）' }), answers: { 'A01-1': '达到' } }]);

  await page.goto(`${s.url}/`);
  await page.fill('#token', district);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#app:not([hidden])');
  await page.click('[data-tab="upload"]');

  await uploadFile('东河城建.xlsx', v1);
  expect(await page.textContent('#district-upload .result-title')).toBe(`已为“${UNIT}”（东河区）保存为第 1 版`);
  await uploadFile('东河城建-二期.xlsx', v2);
  expect(await page.textContent('#district-upload .result-title')).toBe(`已为“${UNIT}”（东河区）保存为第 2 版`);
  const id = (await s.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/submissions', { token: district })).body.items[0]!.id;
  expect((await s.call('POST', `/api/v1/submissions/${id}/approve`, { token: district, json: { version: 2 } })).status).toBe(200);

  // The old attachment again: refused, and the page says whose 申报, which versions and the state.
  await uploadFile('东河城建.xlsx', v1);
  const refusal = page.locator('#district-upload .older-version');
  await refusal.waitFor();
  expect(await refusal.locator('.result-title').textContent()).toBe(`这是“${UNIT}”申报的旧版本，本次未保存`);
  const text = (await refusal.textContent())!;
  expect(text).toContain('文件的内容与服务器上的第 1 版相同，而服务器上已有更新的第 2 版（已审核）');
  expect(text).toContain('替换新版本、撤销审核');
  const restore = refusal.locator('button.restore');
  expect(await restore.textContent()).toBe('恢复第 1 版的内容…');
  await page.screenshot({ path: screenshotPath('proxy-upload-older-version'), fullPage: true });
  const audits = (await detail(id)).audit.length;

  // The confirm step: what the click asks, answered `accept`.
  const confirmStep = async (accept: boolean): Promise<string> => {
    const dialog = page.waitForEvent('dialog');
    const click = restore.click();
    const d: Dialog = await dialog;
    const asked = d.message();
    await (accept ? d.accept() : d.dismiss());
    await click;
    return asked;
  };

  // Cancel: nothing is sent, the explanation stays.
  const question = await confirmStep(false);
  expect(question).toContain(`恢复“${UNIT}”第 1 版的内容吗？`);
  expect(question).toContain('将以第 1 版的内容保存为新的一版（第 3 版），成为最新版本；已有的第 1 至第 2 版都保留，不删除任何内容。');
  expect(question).toContain('现在的版本已审核通过；恢复后申报改为“已提交”，需要重新审核。');
  // A request sent would have been answered by now: give it the time of a page round trip anyway.
  await page.evaluate(() => fetch('/healthz'));
  const unchanged = await detail(id);
  expect([unchanged.version, unchanged.state, unchanged.versions.length, unchanged.audit.length]).toEqual([2, '已审核', 2, audits]);
  expect(await page.locator('#district-upload .older-version').count()).toBe(1);
  expect(await page.locator('#district-upload #receipt').count()).toBe(0);

  // Confirm: 第 3 版 with 第 1 版's content, the normal receipt; sent over the version the officer was shown (第 2 版).
  const sent = page.waitForRequest((r) => r.method() === 'POST' && r.url().includes('/api/v1/submissions?'));
  expect(await confirmStep(true)).toBe(question);
  expect(new URL((await sent).url()).search).toBe('?restore=1&latest=2');
  await page.waitForSelector('#district-upload #receipt');
  expect(await page.textContent('#district-upload .result-title')).toBe(`已为“${UNIT}”（东河区）保存为第 3 版`);
  expect(await page.textContent('#district-upload .restored')).toBe('按确认恢复了第 1 版的内容：保存为新的第 3 版，之前的各版本都保留。');
  expect(await page.textContent('#district-upload .reopened')).toContain('需要旗县区重新审核');
  expect(await page.textContent('#receipt')).toContain('东河区老旧小区改造');
  await page.screenshot({ path: screenshotPath('proxy-upload-restored'), fullPage: true });

  const after = await detail(id);
  expect([after.version, after.state, after.versions.map((v) => v.version)]).toEqual([3, '已提交', [1, 2, 3]]);
  expect(after.submission.projects.map((p) => p.projectName)).toEqual(['东河区老旧小区改造']);
  expect(after.audit.at(-1)).toMatchObject({ action: '代为上传', detail: { version: 3, restoredFrom: 1 } });
  const diff = (await s.call<{ fields: unknown[]; answers: unknown[] }>('GET', `/api/v1/submissions/${id}/diff?from=1&to=3`, { token: district })).body;
  expect([diff.fields, diff.answers]).toEqual([[], []]);
});

test('no script errors and no CSP violations', () => {
  expect(errors).toEqual([]);
});
