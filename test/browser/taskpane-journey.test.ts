/**
 * The task pane along a user's journey where it used to mislead (real Chromium, the real server, Office.js replaced
 * by test/browser/office-double.js): double clicks, a slow 佐证 answer for a cell no longer selected, a renamed sheet,
 * a proxy's 502 page, a token revoked mid-session. Every wait is on a condition, never on time.
 */
import type { Browser, Page, Request, Route } from 'playwright-core';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { testServer, type TestServer } from '../helpers/server';
import { photo } from '../helpers/evidence';
import { OFFICE_DOUBLE_SCRIPT, excelUser } from '../helpers/office-double';


interface Double {
  type: (s: string, a: string, v: unknown) => void;
  selectCell: (s: string, a: string) => void;
  renameSheet: (from: string, to: string) => void;
  addSheet: (name: string) => void;
  sheetNames: () => string[];
  changeHandlers: (name: string) => number;
  inserts: number;
  insertRows: (sheet: string, at: number, count: number) => void;
  deleteRows: (sheet: string, at: number, count: number) => void;
  nameRef: (name: string) => string;
  selected: { sheet: string; address: string } | null;
}
type DoubleWindow = { __excelDouble: Double };

let s: TestServer;
let browser: Browser;
let page: Page;
let unitToken: string;
const errors: string[] = [];
const { type, select, rename } = excelUser(() => page);

/** A fast double click: both clicks reach the page before the first run's first answer (button.click() is what a user's click does, and nothing on a disabled button). */
const doubleClick = (sel: string) => page.evaluate((q) => {
  const b = document.querySelector<HTMLButtonElement>(q)!;
  b.click();
  b.click();
}, sel);
/** Requests to `pathname` by `method` from now on. */
function counter(method: string, pathname: string): { n: number } {
  const c = { n: 0 };
  page.on('request', (r: Request) => {
    if (r.method() === method && new URL(r.url()).pathname === pathname) c.n++;
  });
  return c;
}
const statusIs = (start: string) => page.waitForFunction((t) => document.querySelector('#status')?.textContent?.startsWith(t), start);

