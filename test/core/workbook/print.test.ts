/**
 * The exports print: rendered to PDF by LibreOffice, a 100-project master fits on a few landscape pages one page
 * wide (it used to print as 22 pages of 2–3 columns), with the header row repeated and times in Beijing time; the
 * unit workbook's 填报说明 renders on one page without overlapping lines.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { writeMaster, MASTER_COLUMNS, type MergeEntry } from '../../../core/node/workbook/merge';
import { writeShowcase } from '../../../core/node/workbook/showcase-export';
import { buildShowcase } from '../../../core/showcase';
import { buildTemplate } from '../../../core/node/workbook/build';
import { currentRubric } from '../../../core/rubric';
import { DISTRICTS } from '../../../core/districts';
import type { Submission } from '../../../core/schema';
import { validProject, validSubmission, randomAnswers, seeded } from '../../helpers/fixtures';
import { renderPdf } from '../../helpers/libreoffice';

const rubric = currentRubric();

function hundredProjects(): MergeEntry[] {
  const rand = seeded(7);
  return Array.from({ length: 20 }, (_, u) => {
    const district = DISTRICTS[u % DISTRICTS.length]!;
    const projects = Array.from({ length: 5 }, (_, i) => validProject(i + 1, { district, projectName: `${district}第${u + 1}标段${i + 1}号楼安置房及配套工程`, answers: randomAnswers(rand) }));
    const submission = validSubmission({ reporter: { unit: `包头市第${u + 1}建筑工程有限公司`, district, contact: '李红', phone: '13912345678' }, projects }) as unknown as Submission;
    return { submission, state: '已审核', version: 1, submittedAt: '2024-05-20T04:58:28.973Z', sourceFile: `单位${u + 1}.xlsx` };
  });
}

async function write(fn: (out: fs.WriteStream) => Promise<unknown>): Promise<Buffer> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-print-')), 'out.xlsx');
  const out = fs.createWriteStream(file);
  await fn(out);
  await new Promise<void>((r) => out.on('close', () => r()));
  return fs.readFileSync(file);
}

test('a 100-project master prints landscape, one page wide, on few pages; header repeated; Beijing time', async () => {
  const entries = hundredProjects();
  const bytes = await write((out) => writeMaster(entries, out));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const summary = wb.getWorksheet('附件2汇总')!;
  expect(summary.pageSetup).toMatchObject({ orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' });
  expect(summary.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  expect(summary.getRow(2).getCell(MASTER_COLUMNS.indexOf('提交时间') + 1).value).toBe('2024-05-20 12:58');
  for (const ws of wb.worksheets) expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1 });

  // Only the 附件2汇总 sheet, as an officer prints it: 100 rows on a handful of pages.
  const only = new ExcelJS.Workbook();
  await only.xlsx.load(bytes as unknown as ArrayBuffer);
  for (const ws of [...only.worksheets]) if (ws.name !== '附件2汇总') only.removeWorksheet(ws.id);
  const sheet = await renderPdf(Buffer.from(await only.xlsx.writeBuffer()), 'summary.xlsx');
  expect(sheet.pages).toBeGreaterThanOrEqual(2);
  expect(sheet.pages).toBeLessThanOrEqual(8);
  const all = await renderPdf(bytes, 'master.xlsx');
  // 附件2汇总 + 细则明细 + 11 district sheets + 统计, each one page wide.
  expect(all.pages).toBeLessThanOrEqual(40);
  console.log(`100-project master: 附件2汇总 ${sheet.pages} pages, whole workbook ${all.pages} pages`);
});

test('观摩名单 prints landscape one page wide with its header repeated, and counts only what it ranked', async () => {
  const entries = hundredProjects();
  const met = Object.fromEntries(rubric.criteria.map((c) => [c.id, '达到']));
  entries[0]!.submission.projects[0]!.answers = met as never;
  entries[1]!.state = '已提交';
  entries[1]!.submission.projects[0]!.answers = met as never;
  const showcase = buildShowcase(entries.flatMap((e) => e.submission.projects.map((project) => ({ submissionId: e.submission.submissionId, reporter: e.submission.reporter, project, state: e.state }))), rubric);
  expect(showcase.considered).toBe(showcase.entries.length);
  const bytes = await write((out) => writeShowcase(showcase, out));
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.getWorksheet('观摩名单')!;
  expect(ws.pageSetup).toMatchObject({ orientation: 'landscape', fitToWidth: 1, printTitlesRow: '4:4' });
  expect(String(ws.getCell('A3').value)).toMatch(/^共 1 个项目（参与排序 1 个），生成时间 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）$/);
  expect((await renderPdf(bytes, 'showcase.xlsx')).pages).toBe(1);
});

test('填报说明 renders on one A4 page in LibreOffice, every row tall enough for its wrapped lines', async () => {
  const bytes = await buildTemplate({ projects: 3 });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const guide = wb.getWorksheet('填报说明')!;
  for (const ws of [...wb.worksheets]) if (ws.name !== '填报说明') wb.removeWorksheet(ws.id);
  guide.eachRow((row) => expect(row.height).toBeGreaterThan(0));
  // The longest step wraps: its row is at least three lines tall.
  const step1 = [...Array(guide.rowCount).keys()].map((i) => guide.getRow(i + 1)).find((r) => String(r.getCell(1).value).startsWith('1. '))!;
  expect(step1.height).toBeGreaterThanOrEqual(3 * 11 * 1.4);
  const { pdf, pages } = await renderPdf(Buffer.from(await wb.xlsx.writeBuffer()), 'guide.xlsx');
  expect(pages).toBe(1);
  expect(pdf.length).toBeGreaterThan(1000);
});
