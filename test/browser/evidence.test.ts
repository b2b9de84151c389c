/**
 * 佐证材料 in the dashboard, in real Chromium against the real server: a unit on a 390 px phone attaches photos
 * (several at once by the picker, one by drag and drop) and a PDF to a criterion, a HEIC photo is refused in Chinese;
 * thumbnails appear on the answers; the district reviewer opens a photo (capture time shown), returns one criterion
 * (“退回此项”), the unit sees it; the 秘书处 sees 达到 answers without evidence and downloads the 观摩 pack. A second
 * unit: files chosen while a batch is being sent wait (the batch's reasons stay); its 旗县区 sees the unit named in
 * the usage line and downloads a JPEG uploaded as “.pdf” under a .jpg name.
 */
import fs from 'node:fs';
import yauzl from 'yauzl';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshotPath, collectPageErrors } from '../helpers/browser';
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { attach, docx, heicHeader, pdf, photo } from '../helpers/evidence';
import { currentRubric, type AnswerOption } from '../../core/rubric';


const UNIT = '包头市第一建筑工程有限公司';
let s: TestServer;
let browser: Browser;
let unitToken: string;
let districtToken: string;
let sub: ReturnType<typeof validSubmission>;
const errors: string[] = [];

async function open(token: string, viewport: { width: number; height: number }, mobile = false): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, locale: 'zh-CN', viewport, isMobile: mobile, hasTouch: mobile, deviceScaleFactor: mobile ? 2 : 1 });
  const page = await context.newPage();
  collectPageErrors(page, errors);
  await page.goto(`${s.url}/`);
  await page.fill('#token', token);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#app:not([hidden])');
  return page;
}

async function openSubmission(page: Page): Promise<void> {
  await page.locator('button.link', { hasText: '查看' }).first().click();
  await page.waitForSelector('#detail:not([hidden])');
  await page.waitForSelector('#d-evidence #ev-summary, #d-evidence .muted');
}

async function drop(page: Page, selector: string, files: Array<{ bytes: Buffer; name: string; type: string }>): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.b64);
      const arr = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) arr[i] = bin.charCodeAt(i);
      dt.items.add(new File([arr], f.name, { type: f.type }));
    }
    return dt;
  }, files.map((f) => ({ b64: f.bytes.toString('base64'), name: f.name, type: f.type })));
  await page.dispatchEvent(selector, 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer: transfer });
}

const all = (): Record<string, AnswerOption> => Object.fromEntries(currentRubric().criteria.map((c) => [c.id, '达到' as AnswerOption]));