async function openPane(): Promise<Page> {
  const p = await (await browser.newContext({ viewport: { width: 420, height: 900 }, locale: 'zh-CN' })).newPage();
  await p.route('**/office-js/office.js', (route) => route.fulfill({ contentType: 'application/javascript', body: OFFICE_DOUBLE_SCRIPT }));
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${s.url}/addin/taskpane.html`);
  await p.waitForSelector('#create');
  return p;
}

beforeAll(async () => {
  s = await testServer();
  unitToken = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  browser = await launchBrowser();
  page = await openPane();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test('double click on 新建申报工作簿: one insert, one change watcher, the success message', async () => {
  await page.fill('#projects', '2');
  const templates = counter('GET', '/api/v1/template.xlsx');
  await doubleClick('#create');
  await page.waitForFunction(() => !(document.querySelector('#create') as HTMLButtonElement).disabled);
  expect(templates.n).toBe(1);
  expect(await page.textContent('#status')).toBe('已插入申报工作簿（2 个项目）：请从《申报表》第 3 行开始填写');
  const counts = await page.evaluate(() => {
    const d = (window as unknown as DoubleWindow).__excelDouble;
    return { inserts: d.inserts, form: d.changeHandlers('申报表'), answers: d.changeHandlers('细则自评') };
  });
  expect(counts).toEqual({ inserts: 1, form: 1, answers: 1 });
  expect(await page.getAttribute('#status', 'class')).toContain('ok');
});

test('a sheet of the user with a template name: create says which one and what to do', async () => {
  const p = await openPane();
  await p.evaluate(() => (window as unknown as DoubleWindow).__excelDouble.addSheet('填报说明'));
  await p.click('#create');
  await p.waitForFunction(() => document.querySelector('#status')?.classList.contains('error'));
  expect(await p.textContent('#status')).toBe('当前工作簿已经有名为《填报说明》的工作表：请把它改名，或新建一个空白工作簿后再点“新建申报工作簿”');
  expect(await p.evaluate(() => (window as unknown as DoubleWindow).__excelDouble.inserts)).toBe(0);
  await p.context().close();
});

test('double click on 同步到服务器: one sync, reported as version 1', async () => {
  for (const [cell, v] of [['B3', '包头市第一建筑工程有限公司'], ['E3', '东河区'], ['G3', '李红'], ['I3', '13912345678']] as const) await type('申报表', cell, v);
  const row = { B7: '包头市第一建筑工程有限公司', C7: '北梁安置房1号楼', D7: '包头市东河区北梁新区', E7: '3.2万平方米', F7: '王建国', G7: '0472-7100945', H7: 45017, I7: 45961, J7: '东河区' };
  for (const [cell, v] of Object.entries(row)) await type('申报表', cell, v);
  await type('细则自评', 'E4', '达到');
  await type('细则自评', 'E5', '达到');
  await page.fill('#token', unitToken);
  await page.click('#sign-in button');
  await page.waitForFunction(() => !(document.querySelector('#sync') as HTMLButtonElement).disabled);
  const posts = counter('POST', '/api/v1/submissions');
  await doubleClick('#sync');
  await page.waitForFunction(() => !(document.querySelector('#sync') as HTMLButtonElement).disabled);
  expect(posts.n).toBe(1);
  expect(await page.textContent('#sync-result')).toContain('已同步为第 1 版');
  expect(await page.textContent('#status')).toBe('同步成功');
  const items = (await s.call<{ items: Array<{ version: number }> }>('GET', '/api/v1/submissions', { token: s.admin })).body.items;
  expect(items.map((i) => i.version)).toEqual([1]);
});

test('佐证: a slow answer for the cell selected before is dropped; heading, list and upload agree', async () => {
  // A01-1 of project 1 gets a photo; A01-2 has none.
  await select('细则自评', 'E4');
  await page.waitForFunction(() => document.querySelector('#ev-target')?.textContent?.startsWith('项目 1 · A01-1') && !document.querySelector<HTMLElement>('#ev-add')?.hidden);
  await page.setInputFiles('#ev-files', [{ name: '挂牌.jpg', mimeType: 'image/jpeg', buffer: await photo({ seed: 1 }) }]);
  await page.waitForFunction(() => document.querySelector('#ev-list')?.textContent?.includes('挂牌.jpg'));

  // Select D4 (no criterion cell), then E4 again: its answer is held back until E5's has been shown.
  await select('细则自评', 'D4');
  await page.waitForFunction(() => document.querySelector('#ev-target')?.textContent?.startsWith('在《细则自评》中选中'));
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let heldRequest: Request | undefined;
  const evidence = '**/api/v1/submissions/*/evidence';
  await page.route(evidence, async (route: Route) => {
    if (route.request().method() === 'GET' && !heldRequest) {
      heldRequest = route.request();
      await held;
    }
    await route.continue();
  });
  await select('细则自评', 'E4');
  await page.waitForFunction(() => document.querySelector('#ev-target')?.textContent?.startsWith('项目 1 · A01-1'));
  await select('细则自评', 'E5');
  await page.waitForFunction(() => document.querySelector('#ev-target')?.textContent?.startsWith('项目 1 · A01-2') && document.querySelector('#ev-list')?.textContent === '这条细则还没有佐证。');
  expect(heldRequest).toBeDefined();
  const staleAnswered = page.waitForEvent('requestfinished', (r) => r === heldRequest);
  release();
  await staleAnswered;
  // One more answer from the server through the page: the stale one (answered before it) has been handled by then.
  await page.evaluate(() => fetch('/healthz').then((r) => r.text()));
  await page.unroute(evidence);
  expect(await page.textContent('#ev-target')).toMatch(/^项目 1 · A01-2/);
  expect(await page.locator('#ev-list li').allTextContents()).toEqual(['这条细则还没有佐证。']);

  await page.setInputFiles('#ev-files', [{ name: '学习记录.jpg', mimeType: 'image/jpeg', buffer: await photo({ seed: 2 }) }]);
  await page.waitForFunction(() => document.querySelector('#ev-list')?.textContent?.includes('学习记录.jpg'));
  expect(await page.textContent('#ev-progress')).toBe('学习记录.jpg：已添加到项目 1 · A01-2');
  const id = (await s.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/submissions', { token: s.admin })).body.items[0]!.id;
  const stored = (await s.call<{ items: Array<{ project: number; criterion: string; name: string }> }>('GET', `/api/v1/submissions/${id}/evidence`, { token: s.admin })).body.items;
  expect(stored.map((i) => `${i.project}:${i.criterion}:${i.name}`)).toEqual(['1:A01-1:挂牌.jpg', '1:A01-2:学习记录.jpg']);
});

test('a proxy 502 page on sync: a Chinese explanation and next step; the earlier success is not left on screen', async () => {
  await type('细则自评', 'E6', '达到');
  await page.route('**/api/v1/submissions', (route) =>
    route.request().method() === 'POST' ? route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>' }) : route.continue(),
  );
  await page.click('#sync');
  await page.waitForFunction(() => document.querySelector('#status')?.classList.contains('error'));
  expect(await page.textContent('#status')).toBe('服务器暂时无法处理（502），请稍后再试；如一直出现请联系联盟秘书处。工作簿中的内容不会丢失。');
  const result = await page.textContent('#sync-result');
  expect(result).not.toContain('已同步为第');
  expect(result).toContain('本次没有同步成功');
  await page.unroute('**/api/v1/submissions');
  await page.click('#sync');
  await page.waitForFunction(() => document.querySelector('#sync-result')?.textContent?.includes('已同步为第 2 版'));
});

test('a renamed sheet: the pane names it and says to rename it back; nothing stale stays on screen', async () => {
  await page.click('#check');
  await page.waitForFunction(() => document.querySelector('#check-summary')?.textContent !== '');
  await page.waitForSelector('#scores tbody');
  await rename('细则自评', '自评');
  const missing = '找不到工作表《细则自评》：可能被改名或删除了，请改回原名（或撤销）后再试';
  // An edit elsewhere re-reads the workbook.
  await type('申报表', 'G3', '李红红');
  await statusIs(missing);
  expect(await page.textContent('#check-summary')).toBe('');
  expect(await page.locator('#issues li').count()).toBe(0);
  expect(await page.locator('#scores tbody').count()).toBe(0);
  await page.click('#check');
  await statusIs(missing);
  await page.click('#create');
  await page.waitForFunction(() => !(document.querySelector('#create') as HTMLButtonElement).disabled);
  expect(await page.textContent('#status')).toBe(missing);
  await page.click('#sync');
  await page.waitForFunction(() => !(document.querySelector('#sync') as HTMLButtonElement).disabled);
  expect(await page.textContent('#status')).toBe(missing);
  expect(await page.textContent('#sync-result')).toContain('本次没有同步成功');
  await page.screenshot({ path: screenshotPath('taskpane-renamed-sheet'), fullPage: true });

  await rename('自评', '细则自评');
  await page.click('#check');
  await page.waitForSelector('#scores tbody');
  // A problem of the list whose sheet has been renamed since: clicking it names that sheet.
  await type('申报表', 'G7', '123');
  await page.click('#check');
  const phone = page.locator('#issues li.error button', { hasText: '联系电话格式不正确' });
  await phone.waitFor();
  await rename('申报表', '申报');
  await phone.click();
  await statusIs('找不到工作表《申报表》：可能被改名或删除了，请改回原名（或撤销）后再试');
  await rename('申报', '申报表');
  await type('申报表', 'G7', '0472-7100945');
});

test('a token revoked mid-session: signed out at once, with the server’s reason and the token field', async () => {
  const users = (await s.call<{ items: Array<{ id: number; name: string }> }>('GET', '/api/v1/users', { token: s.admin })).body.items;
  const id = users.find((u) => u.name === '一建填报员')!.id;
  expect((await s.call('POST', `/api/v1/users/${id}/revoke`, { token: s.admin })).status).toBe(200);
  await type('细则自评', 'E7', '达到');
  await page.click('#sync');
  await statusIs('该账号的令牌已于');
  expect(await page.textContent('#status')).toContain('请联系本旗县区管理员或联盟秘书处重新签发');
  expect(await page.isVisible('#token')).toBe(true);
  expect(await page.isHidden('#sign-out')).toBe(true);
  expect(await page.textContent('#who')).toBe('');
  expect(await page.isDisabled('#sync')).toBe(true);
  expect(await page.evaluate(() => localStorage.getItem('redsite.token'))).toBeNull();
  expect(await page.textContent('#sync-result')).toContain('本次没有同步成功');
  expect(await page.textContent('#ev-list')).toBe('登录后可添加佐证。');
  await page.screenshot({ path: screenshotPath('taskpane-revoked'), fullPage: true });
  expect(errors).toEqual([]);
});

test('rows inserted and deleted in 申报表: the pane reads and points where the names moved; a deleted table is said', async () => {
  const p = await openPane();
  const user = excelUser(() => p);
  await p.fill('#projects', '3');
  await p.click('#create');
  await p.waitForFunction(() => document.querySelector('#status')?.textContent?.startsWith('已插入申报工作簿'));
  for (const [cell, v] of Object.entries({ B3: '包头市第一建筑工程有限公司', E3: '东河区', G3: '李红', I3: '13912345678' })) await user.type('申报表', cell, v);
  const row = { B7: '包头市第一建筑工程有限公司', C7: '北梁安置房1号楼', D7: '包头市东河区北梁新区', E7: '3.2万平方米', F7: '王建国', G7: '123', H7: 45017, I7: 45961, J7: '东河区' };
  for (const [cell, v] of Object.entries(row)) await user.type('申报表', cell, v);
  await user.type('细则自评', 'E4', '达到');

  // The user inserts a row above the table: everything below, and the names over it, move down one row.
  await p.evaluate(() => (window as unknown as DoubleWindow).__excelDouble.insertRows('申报表', 4, 1));
  expect(await p.evaluate(() => (window as unknown as DoubleWindow).__excelDouble.nameRef('rs_rows'))).toBe('申报表!A8:K10');
  await p.click('#check');
  const phone = p.locator('#issues li.error button', { hasText: '联系电话格式不正确' });
  await phone.waitFor();
  expect(await phone.textContent()).toContain('申报表!G8 ');
  expect(await p.textContent('#scores tbody')).toContain('1. 北梁安置房1号楼');
  await phone.click();
  await p.waitForFunction(() => (window as unknown as DoubleWindow).__excelDouble.selected?.address === 'G8');
  await user.type('申报表', 'G8', '0472-7100945');
  await p.click('#check');
  await p.waitForFunction(() => !document.querySelector('#issues li.error'));

  // …and deletes the table, its header rows included: rs_rows is #REF!, and the pane says what happened.
  await p.evaluate(() => (window as unknown as DoubleWindow).__excelDouble.deleteRows('申报表', 6, 5));
  expect(await p.evaluate(() => (window as unknown as DoubleWindow).__excelDouble.nameRef('rs_rows'))).toBe('#REF!');
  await p.click('#check');
  await p.waitForFunction(() => document.querySelector('#issues li.error')?.textContent?.includes('找不到项目表格'));
  // A problem of the whole workbook: one space after its label, and nothing to click (it names no cell).
  expect(await p.locator('#issues li.error button').count()).toBe(0);
  expect(await p.textContent('#check-summary')).toBe('错误 1 个，提醒 0 个');
  expect(await p.textContent('#issues li.error')).toBe(
    '错误 《申报表》中找不到项目表格（表头“序号”“企业名称”）：工作簿名称 rs_rows 指向的单元格已被删除（可能删除了整个表格的行或列），原来的表头也找不到了。请撤销刚才的删除；或重新下载申报工作簿，把内容复制过去后再试',
  );
  // No score of an earlier read, and not “还没有填写项目” either: the workbook could not be read.
  expect(await p.textContent('#scores')).toBe('工作簿读不出来，没有得分：请先按上面的错误改正，再点“检查”。');
  await p.screenshot({ path: screenshotPath('taskpane-table-deleted'), fullPage: true });
  expect(errors).toEqual([]);
  await p.context().close();
});
