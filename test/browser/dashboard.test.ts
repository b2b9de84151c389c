/**
 * The 秘书处's journey through the dashboard in real Chromium against the real server: sign in, review, escaping of
 * hostile text, roster import with 应报/已报 equal on 报送名单 and 概览, a district account, the deadline, the audit
 * log and the master workbook.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission, randomAnswers, seeded } from '../helpers/fixtures';
import { DEADLINE_INPUT_HINT, DEADLINE_INPUT_MSG } from '../../server/model';


let s: TestServer;
let browser: Browser;
let page: Page;
let district: string;
const XSS = '<img src=x onerror="window.__xss=1">恶意单位';
const FORMULA = '=HYPERLINK("http://evil","点我")';
let returnId: string;
let approveId: string;
const alerts: string[] = [];

beforeAll(async () => {
  s = await testServer();
  district = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  const a = validSubmission({ projects: [validProject(1, { answers: randomAnswers(seeded(11)), notes: { 'A01-1': '挂牌照片' } })] });
  const b = validSubmission({ reporter: { unit: XSS, district: '东河区', contact: FORMULA, phone: '13912345678' }, projects: [validProject(1, { enterprise: XSS, projectName: FORMULA })] });
  returnId = a.submissionId;
  approveId = b.submissionId;
  for (const sub of [a, b]) expect((await s.call('POST', '/api/v1/submissions', { token: s.admin, json: sub })).status).toBe(201);
  await s.call('POST', '/api/v1/roster', { token: s.admin, file: { bytes: Buffer.from('单位名称,旗县区,联系人,电话\n包头市第一建筑工程有限公司,东河区,李红,13912345678\n东河城建,东河区,周,0472-4123456\n'), name: 'r.csv' } });
  browser = await launchBrowser();
  const context = await browser.newContext({ acceptDownloads: true, locale: 'zh-CN', viewport: { width: 1360, height: 900 } });
  page = await context.newPage();
  page.on('dialog', (d) => {
    if (d.type() !== 'confirm') alerts.push(d.message()); // only our own confirmations may open
    void d.accept();
  });
  page.on('pageerror', (e) => alerts.push(e.message));
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test('sign in as 秘书处: district table and chart', async () => {
  await page.goto(`${s.url}/`);
  await page.fill('#token', 'rs_wrong');
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#message:not([hidden])');
  expect(await page.textContent('#message')).toMatch(/^令牌不正确/);
  await page.fill('#token', s.admin);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#districts tbody tr');
  expect(await page.textContent('#who-role')).toBe('秘书处');
  const row = await page.locator('#districts tbody tr', { hasText: '东河区' }).innerText();
  // 应报 2 (the roster), 已报 1 (一建), 名单外已报 1 (the hostile unit), 2 projects.
  expect(row).toMatch(/东河区\s+2\s+1\s+0\s+0\s+1\s+2/);
  expect(await page.locator('#chart svg rect').count()).toBeGreaterThan(11);
  await page.screenshot({ path: screenshotPath('dashboard-overview'), fullPage: true });
});

test('list escapes user text; open a submission and return it with a reason', async () => {
  await page.click('[data-tab="list"]');
  await page.waitForSelector('#submissions tbody tr');
  expect(await page.locator('#submissions tbody').innerText()).toContain(XSS);
  expect(await page.locator('#submissions img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();

  await page.fill('#filters input[name=q]', '第一建筑');
  await page.click('#filters button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#submissions tbody tr').length === 1);
  await page.click('#submissions tbody tr button');
  await page.waitForSelector('#detail:not([hidden])');
  expect(await page.textContent('#d-answers')).toContain('佐证：挂牌照片');
  expect(await page.locator('#d-answers table').count()).toBe(17);
  await page.click('#d-return');
  await page.fill('#return-reason', '请补充 A01-1 的佐证照片');
  await page.click('#return-form button[type=submit]');
  await page.waitForSelector('#d-reason:not([hidden])');
  expect(await page.textContent('#d-reason')).toBe('退回原因：请补充 A01-1 的佐证照片');
  await page.screenshot({ path: screenshotPath('dashboard-detail-returned'), fullPage: true });
  const detail = (await s.call<{ state: string; returnReason: string }>('GET', `/api/v1/submissions/${returnId}`, { token: s.admin })).body;
  expect(detail).toMatchObject({ state: '退回修改', returnReason: '请补充 A01-1 的佐证照片' });
});

test('approve the other one; its hostile text is shown literally', async () => {
  await page.click('[data-tab="list"]');
  await page.fill('#filters input[name=q]', '');
  await page.click('#filters button[type=submit]');
  await page.waitForFunction(() => document.querySelectorAll('#submissions tbody tr').length === 2);
  await page.locator('#submissions tbody tr', { hasText: '恶意单位' }).locator('button').click();
  await page.waitForSelector('#detail:not([hidden])');
  expect(await page.textContent('#d-title')).toContain(XSS);
  expect(await page.textContent('#d-projects')).toContain(FORMULA);
  await page.click('#d-approve');
  await page.waitForFunction(() => document.querySelector('#message')?.textContent === '已审核通过');
  expect((await s.call<{ state: string }>('GET', `/api/v1/submissions/${approveId}`, { token: s.admin })).body.state).toBe('已审核');
});

test('roster shows the unit that has not submitted; an import from the dashboard; 应报/已报 equal on both tabs', async () => {
  await page.click('[data-tab="roster"]');
  await page.waitForSelector('#roster-summary tbody tr');
  expect(await page.locator('.roster-district', { hasText: '东河区' }).locator('tr', { hasText: '东河城建' }).innerText()).toMatch(/东河城建\s+周\s+0472-4123456\s+名单\s+未报送/);
  // The line of a 旗县区 says 名单外已报 as the table does (the hostile unit submitted without being on the roster).
  expect(await page.locator('.roster-district summary', { hasText: '东河区' }).innerText()).toBe('东河区：应报 2，已报 1，未报送 1，名单外已报 1');
  const [missing] = await Promise.all([page.waitForEvent('download'), page.click('#roster-missing')]);
  expect(missing.suggestedFilename()).toBe('红色工地未报送名单（全市）.xlsx');
  const missingBook = new ExcelJS.Workbook();
  await missingBook.xlsx.readFile(await missing.path());
  expect((missingBook.getWorksheet('未报送名单')!.getRow(4).values as unknown[]).slice(1)).toEqual(['东河区', '东河城建', '周', '0472-4123456', '未报送']);
  const summaryRow = () => page.locator('#roster-summary tbody tr', { hasText: '东河区' }).innerText();
  const before = await summaryRow();
  await page.click('#roster-import summary');
  await page.setInputFiles('#roster-file', { name: '报送名单.csv', mimeType: 'text/csv', buffer: Buffer.from('单位名称,旗县区,联系人,电话\n包头市第一建筑工程有限公司,东河区,李红,13912345678\n东河城建,东河区,周,0472-4123456\n东河路桥,东河区,吴,13912345670\n青山建工,青山区,赵,13912345671\n') });
  await page.click('#roster-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#roster-result')?.textContent?.includes('已导入 4 个单位'));
  // The message comes first, then the roster is fetched again: wait for the table to be redrawn (a busy machine is slow).
  await page.waitForFunction((old) => [...document.querySelectorAll<HTMLElement>('#roster-summary tbody tr')].find((tr) => tr.innerText.includes('东河区'))?.innerText !== old, before);
  const rosterRow = await summaryRow();
  const [, expected, submitted] = /东河区\s+(\d+)\s+(\d+)/.exec(rosterRow)!;
  expect([expected, submitted]).toEqual(['3', '1']);
  await page.screenshot({ path: screenshotPath('secretariat-roster'), fullPage: true });
  // The 概览 table from the first visit is still on screen while the tab fetches its figures again: wait for the
  // redrawn row (a row of the old figures would be read at once otherwise), then compare.
  await page.click('[data-tab="overview"]');
  const overviewRow = new RegExp(`东河区\\s+${expected}\\s+${submitted}\\s`);
  await page.waitForFunction(
    (source) => [...document.querySelectorAll<HTMLElement>('#districts tbody tr')].some((tr) => new RegExp(source).test(tr.innerText)),
    overviewRow.source,
  );
  expect(await page.locator('#districts tbody tr', { hasText: '东河区' }).innerText()).toMatch(overviewRow);
  expect(await page.locator('#districts tbody tr', { hasText: '青山区' }).innerText()).toMatch(/青山区\s+1\s+0\s/);
});

test('a district account from the form; the deadline in Beijing time; the audit log shows both', async () => {
  await page.click('[data-tab="accounts"]');
  await page.selectOption('#a-role', 'district');
  expect(await page.isHidden('#a-unit-wrap')).toBe(true);
  await page.selectOption('#a-district', '九原区');
  await page.click('#account-form button[type=submit]');
  await page.waitForSelector('#new-token');
  expect((await s.call('GET', '/api/v1/me', { token: (await page.textContent('#new-token'))! })).body).toMatchObject({ role: 'district', district: '九原区', name: '九原区管理员' });
  await page.click('[data-tab="admin"]');
  await page.waitForSelector('#audit tbody tr');
  expect(await page.textContent('#deadline-hint')).toContain('只写日期（如 2024-05-24）表示当天 23:59');
  // The same words as `redsite serve --help` (test/cli/messages.test.ts).
  expect(await page.textContent('#deadline-hint')).toBe(`按北京时间填写，${DEADLINE_INPUT_HINT}。此后提交的申报照常接收，标记为逾期。`);
  // A date that does not exist, or none, is refused with the message `serve --deadline` gives (one schema for both),
  // naming the field and the forms it takes (an empty field too: no browser bubble in the browser's language).
  for (const typed of ['2024-02-30 18:00', '']) {
    await page.evaluate(() => (document.querySelector('#message')!.textContent = ''));
    await page.fill('#deadline-input', typed);
    await page.click('#deadline-form button[type=submit]');
    await page.waitForFunction((m) => document.querySelector('#message')?.textContent === m, DEADLINE_INPUT_MSG);
  }
  expect(DEADLINE_INPUT_MSG).toMatch(/^截止时间.*2024\/5\/24 23:59.*2024年5月24日23:59/);
  // A date alone is the end of that day; 年月日 as typed in Chinese is read too.
  await page.fill('#deadline-input', '2024/6/11');
  await page.click('#deadline-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#deadline-now')?.textContent === '当前截止：2024-06-11 23:59（北京时间）');
  await page.fill('#deadline-input', '2024年6月10日18:00');
  await page.click('#deadline-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#deadline-now')?.textContent === '当前截止：2024-06-10 18:00（北京时间）');
  expect((await s.call<{ deadline: string }>('GET', '/api/v1/settings', { token: s.admin })).body.deadline).toBe('2024-06-10T18:00:00+08:00');
  const log = await page.textContent('#audit');
  for (const action of ['修改设置', '创建账号', '导入报送名单', '审核通过', '退回修改']) expect(log).toContain(action);
  expect(log).toContain('截止：2024-06-10 18:00');
  expect(log).toContain('原因：请补充 A01-1 的佐证照片');
  // 对象 in words (server/audit.ts auditTargetLabels), never a raw id.
  expect(log).toMatch(/账号 #\d+ 九原区管理员（九原区）/);
  expect(log).toMatch(/申报：[^（]+（东河区）/);
  expect(log).not.toMatch(/user:\d|[0-9a-f]{8}-[0-9a-f]{4}-/);
  await page.screenshot({ path: screenshotPath('secretariat-admin'), fullPage: true });
});

test('the master downloads as xlsx', async () => {
  await page.click('[data-tab="downloads"]');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-master')]);
  expect(download.suggestedFilename()).toBe('红色工地申报总表.xlsx');
  const file = await download.path();
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 2).toString()).toBe('PK');
  await page.screenshot({ path: screenshotPath('dashboard-downloads'), fullPage: true });
});

test('a 旗县区 officer sees only the district download and no master', async () => {
  await page.click('#sign-out');
  await page.fill('#token', district);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#districts tbody tr');
  expect(await page.locator('#districts tbody tr').count()).toBe(1);
  await page.click('[data-tab="downloads"]');
  expect(await page.isHidden('#dl-master')).toBe(true);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#dl-district-btn')]);
  expect(download.suggestedFilename()).toBe('东河区红色工地申报汇总.xlsx');
});

test('no script ran from user text, no alerts, no script errors', () => {
  expect(alerts).toEqual([]);
});