beforeAll(async () => {
  s = await testServer();
  unitToken = await s.user({ name: '一建填报员', role: 'unit', district: '东河区', unit: UNIT });
  districtToken = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  sub = validSubmission({ reporter: { unit: UNIT, district: '东河区', contact: '李红', phone: '13912345678' }, projects: [validProject(1, { answers: all() }), validProject(2, { answers: { 'A01-1': '达到' } })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: unitToken, json: sub })).status).toBe(201);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

test('a unit on a 390 px phone attaches photos and a PDF: picker (several at once), drag and drop, HEIC refused', async () => {
  const page = await open(unitToken, { width: 390, height: 844 }, true);
  await openSubmission(page);
  await page.selectOption('#ev-project', '1');
  await page.selectOption('#ev-criterion', 'A02-3');
  const shot = await photo({ width: 1200, height: 900, capturedAt: '2024:05:20 10:31:00', gps: true, seed: 1 });
  await page.setInputFiles('#ev-upload input[type=file]', [
    { name: '制度上墙.jpg', mimeType: 'image/jpeg', buffer: shot },
    { name: '制度.pdf', mimeType: 'application/pdf', buffer: pdf('rules') },
    { name: 'IMG_0001.HEIC', mimeType: 'image/heic', buffer: heicHeader() },
  ]);
  await page.waitForFunction(() => document.querySelectorAll('#ev-progress li.ok, #ev-progress li.bad').length === 3);
  const lines = await page.locator('#ev-progress li').allTextContents();
  expect(lines[0]).toBe('制度上墙.jpg：已上传到项目 1 · A02-3');
  expect(lines[1]).toBe('制度.pdf：已上传到项目 1 · A02-3');
  expect(lines[2]).toMatch(/^“IMG_0001\.HEIC”是 HEIC\/HEIF 格式的照片（苹果手机默认格式），服务器无法读取/);
  expect(await page.textContent('#message')).toBe('已上传 2 个佐证文件，1 个未能上传（原因见列表）');

  // “＋佐证” on another answer chooses it in the uploader; then a photo dropped on the zone.
  await page.locator('details.answers-group').first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
  await page.click('.ev-cell[data-project="1"][data-criterion="A01-1"] button:has-text("＋佐证")');
  expect(await page.inputValue('#ev-criterion')).toBe('A01-1');
  await drop(page, '#ev-upload .dropzone', [{ bytes: await photo({ seed: 2, capturedAt: '2024:05:21 08:00:00' }), name: '挂牌.jpg', type: 'image/jpeg' }]);
  await page.waitForFunction(() => document.querySelector('#ev-progress li.ok')?.textContent === '挂牌.jpg：已上传到项目 1 · A01-1');

  // Thumbnails on the answers, with the capture date; the page fits the phone's width.
  await page.locator('details.answers-group').nth(1).evaluate((d) => ((d as HTMLDetailsElement).open = true));
  const cell = page.locator('.ev-cell[data-project="1"][data-criterion="A02-3"]');
  await cell.locator('.ev-thumb img').waitFor();
  await page.waitForFunction(() => {
    const img = document.querySelector<HTMLImageElement>('.ev-cell[data-project="1"][data-criterion="A02-3"] .ev-thumb img');
    return Boolean(img && img.complete && img.naturalWidth > 0);
  });
  expect(await cell.locator('.ev-thumb').allTextContents()).toEqual(['2024-05-20', 'PDFPDF 文档']);
  expect(await page.locator('details.answers-group').nth(1).locator('summary').textContent()).toContain('佐证 2');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.locator('#d-evidence').scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshotPath('evidence-unit-390'), fullPage: false });
  const stored = (await s.call<{ items: Array<{ criterion: string; name: string }> }>('GET', `/api/v1/submissions/${sub.submissionId}/evidence`, { token: s.admin })).body.items;
  expect(stored.map((i) => `${i.criterion}:${i.name}`)).toEqual(['A01-1:挂牌.jpg', 'A02-3:制度上墙.jpg', 'A02-3:制度.pdf']);
  await page.context().close();
});

test('the reviewer opens a photo (capture time), returns one criterion; the unit sees it', async () => {
  const page = await open(districtToken, { width: 1280, height: 900 });
  await page.click('[data-tab="list"]'); // the review queue: submissions waiting for a decision
  await page.locator('#submissions button.link', { hasText: '查看' }).first().click();
  await page.waitForSelector('#d-evidence #ev-summary');
  await page.locator('details.answers-group').nth(1).evaluate((d) => ((d as HTMLDetailsElement).open = true));
  await page.click('.ev-cell[data-project="1"][data-criterion="A02-3"] .ev-thumb:first-child');
  await page.waitForSelector('#ev-viewer[open] img.ev-full');
  await page.waitForFunction(() => (document.querySelector<HTMLImageElement>('#ev-viewer img.ev-full')?.naturalWidth ?? 0) === 1200);
  expect(await page.textContent('#ev-viewer .facts')).toContain('2024-05-20 10:31:00（照片自带，相机时间）');
  expect(await page.locator('#ev-viewer button', { hasText: '删除' }).count()).toBe(1); // 代为上传: the district may
  await page.screenshot({ path: screenshotPath('evidence-viewer'), fullPage: false });
  await page.click('#ev-viewer button:has-text("关闭")');

  // 达到 without evidence is flagged; “退回此项” on one of them.
  await page.locator('details.answers-group').first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
  expect(await page.textContent('.ev-cell[data-project="1"][data-criterion="A01-2"]')).toContain('无佐证');
  await page.click('.ev-cell[data-project="1"][data-criterion="A01-2"] .ev-return');
  await page.waitForSelector('#return-form:not([hidden]) #return-criteria li');
  expect(await page.textContent('#return-criteria li')).toContain('项目 1 · A01-2');
  await page.fill('#return-criteria li input', '佐证不足：缺委员分工文件');
  await page.click('#return-form button[type=submit]');
  await page.waitForFunction(() => document.querySelector('#message')?.textContent?.startsWith('已退回修改'));
  const returned = (await s.call<{ returns: Array<{ project: number; criterion: string; reason: string }> }>('GET', `/api/v1/submissions/${sub.submissionId}/evidence`, { token: s.admin })).body.returns;
  expect(returned.map((r) => [r.project, r.criterion, r.reason])).toEqual([[1, 'A01-2', '佐证不足：缺委员分工文件']]);
  await page.context().close();

  const unitPage = await open(unitToken, { width: 390, height: 844 }, true);
  await openSubmission(unitPage);
  await unitPage.waitForSelector('.ev-returns');
  expect(await unitPage.textContent('.ev-returns')).toContain('项目 1 · A01-2');
  await unitPage.locator('details.answers-group').first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
  expect(await unitPage.textContent('.ev-cell[data-project="1"][data-criterion="A01-2"] .ev-returned')).toBe('退回：佐证不足：缺委员分工文件');
  await unitPage.context().close();
});

