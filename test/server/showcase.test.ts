/** The 观摩 shortlist through the real server (ranking, quota, filters, export read back) and on the dashboard page. */
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { testServer, type TestServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { currentRubric, type AnswerOption } from '../../core/rubric';
import { SHOWCASE_COLUMNS } from '../../core/node/workbook/showcase-export';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { formulas } from '../helpers/xlsx-xml';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redsite } from '../helpers/cli';


const rubric = currentRubric();
const met = (): Record<string, AnswerOption> => Object.fromEntries(rubric.criteria.map((c) => [c.id, '达到' as AnswerOption]));

let s: TestServer;
let district: string;
let dataDir: string;
beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-showcase-'));
  s = await testServer({ dataDir });
  district = await s.user({ name: '东河区', role: 'district', district: '东河区' });
  const partial = { ...met(), 'B01-2': '部分达到' as AnswerOption };
  const unmet = { ...met(), 'C05-1': '未达到' as AnswerOption };
  const plan: Array<[string, string, Record<string, AnswerOption>, string, boolean]> = [
    ['东河一建', '东河区', met(), '2022-03-01', true],
    ['东河二建', '东河区', met(), '2022-05-01', true],
    ['东河三建', '东河区', partial, '2021-01-01', true],
    ['青山建工', '青山区', met(), '2023-01-01', true],
    ['九原建工', '九原区', unmet, '2020-01-01', true],
    ['昆区建工', '昆都仑区', met(), '2020-01-01', false],
  ];
  for (const [unit, d, answers, startDate, approve] of plan) {
    const sub = validSubmission({ reporter: { unit, district: d, contact: '甲', phone: '13912345678' }, projects: [validProject(1, { enterprise: unit, district: d, answers, startDate })] });
    expect((await s.call('POST', '/api/v1/submissions', { token: s.admin, json: sub })).status).toBe(201);
    if (approve) await s.call('POST', `/api/v1/submissions/${sub.submissionId}/approve`, { token: s.admin });
  }
});
afterAll(() => s.close());

test('ranking: approved and 具备 only, by 得分率 then earlier 开工日期; quota and limit', async () => {
  const all = (await s.call<{ rule: string; entries: Array<{ rank: number; unit: string; gaps: Array<{ id: string }> }> }>('GET', '/api/v1/showcase', { token: s.admin })).body;
  expect(all.entries.map((e) => e.unit)).toEqual(['东河一建', '东河二建', '青山建工', '东河三建']);
  expect(all.entries[3]!.gaps.map((g) => g.id)).toEqual(['B01-2']);
  expect(all.rule).toContain('得分率从高到低');
  const quota = (await s.call<{ entries: Array<{ unit: string }> }>('GET', '/api/v1/showcase?perDistrict=1&limit=5', { token: s.admin })).body;
  expect(quota.entries.map((e) => e.unit)).toEqual(['东河一建', '青山建工']);
  expect((await s.call('GET', '/api/v1/showcase?limit=0', { token: s.admin })).status).toBe(400);
  expect((await s.call('GET', '/api/v1/showcase', { token: district })).status).toBe(403);
});

test('export: rule on top, columns, one row per project, no formulas', async () => {
  const r = await s.call('GET', '/api/v1/showcase.xlsx?perDistrict=2', { token: s.admin });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.body as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('观摩名单')!;
  expect(String(ws.getCell('A2').value)).toContain('每个旗县区最多 2 个');
  expect((ws.getRow(4).values as unknown[]).slice(1)).toEqual([...SHOWCASE_COLUMNS]);
  expect((ws.getRow(5).values as unknown[]).slice(1, 3)).toEqual([1, 1]);
  expect(ws.getRow(5).getCell(3).value).toBe('东河一建');
  expect(ws.rowCount).toBe(4 + 3); // 东河三建 is over the district quota
  expect(formulas(r.body as unknown as Buffer)).toEqual([]);
  const all = new ExcelJS.Workbook();
  await all.xlsx.load((await s.call('GET', '/api/v1/showcase.xlsx', { token: s.admin })).body as unknown as ArrayBuffer);
  expect(String(all.getWorksheet('观摩名单')!.getRow(8).getCell(16).value)).toContain('B01-2（部分达到）');
});

test('redsite showcase reads the data folder read-only: printed list and the same xlsx as the API', async () => {
  const printed = await redsite(['showcase', '--data', dataDir]);
  expect(printed.stdout).toContain('选取规则：');
  expect(printed.stdout.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => l.split(' ')[2])).toEqual(['东河一建', '东河二建', '青山建工', '东河三建']);
  const out = path.join(dataDir, 'showcase.xlsx');
  expect((await redsite(['showcase', '--data', dataDir, '--per-district', '1', '--limit', '5', '--out', out])).code).toBe(0);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(out);
  const ws = wb.getWorksheet('观摩名单')!;
  expect(String(ws.getCell('A2').value)).toContain('每个旗县区最多 1 个');
  expect([5, 6].map((r) => ws.getRow(r).getCell(3).value)).toEqual(['东河一建', '青山建工']);
  expect(ws.rowCount).toBe(6);
  const bad = await redsite(['showcase', '--data', dataDir, '--limit', 'abc']);
  expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('--limit（总数）须为 1 到 1000 的整数') });
});

test('the dashboard 观摩名单 tab', async () => {
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${s.url}/`);
    await page.fill('#token', s.admin);
    await page.click('#sign-in-form button[type=submit]');
    await page.click('[data-tab="showcase"]');
    await page.waitForSelector('#showcase tbody tr');
    expect(await page.locator('#showcase tbody tr').count()).toBe(4);
    await page.fill('#showcase-form input[name=perDistrict]', '1');
    await page.click('#showcase-form button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('#showcase tbody tr').length === 2);
    expect(await page.textContent('#showcase-rule')).toContain('每个旗县区最多 1 个');
    await page.screenshot({ path: screenshotPath('dashboard-showcase'), fullPage: true });
  } finally {
    await browser?.close();
  }
});
