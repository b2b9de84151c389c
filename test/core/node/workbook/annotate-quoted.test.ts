/**
 * 问题清单 quotes user text (stored messages, sheet names). Text that starts with = + - @, a tab or a CR is
 * written as the exact text in a cell whose format is text (@) with quotePrefix — as the master writer does
 * (master-quoted.test.ts) — so editing the cell in Excel (F2, Enter) keeps it text instead of making a formula.
 */
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { buildTemplate } from '../../../../core/node/workbook/build';
import { annotateWorkbook, ISSUE_FIRST_ROW, ISSUE_SHEET } from '../../../../core/node/workbook/annotate';
import type { Issue } from '../../../../core/issues';
import { sheetPart } from '../../../helpers/xlsx-xml';

const TEXTS = ['=HYPERLINK("http://evil","点我")', '+cmd|\' /C calc\'!A0', '@SUM(1+1)', '-2+3', '\t=1+1'];

/** The cellXfs of a workbook's stylesheet, in order (a cell's s is an index into them). */
function cellXfs(parts: Record<string, Uint8Array>): string[] {
  const styles = strFromU8(parts['xl/styles.xml']!);
  return [...(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)![1]!.matchAll(/<xf [^>]*?(?:\/>|>[\s\S]*?<\/xf>)/g))].map((m) => m[0]);
}

/** Every inline-string cell of a worksheet part: its text and whether its format carries quotePrefix. */
function quotedCells(parts: Record<string, Uint8Array>, part: string): Array<{ text: string; quoted: boolean }> {
  const xfs = cellXfs(parts);
  const xml = strFromU8(parts[part]!);
  expect(xml).not.toContain('<f>');
  return [...xml.matchAll(/<c r="[A-Z]+\d+" s="(\d+)" t="inlineStr"><is><t(?: xml:space="preserve")?>([^<]*)<\/t>/g)].map((m) => ({
    text: m[2]!.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x9;|&#9;/g, '\t').replace(/&amp;/g, '&'),
    quoted: xfs[Number(m[1])]!.includes('quotePrefix="1"'),
  }));
}

test('formula-like messages, fields and sheet names in 问题清单: exact text, text format, quotePrefix; others are not marked', async () => {
  const template = await buildTemplate({ projects: 1 });
  const issues: Issue[] = TEXTS.flatMap((text): Issue[] => [
    { severity: 'error', sheet: '申报表', cell: 'E7', field: 'projects.0.scale', message: text },
    { severity: 'warning', sheet: text, field: text, message: `项目 1：${text}` },
  ]);
  const bytes = annotateWorkbook(template, issues, { reason: TEXTS[0], reviewer: TEXTS[2] });
  const parts = unzipSync(bytes);
  const cells = quotedCells(parts, sheetPart(parts, ISSUE_SHEET));
  for (const c of cells) expect([c.text, c.quoted]).toEqual([c.text, /^[=+\-@\t\r]/.test(c.text)]);
  // Each text as a message (D) and as a sheet name (A); an unknown field path is shown as —, never as given.
  expect(cells.filter((c) => c.quoted).map((c) => c.text).sort()).toEqual([...TEXTS, ...TEXTS].sort());

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  const ws = wb.getWorksheet(ISSUE_SHEET)!;
  expect(ws.getCell('A2').value).toBe(`退回原因：${TEXTS[0]}`);
  const messages: string[] = [];
  ws.eachRow((row, r) => {
    if (r < ISSUE_FIRST_ROW) return;
    row.eachCell((c) => {
      expect(c.type).toBe(ExcelJS.ValueType.String);
      expect(c.numFmt).toBe('@');
    });
    messages.push(String(row.getCell(4).value));
  });
  for (const text of TEXTS) expect(messages).toContain(text);
});
