import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { writeMaster, MASTER_COLUMNS, type MergeEntry } from '../../../../core/node/workbook/merge';
import { currentRubric, type AnswerOption } from '../../../../core/rubric';
import { scoreProject } from '../../../../core/score';
import { validateSubmission } from '../../../../core/issues';
import type { Submission } from '../../../../core/schema';
import { validProject, validSubmission } from '../../../helpers/fixtures';
import { formulas, sheetValues } from '../../../helpers/xlsx-xml';

const rubric = currentRubric();
const allMet = () => Object.fromEntries(rubric.criteria.map((c) => [c.id, '达到' as AnswerOption]));

function submission(overrides: Record<string, unknown>): Submission {
  const r = validateSubmission(validSubmission(overrides), rubric);
  if (!r.submission) throw new Error(JSON.stringify(r.issues));
  return r.submission;
}

async function write(entries: MergeEntry[], opts = {}): Promise<{ file: Buffer; report: Awaited<ReturnType<typeof writeMaster>> }> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const report = await writeMaster(entries, out, opts);
  return { file: Buffer.concat(chunks), report };
}

const PAYLOADS = ['=HYPERLINK("http://evil","点我")', "=cmd|' /C calc'!A0", '@SUM(A1:A2)', '+1', '-1', '\t=1+1', '\r=1'];

