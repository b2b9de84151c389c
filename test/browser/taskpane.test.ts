/**
 * The real task pane, served by the real server, in real Chromium; Office.js is replaced by an in-memory test double
 * (test/browser/office-double.js) that reads the real template bytes with exceljs's browser build.
 */
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { testServer, type TestServer } from '../helpers/server';
import { currentRubric } from '../../core/rubric';
import { DEFAULT_LIMITS } from '../../core/limits';
import { DEFAULT_PROJECTS } from '../../core/workbook/contract';
import { OFFICE_DOUBLE_SCRIPT, excelUser } from '../helpers/office-double';



let s: TestServer;
let browser: Browser;
let page: Page;
let unitToken: string;
let districtToken: string;
const rubric = currentRubric();
const { type, read } = excelUser(() => page);

type DoubleWindow = { __excelDouble: { type: (s: string, a: string, v: unknown) => void; read: (s: string, a: string) => unknown[][]; selected: { sheet: string; address: string } | null; created: string[]; sheetNames: () => string[]; charts: unknown[] } };

const status = () => page.textContent('#status');

beforeAll(async () => {
  s = await testServer();
  unitToken = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  districtToken = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  await s.call('POST', '/api/v1/roster', { token: s.admin, file: { bytes: Buffer.from('单位名称,旗县区,联系人,电话\n包头市第一建筑工程有限公司,东河区,李红,13912345678\n东河城建,东河区,周,0472-4123456\n'), name: 'r.csv' } });
  browser = await launchBrowser();
  page = await (await browser.newContext({ viewport: { width: 420, height: 900 }, locale: 'zh-CN' })).newPage();
  await page.route('**/office-js/office.js', (route) => route.fulfill({ contentType: 'application/javascript', body: OFFICE_DOUBLE_SCRIPT }));
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${s.url}/addin/taskpane.html`);
  await page.waitForSelector('#create');
  expect(errors).toEqual([]);
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test('create the workbook from the server template', async () => {
  expect([await page.getAttribute('#projects', 'max'), await page.inputValue('#projects')]).toEqual([String(DEFAULT_LIMITS.projects), String(DEFAULT_PROJECTS)]);
  await page.fill('#projects', '3');
  await page.click('#create');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('已插入申报工作簿'));
  const names = await page.evaluate(() => (window as unknown as DoubleWindow).__excelDouble.sheetNames());
  expect(names).toEqual(['填报说明', '申报表', '细则自评', '佐证说明', '得分汇总', '_meta']);
  expect((await read('细则自评', 'A4:D4'))[0]).toEqual(['A01-1', '七有', '有组织', `1、${rubric.criteria[0]!.text}`]);
});

test('fill as a user: the live score follows every answer', async () => {
  for (const [cell, v] of [['B3', '包头市第一建筑工程有限公司'], ['E3', '东河区'], ['G3', '李红'], ['I3', '13912345678']] as const) await type('申报表', cell, v);
  const row = { B7: '包头市第一建筑工程有限公司', C7: '北梁安置房1号楼', D7: '包头市东河区北梁新区', E7: '3.2万平方米', F7: '王建国', G7: '123', H7: 45017, I7: 45961, J7: '东河区' };
  for (const [cell, v] of Object.entries(row)) await type('申报表', cell, v);
  await type('细则自评', 'E4', '达到');
  await page.waitForFunction(() => document.querySelector('#scores tbody')?.textContent?.includes('1/55'));
  await type('细则自评', 'E5', '部分达到');
  await type('细则自评', 'E6', '不适用');
  await page.waitForFunction(() => document.querySelector('#scores tbody')?.textContent?.includes('1.5/54'));
  expect(await page.textContent('#scores tbody')).toContain('北梁安置房1号楼');
  await page.screenshot({ path: screenshotPath('taskpane-live-score'), fullPage: true });
});

test('a 700-character project name is clipped in the score table, which keeps its width; the full name stays on the cell', async () => {
  const long = `呼和浩特${'超长项目名称'.repeat(116)}`; // 700 characters: the 200-character check is on the cell (检查), not here
  await type('申报表', 'C8', long);
  try {
    await longNameMeasured(long);
  } finally {
    // Emptied even when a check fails: the tests below fill and sync project 1 alone.
    await type('申报表', 'C8', '');
  }
  await page.waitForFunction(() => !document.querySelector('#scores tr[data-seq="2"]'));
});

async function longNameMeasured(long: string): Promise<void> {
  await page.waitForSelector('#scores tr[data-seq="2"]');
  const measured = await page.evaluate(() => {
    const box = document.querySelector('#scores')!;
    const row = (seq: string) => document.querySelector(`#scores tr[data-seq="${seq}"]`)!;
    const name = (seq: string) => row(seq).querySelector('td.name')!;
    const height = (e: Element) => e.getBoundingClientRect().height;
    const width = (e: Element) => e.getBoundingClientRect().width;
    return {
      rows: [height(row('1')), height(row('2'))],
      nameCells: [width(name('1')), width(name('2'))],
      shownName: height(name('2').querySelector('.clip')!),
      lineHeight: parseFloat(getComputedStyle(name('2')).lineHeight),
      table: width(box.querySelector('table')!),
      box: width(box),
      scrollWidth: box.scrollWidth,
      title: name('2').getAttribute('title'),
      text: name('2').textContent,
    };
  });
  await page.screenshot({ path: screenshotPath('taskpane-long-name'), fullPage: true });
  // The name shows two lines at most, where the whole of it would be some thirty lines in a 420-pixel pane: the row is
  // no taller than the row of a short name (its height is the 七有一好八规范 column's).
  expect(measured.shownName).toBeLessThanOrEqual(2 * measured.lineHeight + 1);
  expect(measured.rows[1]).toBeLessThanOrEqual(measured.rows[0]! + 1);
  // Nothing pushed sideways: the name column is as wide as for a short name, the table as wide as the pane's box.
  expect(measured.nameCells[1]).toBeCloseTo(measured.nameCells[0]!, 0);
  expect(measured.table).toBeLessThanOrEqual(measured.box);
  expect(measured.scrollWidth).toBeLessThanOrEqual(Math.ceil(measured.box));
  // The full name: on hover (title) and in the cell's text, which screen readers read.
  expect(measured.title).toBe(`2. ${long}`);
  expect(measured.text).toBe(`2. ${long}`);
}

