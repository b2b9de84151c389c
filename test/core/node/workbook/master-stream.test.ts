/**
 * The streamed master writer (rows rendered straight to worksheet XML) gives users exactly what the exceljs writer
 * gave: on a realistic set of entries (every 旗县区, 1–5 projects per unit, blanks, evidence, a replaced and a
 * duplicated workbook, formula-like and odd text, unread files) both files are read back with exceljs and compared
 * sheet by sheet, cell by cell — value, type, number format, alignment, header look — with column widths, row
 * heights, frozen panes and print setup. The streamed file also validates against the SpreadsheetML schema and opens
 * in LibreOffice with its text and numbers intact.
 */
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { writeMaster, type MergeEntry, type MergeOptions } from '../../../../core/node/workbook/merge';
import { writeMasterExceljs } from '../../../helpers/master-exceljs';
import { DISTRICTS } from '../../../../core/districts';
import type { Submission } from '../../../../core/schema';
import { randomAnswers, seeded, validProject, validSubmission } from '../../../helpers/fixtures';
import { schemaErrors } from '../../../helpers/ooxml';
import { resaveWithLibreOffice } from '../../../helpers/libreoffice';
import { formulas } from '../../../helpers/xlsx-xml';
import { looksLikeFormula } from '../../../../core/ooxml/sheet-stream';


async function collect(write: (out: PassThrough) => Promise<unknown>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise<void>((r) => out.on('end', () => r()));
  await write(out);
  await ended;
  return Buffer.concat(chunks);
}

const ODD = ['=HYPERLINK("http://evil","点我")', '@SUM(A1:A2)', '+1', ' 前后有空格 ', '两行\n第二行', 'a & b < c > "d"', '铃\u0007声', '😀 表情', "单引号'名", ''];

/** 40 units over every 旗县区, 1–5 projects each, seeded answers with blanks; some with evidence; one replaced, one duplicated. */
function realisticEntries(evidence: boolean): MergeEntry[] {
  const rand = seeded(11);
  const entries: MergeEntry[] = Array.from({ length: 40 }, (_, u) => {
    const district = DISTRICTS[u % DISTRICTS.length]!;
    const odd = (k: number) => ODD[(u + k) % ODD.length]!;
    const projects = Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, i) =>
      validProject(i + 1, {
        district: i === 2 ? DISTRICTS[(u + 3) % DISTRICTS.length] : district,
        projectName: u % 7 === 0 && i === 0 ? odd(0) : `${district}第${u + 1}标段${i + 1}号楼安置房及配套工程`,
        enterprise: u % 5 === 0 ? odd(1) : `包头市第${u + 1}建筑工程有限公司`,
        leader: u % 6 === 0 ? odd(2) : '王建国',
        phone: u % 2 ? '0472-7100945' : '013912345678',
        remark: u % 4 === 0 ? odd(3) : undefined,
        answers: randomAnswers(rand),
      }),
    );
    const submission = validSubmission({ reporter: { unit: u % 9 === 0 ? `单位${odd(4)}` : `包头市第${u + 1}建筑工程有限公司`, district, contact: '李红', phone: '13912345678' }, projects }) as unknown as Submission;
    return {
      submission,
      state: ['已提交', '已审核', '退回修改', ''][u % 4],
      version: u % 3 ? 1 + (u % 3) : undefined,
      submittedAt: u % 8 ? `2024-05-${String(10 + (u % 18)).padStart(2, '0')}T0${u % 10}:30:00Z` : undefined,
      late: u % 11 === 0,
      sourceFile: `单位${u + 1}.xlsx`,
      id: u % 2 ? `sub-${u}` : undefined,
      evidence: evidence && u % 3 === 0 ? Object.fromEntries(projects.map((p) => [p.seq, { 'A01-1': 2, 'A02-1': u % 4 }])) : undefined,
    };
  });
  // An older copy of unit 2's workbook (replaced) and unit 4's first project again in another workbook (duplicate).
  const two = entries[2]!;
  entries.push({ ...two, version: 0, sourceFile: '单位3-旧.xlsx', submittedAt: '2024-05-01T00:00:00Z', submission: { ...two.submission, projects: two.submission.projects.slice(0, 1) } });
  const four = entries[4]!.submission;
  entries.push({ submission: { ...four, submissionId: globalThis.crypto.randomUUID(), projects: [four.projects[0]!] } as Submission, sourceFile: '单位5-另一份.xlsx', submittedAt: '2024-06-01T00:00:00Z' });
  return entries;
}

const unread = [{ file: '坏文件.xlsx', unit: '', district: '', result: '拒收' as const, reason: '不是 xlsx 文件' }];

interface CellModel {
  value: unknown;
  type: number;
  numFmt?: string;
  alignment?: unknown;
  bold?: boolean;
  color?: string;
  fill?: string;
}