describe('writeMaster', () => {
  const a = submission({ reporter: { unit: '包头市第一建筑工程有限公司', district: '东河区', contact: '李红', phone: '13912345678' }, projects: [validProject(1, { answers: allMet() }), validProject(2, { district: '九原区', answers: { 'A01-1': '部分达到' } })] });
  const b1 = submission({ reporter: { unit: '青山建工', district: '青山区', contact: '赵', phone: '0472-5220621' }, projects: [validProject(1, { district: '青山区', enterprise: PAYLOADS[0], leader: PAYLOADS[1], projectName: PAYLOADS[2] })] });
  const b2 = { ...b1, projects: [{ ...b1.projects[0]!, scale: '第二版规模', remark: PAYLOADS.slice(3).join(' ') }] };

  test('headers, joins, scores, dedupe, per-district sheets and 统计', async () => {
    const { file, report } = await write([
      { submission: a, state: '已审核', version: 1, submittedAt: '2024-05-20T10:00:00+08:00', sourceFile: 'a.xlsx' },
      { submission: b1, state: '已提交', version: 1, sourceFile: 'b-v1.xlsx' },
      { submission: b2, state: '已提交', version: 2, sourceFile: 'b-v2.xlsx', late: true },
    ]);
    expect(report).toMatchObject({ submissions: 2, projects: 3, districts: ['青山区', '东河区', '九原区'] });
    expect(report.replaced).toEqual([{ source: 'b-v1.xlsx', by: 'b-v2.xlsx' }]);
    expect(report.duplicates).toEqual([]);
    expect(report.files.map((f) => [f.file, f.result])).toEqual([['a.xlsx', '汇总'], ['b-v1.xlsx', '已替换'], ['b-v2.xlsx', '汇总']]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['附件2汇总', '细则明细', '青山区', '东河区', '九原区', '统计', '文件清单']);
    expect((wb.getWorksheet('文件清单')!.getRow(3).values as unknown[]).slice(1)).toEqual(['b-v1.xlsx', '青山建工（青山区）', '已替换', '同一单位的同一份工作簿有较新的文件 b-v2.xlsx，以较新的为准']);
    const ws = wb.getWorksheet('附件2汇总')!;
    expect((ws.getRow(1).values as unknown[]).slice(1)).toEqual([...MASTER_COLUMNS]);
    expect((ws.getRow(1).values as unknown[]).slice(1, 7)).toEqual(['序号', '企业名称', '项目情况（包括地址、建设规模等）', '负责人', '联系电话', '开竣工日期']);
    const rows = [2, 3, 4].map((r) => (ws.getRow(r).values as unknown[]).slice(1));
    // Sorted by district order (青山区 before 东河区 before 九原区).
    expect(rows[0]!.slice(0, 8)).toEqual([1, PAYLOADS[0], `${PAYLOADS[2]}；地址：包头市东河区北梁新区南二区；规模：第二版规模`, PAYLOADS[1], '0472-7100945', '2023-04-01—2025-10-31', '青山区', '青山建工']);
    expect(rows[1]!.slice(6, 13)).toEqual(['东河区', '包头市第一建筑工程有限公司', 55, 55, 1, '是', 1]);
    const s2 = scoreProject({ 'A01-1': '部分达到' }, rubric);
    expect(rows[2]!.slice(6, 13)).toEqual(['九原区', '包头市第一建筑工程有限公司', s2.total, s2.max, s2.rate, '否', s2.completion]);
    expect(rows[0]!.slice(13, 16)).toEqual(['已提交', '是', 2]);

    const detail = wb.getWorksheet('细则明细')!;
    expect(detail.getRow(1).getCell(6).value).toMatch(/^A01-1 项目设有党支部/);
    expect(detail.getRow(3).getCell(6).value).toBe('达到');
    expect(detail.columnCount).toBe(5 + 55);
    // Every data cell keeps its column's format and the wrapped top alignment (the writer shares one style per column).
    for (const sheet of [ws, wb.getWorksheet('青山区')!]) {
      for (const r of sheet === ws ? [2, 3, 4] : [2]) {
        expect(sheet.getRow(r).getCell(2).alignment).toMatchObject({ vertical: 'top', wrapText: true });
        expect(sheet.getRow(r).getCell(5).numFmt).toBe('@');
        expect(sheet.getRow(r).getCell(11).numFmt).toBe('0.0%');
        expect(sheet.getRow(r).getCell(13).numFmt).toBe('0.0%');
        // 企业名称 is plain text, except one that looks like a formula (a PAYLOADS row): text format, quotePrefix.
        const name = String(sheet.getRow(r).getCell(2).value);
        expect(sheet.getRow(r).getCell(2).numFmt).toBe(PAYLOADS.includes(name) ? '@' : undefined);
      }
    }
    expect(detail.getRow(3).getCell(5).numFmt).toBe('0.0%');
    expect(detail.getRow(3).getCell(6).numFmt).toBeUndefined();
    const stats = wb.getWorksheet('统计')!;
    expect((stats.getRow(5).values as unknown[]).slice(1)).toEqual(['合计', 2, 3, Math.round(((0 + 1 + s2.rate) / 3) * 10000) / 10000, 1, 0.3333]);
  });

  test('no formulas anywhere; formula and DDE payloads stay text', async () => {
    const { file } = await write([{ submission: b2, version: 2 }]);
    expect(formulas(file)).toEqual([]);
    const values = sheetValues(file, '附件2汇总');
    expect(values.get('B2')).toBe(PAYLOADS[0]);
    expect(values.get('D2')).toBe(PAYLOADS[1]);
  });

  test('identity: one template in three units is three submissions; a project of one unit in two workbooks counts once (the later)', async () => {
    const shared = b1.submissionId;
    const unitOf = (unit: string, name: string, extra: Record<string, unknown> = {}) =>
      submission({ submissionId: shared, reporter: { unit, district: '东河区', contact: '甲', phone: '13912345678' }, projects: [validProject(1, { projectName: name, enterprise: unit })], ...extra });
    const u1 = unitOf('甲建筑有限公司', '甲项目');
    const u2 = unitOf('乙建筑有限公司', '乙项目');
    const u3 = unitOf('丙建筑有限公司', '丙项目');
    // 甲 again in another workbook, spelled with 有限责任公司 and full-width spaces, with the same project plus a new one.
    const u1b = submission({ reporter: { unit: '甲建筑　有限责任公司', district: '东河区', contact: '甲', phone: '13912345678' }, projects: [validProject(1, { projectName: ' 甲项目 ' }), validProject(2, { projectName: '甲二期' })] });
    const { file, report } = await write([
      { submission: u1, sourceFile: '1.xlsx', submittedAt: '2024-05-20T01:00:00Z' },
      { submission: u2, sourceFile: '2.xlsx', submittedAt: '2024-05-20T02:00:00Z' },
      { submission: u3, sourceFile: '3.xlsx', submittedAt: '2024-05-20T03:00:00Z' },
      { submission: u1b, sourceFile: '4.xlsx', submittedAt: '2024-05-21T01:00:00Z' },
    ]);
    expect(report).toMatchObject({ submissions: 4, projects: 4 });
    expect(report.duplicates).toEqual([{ source: '1.xlsx', projectName: '甲项目', keptIn: '4.xlsx' }]);
    expect(report.files.map((f) => [f.file, f.result, f.reason])).toEqual([
      ['1.xlsx', '重复项目', '项目“甲项目”也在本单位较晚的 4.xlsx 中，只计一次（以较晚的为准）'],
      ['2.xlsx', '汇总', ''],
      ['3.xlsx', '汇总', ''],
      ['4.xlsx', '汇总', '项目“甲项目”也在本单位较早的 1.xlsx 中，只计此处'],
    ]);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(file as unknown as ArrayBuffer);
    const names = wb.getWorksheet('细则明细')!.getSheetValues().slice(2).map((r) => (r as unknown[])[4]);
    expect(names.sort()).toEqual(['丙项目', '乙项目', '甲二期', '甲项目'].sort());
    // 统计 counts units, not workbooks: 3 units, 4 projects.
    expect((wb.getWorksheet('统计')!.getRow(2).values as unknown[]).slice(1, 4)).toEqual(['东河区', 3, 4]);
  });

  test('--district keeps only that district', async () => {
    const { report } = await write([{ submission: a }, { submission: b1 }], { district: '青山区' });
    expect(report).toMatchObject({ submissions: 1, projects: 1, districts: ['青山区'] });
  });
});