test('check lists issues; clicking one selects its cell; fixing it clears it', async () => {
  await page.click('#check');
  await page.waitForSelector('#issues li');
  const phone = page.locator('#issues li.error button', { hasText: '联系电话格式不正确' });
  expect(await phone.textContent()).toContain('申报表!G7');
  await phone.click();
  await page.waitForFunction(() => (window as unknown as DoubleWindow).__excelDouble.selected?.address === 'G7');
  await type('申报表', 'G7', '0472-7100945');
  await page.click('#check');
  await page.waitForFunction(() => !document.querySelector('#issues li.error'));
  expect(await page.textContent('#check-summary')).toMatch(/错误 0 个|没有发现问题/);
});

test('sync: sign in once, version 1, edit → version 2, visible on the server', async () => {
  await page.fill('#token', 'rs_wrong');
  await page.click('#sign-in button');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('令牌不正确'));
  await page.fill('#token', unitToken);
  await page.click('#sign-in button');
  await page.waitForFunction(() => !(document.querySelector('#sync') as HTMLButtonElement).disabled);
  await page.click('#sync');
  await page.waitForFunction(() => document.querySelector('#sync-result')?.textContent?.includes('已同步为第 1 版'));
  const list = (await s.call<{ items: Array<{ id: string; unit: string; version: number }> }>('GET', '/api/v1/submissions', { token: s.admin })).body.items;
  expect(list).toHaveLength(1);
  const id = list[0]!.id;
  const detail = (await s.call<{ submission: { source: string; projects: Array<{ answers: Record<string, string>; phone: string }> } }>('GET', `/api/v1/submissions/${id}`, { token: s.admin })).body;
  expect(detail.submission.source).toBe('addin');
  expect(detail.submission.projects[0]!.answers).toEqual({ 'A01-1': '达到', 'A01-2': '部分达到', 'A01-3': '不适用' });
  expect(detail.submission.projects[0]!.phone).toBe('0472-7100945');

  await page.click('#sync');
  await page.waitForFunction(() => document.querySelector('#sync-result')?.textContent?.includes('内容没有变化'));
  await type('细则自评', 'E7', '达到');
  await page.click('#sync');
  await page.waitForFunction(() => document.querySelector('#sync-result')?.textContent?.includes('已同步为第 2 版'));
  await s.call('POST', `/api/v1/submissions/${id}/return`, { token: districtToken, json: { reason: '请补充佐证说明' } });
  await type('佐证说明', 'E4', '党支部挂牌照片');
  await page.click('#sync');
  await page.waitForFunction(() => document.querySelector('#sync-result')?.textContent?.includes('已同步为第 3 版'));
  expect(await page.textContent('#sync-result')).toContain('状态：已提交');
  expect(await page.textContent('#sync-result')).not.toContain('原已审核通过');
  // Approved, then changed and synced again: the pane says the 申报 has to be reviewed again.
  await s.call('POST', `/api/v1/submissions/${id}/approve`, { token: districtToken, json: {} });
  await type('细则自评', 'E8', '不适用');
  await page.click('#sync');
  await page.waitForFunction(() => document.querySelector('#sync-result')?.textContent?.includes('已同步为第 4 版'));
  expect(await page.textContent('#sync-result')).toContain('这份申报原已审核通过；新同步的版本改为“已提交”，需要旗县区重新审核。');
  await page.screenshot({ path: screenshotPath('taskpane-synced'), fullPage: true });
});

