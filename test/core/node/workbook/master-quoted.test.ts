/**
 * Unit text that looks like a formula (= + - @, tab, CR at the start) in the master and district workbooks: written as
 * the exact text in an inline-string cell whose style is text (@) with quotePrefix — Excel's mark for text typed with
 * a leading apostrophe — so editing the cell or a round trip through CSV does not make it a live formula.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { unzipSync, strFromU8 } from 'fflate';
import { writeMaster, type MergeEntry } from '../../../../core/node/workbook/merge';
import type { Submission } from '../../../../core/schema';
import { validProject, validSubmission } from '../../../helpers/fixtures';

const TEXTS = ['=HYPERLINK("http://evil","点我")', '+cmd|\' /C calc\'!A0', '@SUM(1+1)', '-2+3', '\t=1+1'];

async function master(district?: string): Promise<Buffer> {
  const entries: MergeEntry[] = TEXTS.map((text, i) => ({
    submission: validSubmission({
      reporter: { unit: text, district: '东河区', contact: text, phone: '13912345678' },
      projects: [validProject(1, { enterprise: text, projectName: `${text}${i}`, leader: text })],
    }) as Submission,
    sourceFile: `u${i}.xlsx`,
  }));
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((r) => out.on('end', () => r()));
  await writeMaster(entries, out, district ? { district } : {});
  await ended;
  return Buffer.concat(chunks);
}

describe.each([['master', undefined], ['district workbook', '东河区']])('%s', (_name, district) => {
  test('formula-like text is the exact text, a string cell, text format, quotePrefix style', async () => {
    const bytes = await master(district);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('附件2汇总')!;
    const header = (ws.getRow(1).values as unknown[]).slice(1);
    const enterpriseCol = header.indexOf('企业名称') + 1;
    const found = new Set<string>();
    ws.eachRow((row, r) => {
      if (r === 1) return;
      const c = row.getCell(enterpriseCol);
      expect(c.type).toBe(ExcelJS.ValueType.String);
      expect(c.numFmt).toBe('@');
      found.add(String(c.value));
    });
    expect([...found].sort()).toEqual([...TEXTS].sort());

    // The raw parts: every cell holding such a text has a style whose xf carries quotePrefix="1"; no formulas.
    const parts = unzipSync(new Uint8Array(bytes));
    const styles = strFromU8(parts['xl/styles.xml']!);
    const xfs = [...(/<cellXfs[^>]*>([\s\S]*?)<\/cellXfs>/.exec(styles)![1]!.matchAll(/<xf [^>]*?(?:\/>|>[\s\S]*?<\/xf>)/g))].map((m) => m[0]);
    let checked = 0;
    for (const [name, data] of Object.entries(parts)) {
      if (!/^xl\/worksheets\/sheet\d+\.xml$/.test(name)) continue;
      const xml = strFromU8(data);
      expect(xml).not.toContain('<f>');
      for (const m of xml.matchAll(/<c r="[A-Z]+\d+" s="(\d+)" t="inlineStr"><is><t(?: xml:space="preserve")?>([^<]*)<\/t>/g)) {
        const text = m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
        const formulaLike = /^[=+\-@\t\r]/.test(text);
        expect([text, xfs[Number(m[1])]!.includes('quotePrefix="1"')]).toEqual([text, formulaLike]);
        if (formulaLike) checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(TEXTS.length * 3);
  });
});