/** What a reader sees of a workbook: every sheet's cells (value, type, format, look), widths, heights, views, print setup. */
async function model(bytes: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  return wb.worksheets.map((ws) => {
    const rows: Array<{ r: number; height?: number; cells: Record<string, CellModel> }> = [];
    ws.eachRow({ includeEmpty: true }, (row, r) => {
      const cells: Record<string, CellModel> = {};
      row.eachCell({ includeEmpty: true }, (c) => {
        const fill = c.fill?.type === 'pattern' ? c.fill.fgColor?.argb : undefined;
        cells[c.address] = {
          value: c.value,
          type: c.type,
          numFmt: c.numFmt || undefined,
          alignment: c.alignment && Object.keys(c.alignment).length ? { ...c.alignment } : undefined,
          bold: c.font?.bold || undefined,
          color: c.font?.color?.argb,
          fill,
        };
      });
      rows.push({ r, height: row.height, cells });
    });
    const p = ws.pageSetup;
    return {
      name: ws.name,
      views: ws.views.map((v) => ({ state: v.state, ySplit: (v as { ySplit?: number }).ySplit })),
      print: { orientation: p.orientation, fitToPage: p.fitToPage, fitToWidth: p.fitToWidth, fitToHeight: p.fitToHeight, paperSize: p.paperSize, printTitlesRow: p.printTitlesRow, printArea: p.printArea, margins: p.margins },
      widths: (ws.columns ?? []).map((c) => c.width),
      formats: (ws.columns ?? []).map((c) => c.numFmt || undefined),
      rows,
    };
  });
}

describe.each([
  ['master with evidence (server export)', true, {} as MergeOptions],
  ['master from files (redsite merge)', false, { unread, order: ['坏文件.xlsx'] } as MergeOptions],
  ['district workbook', true, { district: DISTRICTS[1] } as MergeOptions],
])('%s', (_name, evidence, opts) => {
  let streamed: Buffer;
  let reference: Buffer;
  beforeAll(async () => {
    const entries = realisticEntries(evidence);
    streamed = await collect((out) => writeMaster(entries, out, opts));
    reference = await collect((out) => writeMasterExceljs(entries, out, opts));
  });

  test('same sheets, cells, types, formats, widths, heights, panes and print setup as the exceljs writer', async () => {
    const [a, b] = [await model(streamed), await model(reference)];
    // One difference on purpose: text that looks like a formula is a text cell (@, with quotePrefix) in the streamed file.
    a.forEach((sheet, i) => sheet.rows.forEach((row, r) => Object.entries(row.cells).forEach(([at, c]) => {
      if (typeof c.value !== 'string' || !looksLikeFormula(c.value)) return;
      expect([at, c.numFmt]).toEqual([at, '@']);
      c.numFmt = b[i]!.rows[r]!.cells[at]!.numFmt;
    })));
    expect(a.map((s) => s.name)).toEqual(b.map((s) => s.name));
    expect(a.length).toBeGreaterThanOrEqual(5);
    for (let i = 0; i < a.length; i++) {
      const { rows: rowsA, ...restA } = a[i]!;
      const { rows: rowsB, ...restB } = b[i]!;
      expect(restA).toEqual(restB);
      expect(rowsA.length).toBe(rowsB.length);
      for (let r = 0; r < rowsA.length; r++) expect({ sheet: a[i]!.name, ...rowsA[r]! }).toEqual({ sheet: b[i]!.name, ...rowsB[r]! });
    }
  });

  test('valid SpreadsheetML, no formulas, and LibreOffice opens it with values intact', async () => {
    expect(await schemaErrors(streamed)).toEqual([]);
    expect(formulas(streamed)).toEqual([]);
    const resaved = await resaveWithLibreOffice(streamed, 'master.xlsx');
    const [mine, theirs] = [await model(streamed), await model(resaved)];
    expect(theirs.map((s) => s.name)).toEqual(mine.map((s) => s.name));
    // LibreOffice stores text that mixes scripts as rich text runs (one font per script): the text is what counts.
    const plain = (v: unknown) => (v && typeof v === 'object' && 'richText' in v ? (v as ExcelJS.CellRichTextValue).richText.map((t) => t.text).join('') : v);
    // It keeps no cell for an empty string.
    const summary = (m: typeof mine) => m.map((sheet) => sheet.rows.map((row) => Object.entries(row.cells).filter(([, c]) => c.value !== '' && c.value !== null).map(([at, c]) => [at, plain(c.value)])));
    expect(summary(theirs)).toEqual(summary(mine));
    // The phone column stays text (a leading 0 kept), the rates stay percentages.
    expect(theirs[0]!.rows[1]!.cells.E2!.numFmt).toBe('@');
    expect(theirs[0]!.rows[1]!.cells.K2!.numFmt).toMatch(/^0\.0%$/);
  });
});