test('offline: a clear message and nothing lost', async () => {
  await page.route('**/api/v1/submissions', (route) => route.abort('internetdisconnected'));
  await type('细则自评', 'E8', '达到');
  await page.click('#sync');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('无法连接服务器'));
  expect((await read('细则自评', 'E8'))[0]![0]).toBe('达到');
  await page.unroute('**/api/v1/submissions');
});

test('旗县区: 一键汇总 writes 本区汇总 with a chart and the units not yet submitted', async () => {
  await page.click('#sign-out');
  await page.fill('#token', districtToken);
  await page.click('#sign-in button');
  await page.waitForSelector('[data-tab="district"]:not([hidden])');
  await page.click('[data-tab="district"]');
  await page.click('#consolidate');
  await page.waitForFunction(() => document.querySelector('#status')?.textContent?.includes('汇总完成'));
  const header = (await read('本区汇总', 'A3:O3'))[0];
  expect(header!.slice(0, 6)).toEqual(['序号', '企业名称', '项目情况（包括地址、建设规模等）', '负责人', '联系电话', '开竣工日期']);
  const row = (await read('本区汇总', 'A4:O4'))[0]!;
  expect(row.slice(0, 2)).toEqual([1, '包头市第一建筑工程有限公司']);
  expect(row[5]).toBe('2023-04-01—2025-10-31');
  expect(row[13]).toBe('已提交');
  expect(await page.evaluate(() => (window as unknown as DoubleWindow).__excelDouble.charts.length)).toBe(1);
  expect(await read('本区汇总', 'A6:C8')).toEqual([['尚未报送的单位（1 个）', '', ''], ['单位名称', '联系人', '电话'], ['东河城建', '周', '0472-4123456']]);
  expect(await page.textContent('#district-result')).toContain('尚未报送 1 个单位');
});

test('秘书处: 下载总表 opens the master workbook', async () => {
  await page.click('#sign-out');
  await page.fill('#token', s.admin);
  await page.click('#sign-in button');
  await page.waitForSelector('[data-tab="secretariat"]:not([hidden])');
  await page.click('[data-tab="secretariat"]');
  await page.waitForFunction(() => document.querySelector('#roster')?.textContent?.includes('东河区：应报 2，已报 1'));
  await page.click('#master');
  await page.waitForFunction(() => (window as unknown as DoubleWindow).__excelDouble.created.length === 1 || document.querySelector('#status')?.classList.contains('error'));
  expect(await status()).toBe('总表已在新工作簿中打开');
  const b64 = await page.evaluate(() => (window as unknown as DoubleWindow).__excelDouble.created[0]!);
  expect(Buffer.from(b64, 'base64').subarray(0, 2).toString()).toBe('PK');
  await page.screenshot({ path: screenshotPath('taskpane-secretariat'), fullPage: true });
});

test('outside Excel: the real Office.js finds no host; the pane says so in Chinese, links the dashboard, no CSP errors', async () => {
  const p = await (await browser.newContext({ viewport: { width: 420, height: 700 }, locale: 'zh-CN' })).newPage();
  const problems: string[] = [];
  p.on('pageerror', (e) => problems.push(e.message));
  p.on('console', (m) => {
    if (m.type() === 'error' && !/ERR_NAME_NOT_RESOLVED|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/.test(m.text())) problems.push(m.text());
  });
  await p.goto(`${s.url}/addin/taskpane.html`);
  await p.waitForSelector('#no-host:not([hidden])');
  expect(await p.textContent('#no-host-text')).toMatch(/^请在 Excel 中打开此加载项/);
  expect(await p.getAttribute('#dashboard-link', 'href')).toBe('/');
  expect(await p.isHidden('[data-panel="fill"]')).toBe(true);
  // Office.js frames its telemetry page three seconds after loading: that must not break our CSP either.
  await p.waitForSelector('iframe[src*="telemetryservice"]', { state: 'attached' });
  await p.screenshot({ path: screenshotPath('taskpane-outside-excel') });
  expect(problems).toEqual([]);
  await p.context().close();
});
