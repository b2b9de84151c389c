/**
 * A 填报单位 does its whole job in the dashboard, in real Chromium against the real server: sign in (wrong token
 * first, then remembered), download its prefilled workbook, upload it with a mistake (file picker → every issue
 * listed), upload the fixed one by drag and drop (→ printable receipt), get it returned, download the annotated
 * workbook, upload the fix, compare versions — and the page stays usable at 390 px.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { testServer, type TestServer } from '../helpers/server';
import { fillWorkbook, projectFields } from '../helpers/workbook';
import { buildTemplate } from '../../core/node/workbook/build';
import { DEFAULT_PROJECTS, REPORTER_CELLS, SHEETS } from '../../core/workbook/contract';
import { DEFAULT_LIMITS } from '../../core/limits';


const UNIT = '包头市第一建筑工程有限公司';
let s: TestServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let unitToken: string;
let districtToken: string;
let template: Buffer;
const errors: string[] = [];

async function dropFile(p: Page, selector: string, bytes: Buffer, name: string): Promise<void> {
  const transfer = await p.evaluateHandle(([b64, fileName]) => {
    const bin = atob(b64!);
    const arr = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
    const dt = new DataTransfer();
    dt.items.add(new File([arr], fileName!, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
    return dt;
  }, [bytes.toString('base64'), name]);
  await p.dispatchEvent(selector, 'dragover', { dataTransfer: transfer });
  await p.dispatchEvent(selector, 'drop', { dataTransfer: transfer });
}

const reporter = { contact: '李红', phone: '13912345678', date: '2024-05-20' };

beforeAll(async () => {
  s = await testServer();
  districtToken = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  unitToken = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: UNIT });
  browser = await launchBrowser();
  context = await browser.newContext({ acceptDownloads: true, locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test('a wrong token says so; the right one, remembered, survives a new browser session', async () => {
  await page.goto(`${s.url}/`);
  expect(await page.textContent('#lost-token')).toContain('重新签发');
  await page.fill('#token', 'rs_not-a-real-token');
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#message:not([hidden])');
  expect(await page.textContent('#message')).toMatch(/^令牌不正确：请检查是否完整复制/);
  await page.fill('#token', unitToken);
  await page.check('#remember');
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('[data-panel="home"]:not([hidden])');
  expect(await page.textContent('#unit-name')).toBe(UNIT);
  // Only the unit's own tab is offered.
  expect(await page.locator('.tabs button:not([hidden])').allTextContents()).toEqual(['我的申报']);
  // A new tab of the same browser (sessionStorage is per tab, localStorage is kept): still signed in.
  const again = await context.newPage();
  await again.goto(`${s.url}/`);
  await again.waitForSelector('[data-panel="home"]:not([hidden])');
  await again.close();
});

test('download the workbook: it already names the unit and its district, with a workbook id of its own', async () => {
  // The page takes the project cap and default from core, not from its own markup.
  expect([await page.getAttribute('#home-projects', 'max'), await page.inputValue('#home-projects')]).toEqual([String(DEFAULT_LIMITS.projects), String(DEFAULT_PROJECTS)]);
  await page.fill('#home-projects', '3');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#home-template')]);
  expect(download.suggestedFilename()).toBe(`红色工地申报工作簿（${UNIT}）.xlsx`);
  template = fs.readFileSync((await download.path())!);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(template as unknown as ArrayBuffer);
  const form = wb.getWorksheet(SHEETS.form)!;
  expect(form.getCell(REPORTER_CELLS.find((r) => r.field === 'unit')!.cell).value).toBe(UNIT);
  expect(form.getCell(REPORTER_CELLS.find((r) => r.field === 'district')!.cell).value).toBe('东河区');
  const meta = wb.getWorksheet(SHEETS.meta)!;
  expect(meta.getCell('B4').value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(meta.getCell('B4').value).not.toBe('00000000-0000-4000-8000-000000000000');
});

test('upload with a mistake (file picker): every issue with 工作表!单元格, 字段 and 说明; nothing stored', async () => {
  const bad = await fillWorkbook(template, reporter, [{ fields: projectFields(1, { phone: '123' }), answers: { 'A01-1': '达到' } }]);
  await page.setInputFiles('#unit-upload input[type=file]', { name: '申报-有错.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: bad });
  await page.waitForSelector('#unit-upload .result.bad');
  const rows = await page.locator('#unit-upload .issue-table tbody tr').allInnerTexts();
  const phone = rows.find((r) => r.includes('申报表!G7'));
  expect(phone).toBeDefined();
  expect(phone).toContain('项目 1 · 联系电话');
  expect(phone).toContain('联系电话格式不正确');
  expect(await page.textContent('#unit-upload .result-title')).toMatch(/申报内容有 \d+ 处需要修改/);
  await page.screenshot({ path: screenshotPath('unit-upload-issues'), fullPage: true });
  expect((await s.call<{ items: unknown[] }>('GET', '/api/v1/submissions', { token: s.admin })).body.items).toEqual([]);
});

test('upload the fixed workbook by drag and drop: a receipt with 提交编号, 版本, Beijing time, 项目 and 得分, printable', async () => {
  const good = await fillWorkbook(template, reporter, [{ fields: projectFields(1), answers: { 'A01-1': '达到', 'A01-2': '部分达到' } }]);
  await dropFile(page, '#unit-upload .dropzone', good, '申报.xlsx');
  await page.waitForSelector('#unit-upload #receipt');
  const receipt = await page.textContent('#receipt');
  const list = (await s.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/submissions', { token: s.admin })).body.items;
  expect(list).toHaveLength(1);
  const detail = (await s.call<{ versions: Array<{ createdAt: string }> }>('GET', `/api/v1/submissions/${list[0]!.id}`, { token: s.admin })).body;
  const at = new Date(Date.parse(detail.versions[0]!.createdAt) + 8 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
  expect(receipt).toContain(list[0]!.id);
  expect(receipt).toContain('第 1 版');
  expect(receipt).toContain(`${at}（北京时间）`);
  expect(receipt).toContain('北梁棚户区改造安置房1号楼');
  expect(receipt).toContain('1.5/55');
  // The 提醒 (here: criteria left blank) are shown with the receipt, not only to the district later.
  expect(await page.textContent('#unit-upload .result.ok')).toMatch(/另有 \d+ 条提醒/);
  expect(await page.textContent('#unit-upload .result.ok .issue-table')).toContain('条细则未填');
  await page.screenshot({ path: screenshotPath('unit-receipt'), fullPage: true });
  // Print view: only the receipt.
  await page.evaluate(() => document.body.classList.add('print-receipt'));
  await page.emulateMedia({ media: 'print' });
  expect(await page.locator('.tabs').evaluate((n) => getComputedStyle(n).visibility)).toBe('hidden');
  expect(await page.locator('#receipt').evaluate((n) => getComputedStyle(n).visibility)).toBe('visible');
  await page.screenshot({ path: screenshotPath('unit-receipt-print') });
  await page.emulateMedia({ media: 'screen' });
  await page.evaluate(() => document.body.classList.remove('print-receipt'));
  await page.waitForSelector('#my-list tbody tr');
  expect(await page.textContent('#my-list tbody')).toContain('已提交');
});

test('returned: the reason, the annotated workbook, the fixed upload as version 2, and the diff', async () => {
  const id = (await s.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/submissions', { token: s.admin })).body.items[0]!.id;
  expect((await s.call('POST', `/api/v1/submissions/${id}/return`, { token: districtToken, json: { reason: '请补充 A01-3 的自评和佐证说明' } })).status).toBe(200);
  await page.reload();
  await page.waitForSelector('#my-list tbody tr');
  expect(await page.textContent('#my-list tbody')).toContain('退回修改');
  await page.click('#my-list tbody tr button');
  await page.waitForSelector('#detail:not([hidden])');
  expect(await page.textContent('#d-reason')).toBe('退回原因：请补充 A01-3 的自评和佐证说明');
  expect(await page.isHidden('#d-approve')).toBe(true);
  expect(await page.isHidden('#d-return')).toBe(true);
  const [annotated] = await Promise.all([page.waitForEvent('download'), page.click('#d-annotated')]);
  const marked = new ExcelJS.Workbook();
  await marked.xlsx.load(fs.readFileSync((await annotated.path())!) as unknown as ArrayBuffer);
  expect(marked.worksheets[0]!.name).toBe('问题清单');
  await page.screenshot({ path: screenshotPath('unit-returned'), fullPage: true });

  // A blank workbook downloaded again and filled in is another workbook: refused on this page, nothing stored.
  const other = await fillWorkbook(await buildTemplate({ projects: 3 }), { ...reporter, unit: UNIT, district: '东河区' }, [{ fields: projectFields(1), answers: { 'A01-1': '达到', 'A01-3': '达到' } }]);
  await page.setInputFiles('#d-fix input[type=file]', { name: '重新下载的工作簿.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: other });
  await page.waitForSelector('#d-fix .result.bad');
  expect(await page.textContent('#d-fix .result-title')).toMatch(/^这个文件不是这份申报的工作簿，本次未保存/);
  expect((await s.call<{ total: number }>('GET', '/api/v1/submissions', { token: unitToken })).body.total).toBe(1);
  expect(await page.textContent('#d-meta')).toContain('第 1 版');

  const fixed = await fillWorkbook(template, reporter, [{ fields: projectFields(1), answers: { 'A01-1': '达到', 'A01-2': '部分达到', 'A01-3': '达到' }, notes: { 'A01-3': '制度汇编第 3 页' } }]);
  await page.setInputFiles('#d-fix input[type=file]', { name: '申报-修改后.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: fixed });
  await page.waitForFunction(() => document.querySelectorAll('#d-versions tbody tr').length === 2);
  expect(await page.textContent('#d-meta')).toContain('第 2 版');
  // The receipt of the new version stays on the page, above the 申报, with its 提醒.
  await page.waitForSelector('#d-notice #receipt');
  expect(await page.textContent('#d-notice .result-title')).toBe('提交成功：第 2 版');
  expect(await page.textContent('#d-notice')).toMatch(/另有 \d+ 条提醒/);
  expect(await page.isHidden('#d-reason')).toBe(true);
  await page.click('#d-versions button:has-text("与第 1 版比较")');
  await page.waitForSelector('#d-diff table');
  const diff = await page.textContent('#d-diff');
  expect(diff).toContain('A01-3');
  expect(diff).toContain('未填');
  expect((await s.call<{ state: string; version: number }>('GET', `/api/v1/submissions/${id}`, { token: s.admin })).body).toMatchObject({ state: '已提交', version: 2 });
});

test('Back, Forward and reload keep the place; focus follows the opened 申报; a file dropped beside the zone is ignored', async () => {
  const id = (await s.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/submissions', { token: unitToken })).body.items[0]!.id;
  expect(new URL(page.url()).hash).toBe(`#submission/${id}`);
  await page.click('#d-close');
  await page.click('#my-list tbody tr button');
  await page.waitForSelector('#detail:not([hidden])');
  expect(new URL(page.url()).hash).toBe(`#submission/${id}`);
  // The 查看 button that had the focus is hidden now: the focus is on the 申报's title.
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('d-title');
  await page.goBack();
  await page.waitForSelector('#my-list tbody tr');
  expect(await page.isHidden('#detail')).toBe(true);
  expect(new URL(page.url()).hash).toBe('#home');
  await page.goForward();
  await page.waitForSelector('#detail:not([hidden])');
  expect(await page.textContent('#d-meta')).toContain(id);
  await page.reload();
  await page.waitForSelector('#detail:not([hidden])');
  expect(await page.textContent('#d-meta')).toContain(id);
  await page.click('#d-close');
  await page.waitForSelector('[data-panel="home"]:not([hidden])');
  // The tabs name their panels.
  expect(await page.getAttribute('#tab-home', 'aria-controls')).toBe('panel-home');
  expect(await page.getAttribute('#panel-home', 'role')).toBe('tabpanel');
  // An address cut in the middle of a character opens the first tab, not an error.
  await page.goto(`${s.url}/#submission/%E4%B8`);
  await page.waitForSelector('[data-panel="home"]:not([hidden])');
  // A drop that misses the zone would make the browser open the file and leave the page: it is cancelled.
  expect(await page.evaluate(() => {
    const ev = new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: new DataTransfer() });
    document.body.dispatchEvent(ev);
    return ev.defaultPrevented;
  })).toBe(true);
});

test('one upload at a time: a second file chosen while the first is being checked is not sent', async () => {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  let posts = 0;
  await page.route('**/api/v1/submissions', async (route) => {
    if (route.request().method() !== 'POST') return route.continue();
    posts++;
    await held;
    await route.continue();
  });
  const again = await fillWorkbook(template, reporter, [{ fields: projectFields(1), answers: { 'A01-1': '达到', 'A01-2': '部分达到', 'A01-3': '达到' }, notes: { 'A01-3': '制度汇编第 3 页' } }]);
  const file = (name: string) => ({ name, mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: again });
  await page.setInputFiles('#unit-upload input[type=file]', file('第一个.xlsx'));
  await page.waitForFunction(() => document.querySelector('#unit-upload .dropzone')?.getAttribute('aria-busy') === 'true');
  await page.setInputFiles('#unit-upload input[type=file]', file('第二个.xlsx'));
  await page.waitForSelector('#message:not([hidden])');
  expect(await page.textContent('#message')).toBe('正在上传并检查上一个文件，请等它完成后再上传“第二个.xlsx”');
  release();
  await page.waitForSelector('#unit-upload #receipt');
  await page.unroute('**/api/v1/submissions');
  expect(posts).toBe(1);
  expect(await page.textContent('#unit-upload .result-title')).toBe('服务器上已是这份内容（第 2 版）');
});

test('usable at 390 px: no horizontal scrolling, the list is readable and 查看 is on screen', async () => {
  const phone = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
  const p = await phone.newPage();
  await p.goto(`${s.url}/`);
  await p.fill('#token', unitToken);
  await p.click('#sign-in-form button[type=submit]');
  await p.waitForSelector('#my-list tbody tr');
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  const view = await p.locator('#my-list tbody tr button').boundingBox();
  expect(view!.x + view!.width).toBeLessThanOrEqual(390);
  const unitCell = await p.locator('#my-list tbody td').first().boundingBox();
  expect(unitCell!.width).toBeGreaterThan(200); // not one character per line
  await p.screenshot({ path: screenshotPath('unit-390'), fullPage: true });
  await p.click('#my-list tbody tr button');
  await p.waitForSelector('#detail:not([hidden])');
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await p.screenshot({ path: screenshotPath('unit-390-detail'), fullPage: true });
  await phone.close();
});

test('no script errors and no CSP violations on the way', () => {
  expect(errors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
});