test('the 秘书处: 达到 without evidence in the overview, and the 观摩 pack saved by the browser', async () => {
  // Resubmitted and approved so that the project is shortlisted.
  expect((await s.call('POST', '/api/v1/submissions', { token: unitToken, json: { ...sub, projects: [validProject(1, { scale: '补充', answers: all() }), validProject(2, { answers: { 'A01-1': '达到' } })] } })).status).toBe(201);
  expect((await s.call('POST', `/api/v1/submissions/${sub.submissionId}/approve`, { token: districtToken })).status).toBe(200);
  const page = await open(s.admin, { width: 1280, height: 900 });
  await page.click('[data-tab="overview"]');
  await page.waitForSelector('#districts tbody tr');
  const row = await page.locator('#districts tbody tr', { hasText: '东河区' }).textContent();
  expect(row).toContain('54 / 56'); // 56 达到 answers, 2 of them with evidence
  await page.click('[data-tab="showcase"]');
  await page.waitForSelector('#showcase tbody tr');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#showcase-pack')]);
  expect(download.suggestedFilename()).toBe('红色工地观摩资料.zip');
  const bytes = fs.readFileSync((await download.path())!);
  const names = await new Promise<string[]>((resolve, reject) =>
    yauzl.fromBuffer(bytes, { lazyEntries: false }, (err, zip) => {
      if (err || !zip) return reject(err);
      const out: string[] = [];
      zip.on('entry', (e: yauzl.Entry) => out.push(e.fileName));
      zip.on('end', () => resolve(out));
    }),
  );
  const folder = `东河区-${UNIT}-北梁棚户区改造安置房1号楼`;
  expect(names).toEqual(['观摩名单.xlsx', `${folder}/项目概况.xlsx`, `${folder}/A01-1_挂牌公示_1.jpg`, `${folder}/A02-3_制度上墙_1.jpg`, `${folder}/A02-3_制度上墙_2.pdf`]);
  await page.context().close();
  expect(errors).toEqual([]);
});

