/**
 * 佐证 from the task pane, in real Chromium against the real server (Office.js replaced by the in-memory double of
 * test/browser/office-double.js): select a project's answer cell of a criterion row, attach photos and a PDF to that
 * project × criterion, see them listed; other selections explain what to select.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { testServer, type TestServer } from '../helpers/server';
import { pdf, photo } from '../helpers/evidence';
import { OFFICE_DOUBLE_SCRIPT, excelUser } from '../helpers/office-double';




let s: TestServer;
let browser: Browser;
let page: Page;
let unitToken: string;
const errors: string[] = [];
const { type, select } = excelUser(() => page);


beforeAll(async () => {
  s = await testServer();
  unitToken = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 420, height: 900 }, locale: 'zh-CN' })).newPage();
  await page.route('**/office-js/office.js', (route) => route.fulfill({ contentType: 'application/javascript', body: OFFICE_DOUBLE_SCRIPT }));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${s.url}/addin/taskpane.html`);
  await page.waitForSelector('#create');
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test('select a criterion row, attach photos and a PDF to that project and criterion', async () => {
  await page.fill('#projects', '2');
  await page.click('#create');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('已插入申报工作簿'));
  for (const [cell, v] of [['B3', '包头市第一建筑工程有限公司'], ['E3', '东河区'], ['G3', '李红'], ['I3', '13912345678']] as const) await type('申报表', cell, v);
  const row = { B7: '包头市第一建筑工程有限公司', C7: '北梁安置房1号楼', D7: '包头市东河区北梁新区', E7: '3.2万平方米', F7: '王建国', G7: '0472-7100945', H7: 45017, I7: 45961, J7: '东河区' };
  for (const [cell, v] of Object.entries(row)) await type('申报表', cell, v);
  await type('细则自评', 'E4', '达到');
  await type('细则自评', 'E5', '达到');

  // Before sign-in and sync: what to do first.
  await select('细则自评', 'E4');
  await page.waitForFunction(() => document.querySelector('#ev-target')?.textContent?.startsWith('项目 1 · A01-1'));
  expect(await page.textContent('#ev-list')).toBe('登录后可添加佐证。');
  await page.fill('#token', unitToken);
  await page.click('#sign-in button');
  await page.waitForFunction(() => !(document.querySelector('#sync') as HTMLButtonElement).disabled);
  await page.click('#sync');
  await page.waitForFunction(() => document.querySelector('#sync-result')?.textContent?.includes('已同步为第 1 版'));
  await page.waitForSelector('#ev-add:not([hidden])');
  expect(await page.textContent('#ev-list')).toBe('这条细则还没有佐证。');

  await page.setInputFiles('#ev-files', [
    { name: '挂牌.jpg', mimeType: 'image/jpeg', buffer: await photo({ capturedAt: '2024:05:20 10:31:00' }) },
    { name: '任职文件.pdf', mimeType: 'application/pdf', buffer: pdf('appointment') },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('#ev-progress li.ok').length === 2);
  await page.waitForFunction(() => document.querySelector('#ev-list')?.textContent?.includes('任职文件.pdf'));
  expect(await page.locator('#ev-list li').allTextContents()).toEqual([expect.stringMatching(/^挂牌\.jpg（JPEG 照片，\d+ KB，拍摄于 2024-05-20 10:31:00）$/), expect.stringMatching(/^任职文件\.pdf（PDF 文档，/)]);
  const id = (await s.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/submissions', { token: s.admin })).body.items[0]!.id;
  const stored = (await s.call<{ items: Array<{ project: number; criterion: string; name: string }> }>('GET', `/api/v1/submissions/${id}/evidence`, { token: s.admin })).body.items;
  expect(stored.map((i) => `${i.project}:${i.criterion}:${i.name}`)).toEqual(['1:A01-1:挂牌.jpg', '1:A01-1:任职文件.pdf']);
  await page.screenshot({ path: screenshotPath('taskpane-evidence'), fullPage: true });

  // The same row in 佐证说明 is the same criterion; other cells explain what to select.
  await select('佐证说明', 'E5');
  await page.waitForFunction(() => document.querySelector('#ev-target')?.textContent?.startsWith('项目 1 · A01-2'));
  await page.waitForFunction(() => document.querySelector('#ev-list')?.textContent === '这条细则还没有佐证。');
  await select('细则自评', 'D4');
  await page.waitForFunction(() => document.querySelector('#ev-target')?.textContent?.startsWith('在《细则自评》中选中某个项目的自评单元格'));
  expect(await page.isHidden('#ev-add')).toBe(true);
  // A project the server does not have (slot 2 is empty): the server's refusal is shown.
  await select('细则自评', 'F6');
  await page.waitForSelector('#ev-add:not([hidden])');
  await page.setInputFiles('#ev-files', [{ name: 'x.jpg', mimeType: 'image/jpeg', buffer: await photo({ seed: 4 }) }]);
  await page.waitForSelector('#ev-progress li.error');
  expect(await page.textContent('#ev-progress li.error')).toBe('该申报的最新版本中没有序号为 2 的项目：请刷新后重新选择项目');
  expect(errors).toEqual([]);
});