describe('a second unit (昆都仑区): one batch at a time, the district\'s view and download names', () => {
  const UNIT2 = '包头市昆都仑建设集团有限公司';
  let unit2Token: string;
  let district2Token: string;
  let sub2: ReturnType<typeof validSubmission>;

  beforeAll(async () => {
    unit2Token = await s.user({ name: '昆建填报员', role: 'unit', district: '昆都仑区', unit: UNIT2 });
    district2Token = await s.user({ name: '昆都仑区委组织部', role: 'district', district: '昆都仑区' });
    sub2 = validSubmission({ reporter: { unit: UNIT2, district: '昆都仑区', contact: '张伟', phone: '13812345678' }, projects: [validProject(1, { enterprise: UNIT2, district: '昆都仑区', address: '包头市昆都仑区钢铁大街 1 号', answers: all() })] });
    expect((await s.call('POST', '/api/v1/submissions', { token: unit2Token, json: sub2 })).status).toBe(201);
  });

  test('files chosen or dropped while a batch is being sent are not sent (the message says to wait); the batch\'s reasons stay', async () => {
    const page = await open(unit2Token, { width: 1280, height: 900 });
    await openSubmission(page);
    expect(await page.textContent('#ev-summary')).toContain('本单位已用');
    await page.selectOption('#ev-criterion', 'A03-1');
    // The batch's first request is held until the second choice has been made and answered.
    let posts = 0;
    let held!: () => void;
    const firstHeld = new Promise<void>((resolve) => (held = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/v1/submissions/*/evidence', async (route) => {
      if (route.request().method() === 'POST' && ++posts === 1) {
        held();
        await released;
      }
      await route.continue();
    });
    const big = Buffer.alloc(21 * 1024 * 1024, 0x41);
    await page.setInputFiles('#ev-upload input[type=file]', [
      { name: '挂牌.jpg', mimeType: 'image/jpeg', buffer: await photo({ seed: 7 }) },
      { name: '大照片.jpg', mimeType: 'image/jpeg', buffer: big },
      { name: '任职文件.pdf', mimeType: 'application/pdf', buffer: pdf('appointment') },
    ]);
    await firstHeld;
    expect(await page.getAttribute('#ev-upload .dropzone', 'aria-busy')).toBe('true');
    await page.setInputFiles('#ev-upload input[type=file]', [{ name: '制度.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: await docx() }]);
    expect(await page.textContent('#message')).toBe('正在上传上一批佐证文件，请等它们传完后再选择“制度.docx”');
    await drop(page, '#ev-upload .dropzone', [{ bytes: await photo({ seed: 9 }), name: '补拍.jpg', type: 'image/jpeg' }]);
    expect(await page.textContent('#message')).toBe('正在上传上一批佐证文件，请等它们传完后再选择“补拍.jpg”');
    const during = await page.locator('#ev-progress li').allTextContents();
    expect(during).toHaveLength(1); // the first file, being sent; nothing of 制度.docx or 补拍.jpg
    expect(during[0]).toMatch(/^挂牌\.jpg（.+）$/);
    release();

    await page.waitForFunction(() => document.querySelector('#message')?.textContent?.startsWith('已上传'));
    expect(await page.textContent('#message')).toBe('已上传 2 个佐证文件，1 个未能上传（原因见列表）。上传期间选择的“制度.docx”等 2 个文件没有上传，请重新选择');
    const lines = await page.locator('#ev-progress li').allTextContents();
    expect(lines).toEqual([
      '挂牌.jpg：已上传到项目 1 · A03-1',
      '“大照片.jpg”超过单个佐证文件的上限 20.0 MB：请压缩照片或拆分文档后再上传',
      '任职文件.pdf：已上传到项目 1 · A03-1',
    ]);
    expect(await page.locator('#ev-progress li.bad').count()).toBe(1);
    expect(await page.getAttribute('#ev-upload .dropzone', 'aria-busy')).toBeNull();
    expect(await page.inputValue('#ev-criterion')).toBe('A03-1');
    expect(posts).toBe(3); // 制度.docx and 补拍.jpg were never sent
    const stored = (await s.call<{ items: Array<{ criterion: string; name: string }> }>('GET', `/api/v1/submissions/${sub2.submissionId}/evidence`, { token: s.admin })).body.items;
    expect(stored.map((i) => `${i.criterion}:${i.name}`)).toEqual(['A03-1:挂牌.jpg', 'A03-1:任职文件.pdf']);

    // Now free again: the file chosen afterwards is sent.
    await page.unroute('**/api/v1/submissions/*/evidence');
    await page.setInputFiles('#ev-upload input[type=file]', [{ name: '制度.docx', mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', buffer: await docx() }]);
    await page.waitForFunction(() => document.querySelector('#message')?.textContent === '已上传 1 个佐证文件');
    expect(await page.locator('#ev-progress li').allTextContents()).toEqual(['制度.docx：已上传到项目 1 · A03-1']);
    await page.context().close();
  });

  test('the 旗县区 sees the unit named in the usage line and saves a JPEG uploaded as “.pdf” with .jpg', async () => {
    const shot = await photo({ seed: 8 });
    expect((await attach(s, unit2Token, sub2.submissionId, 1, 'A01-1', [{ bytes: shot, name: '实为照片.pdf' }])).status).toBe(201);
    const page = await open(district2Token, { width: 1280, height: 900 });
    await page.click('[data-tab="list"]');
    await page.locator('#submissions button.link', { hasText: '查看' }).first().click();
    await page.waitForSelector('#d-evidence #ev-summary');
    const summary = await page.textContent('#ev-summary');
    expect(summary).toContain(`；${UNIT2}已用 `);
    expect(summary).not.toContain('本单位');

    await page.locator('details.answers-group').first().evaluate((d) => ((d as HTMLDetailsElement).open = true));
    await page.click('.ev-cell[data-project="1"][data-criterion="A01-1"] .ev-thumb');
    await page.waitForSelector('#ev-viewer[open] img.ev-full');
    expect(await page.textContent('#ev-viewer .facts')).toContain('JPEG 照片');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#ev-viewer button:has-text("下载")')]);
    expect(download.suggestedFilename()).toBe('实为照片.jpg');
    expect(fs.readFileSync((await download.path())!).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    await page.context().close();
    expect(errors).toEqual([]);
  });
});
