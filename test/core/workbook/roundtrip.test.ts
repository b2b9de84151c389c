import { buildTemplate, cachedTemplate } from '../../../core/node/workbook/build';
import { parseWorkbook } from '../../../core/node/workbook/parse';
import { parsePlainCsv } from '../../../core/node/workbook/csv';
import { currentRubric, ANSWER_OPTIONS } from '../../../core/rubric';
import { scoreProject } from '../../../core/score';
import { fillWorkbook, projectFields, REPORTER } from '../../helpers/workbook';
import { randomAnswers, seeded } from '../../helpers/fixtures';
import ExcelJS from 'exceljs';
import { SHEETS, formCell, gridCell } from '../../../core/workbook/contract';
import { fieldLabel } from '../../../core/messages';
import { sheetValues } from '../../helpers/xlsx-xml';

const rubric = currentRubric();

describe('build → fill as a user would → parse', () => {
  let template: Buffer;
  beforeAll(async () => {
    template = await buildTemplate({ projects: 5 });
  });

  test('every option, blanks, notes, Chinese text and a leading-zero phone come back exactly', async () => {
    const rand = seeded(42);
    const a1 = randomAnswers(rand);
    const a3 = Object.fromEntries(rubric.criteria.map((c, i) => [c.id, ANSWER_OPTIONS[i % 4]!]));
    const file = await fillWorkbook(template, REPORTER, [
      { slot: 0, fields: projectFields(1, { remark: '党建示范点🚩' }), answers: a1, notes: { 'A01-1': '党支部挂牌照片 1-3', 'C01-1': '施工许可证 150203202304010101' } },
      { slot: 2, fields: projectFields(3, { phone: '13800001111', startDate: new Date(Date.UTC(2022, 5, 1)), endDate: '2024/12/31', district: '达茂旗' }), answers: a3 },
    ]);
    const r = await parseWorkbook(file);
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.kind).toBe('unit');
    const s = r.submission!;
    expect(s.reporter).toEqual({ unit: REPORTER.unit, district: '东河区', contact: '李红', phone: '13912345678', date: '2024-05-20' });
    expect(s.projects).toHaveLength(2);
    expect(s.projects[0]).toEqual({
      seq: 1, ...projectFields(1), remark: '党建示范点🚩', answers: a1,
      notes: { 'A01-1': '党支部挂牌照片 1-3', 'C01-1': '施工许可证 150203202304010101' },
    });
    expect(s.projects[1]).toMatchObject({ seq: 3, phone: '13800001111', startDate: '2022-06-01', endDate: '2024-12-31', district: '达尔罕茂明安联合旗', answers: a3 });
    expect(r.scores[0]).toEqual(scoreProject(a1, rubric));
    expect(r.scores[1]).toEqual(scoreProject(a3, rubric));
    expect(s.source).toBe('xlsx');
    expect(s.rubric).toEqual({ edition: '2024', hash: rubric.hash });
  });

  test('the submission ID of a generated workbook is fresh and kept on read', async () => {
    const a = await cachedTemplate(3);
    const b = await cachedTemplate(3);
    const fa = await fillWorkbook(a, REPORTER, [{ fields: projectFields(1) }]);
    const fb = await fillWorkbook(b, REPORTER, [{ fields: projectFields(1) }]);
    const [ra, rb] = [await parseWorkbook(fa), await parseWorkbook(fb)];
    expect(ra.submission!.submissionId).not.toBe(rb.submission!.submissionId);
    expect(ra.submission!.submissionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('a project without answers is accepted with a 未自评 reminder', async () => {
    const r = await parseWorkbook(await fillWorkbook(template, REPORTER, [{ fields: projectFields(1) }]));
    expect(r.submission).toBeDefined();
    expect(r.issues).toEqual([expect.objectContaining({ severity: 'warning', sheet: '细则自评', message: expect.stringContaining('尚未自评') })]);
    expect(r.scores[0]).toMatchObject({ total: 0, max: 55, completion: 0 });
  });

  test('errors name the sheet and cell: bad phone, bad option, formula in an input cell, date order', async () => {
    const file = await fillWorkbook(template, REPORTER, [
      { slot: 1, fields: projectFields(2, { phone: '12345', startDate: '2025-01-01', endDate: '2024-01-01' }), answers: { 'A01-1': '很好', 'A01-2': '达到' } },
    ], (wb) => {
      wb.getWorksheet(SHEETS.form)!.getCell(formCell(1, 'leader')).value = { formula: 'HYPERLINK("http://evil","点我")', result: '点我' } as ExcelJS.CellFormulaValue;
    });
    const r = await parseWorkbook(file);
    expect(r.submission).toBeUndefined();
    const byCell = Object.fromEntries(r.issues.filter((i) => i.severity === 'error').map((i) => [`${i.sheet}!${i.cell}`, i.message]));
    expect(byCell['申报表!G8']).toContain('联系电话格式不正确');
    expect(byCell['申报表!I8']).toBe('项目 2：开工日期不能晚于竣工日期');
    expect(byCell['申报表!F8']).toBe('负责人单元格里是公式，请直接填写内容（系统不读取公式）');
    // The formula's issue names its field, shown in words (字段) wherever issues are listed.
    const formula = r.issues.find((i) => i.cell === 'F8')!;
    expect(formula.field).toBe('projects.0.leader');
    expect(fieldLabel(formula.field)).toBe('项目 1 · 负责人');
    expect(byCell[`细则自评!${gridCell(0, 1)}`]).toBe('项目 2 · A01-1：“很好”不是有效选项，请从下拉列表选择：达到、部分达到、未达到、不适用');
    expect(r.scores[0]!.total).toBe(1);
  });

  test('a phone stored as a number is restored as text with a warning', async () => {
    const file = await fillWorkbook(template, { ...REPORTER, phone: 4727100945 as unknown as string }, [{ fields: projectFields(1, { phone: 13912345678 }) }]);
    const r = await parseWorkbook(file);
    expect(r.submission!.reporter.phone).toBe('04727100945');
    expect(r.submission!.projects[0]!.phone).toBe('13912345678');
    expect(r.issues.filter((i) => i.message.includes('存成了数字')).map((i) => i.cell).sort()).toEqual(['G7', 'I3']);
    expect(r.issues.filter((i) => i.message.includes('存成了数字')).map((i) => [i.cell, i.field, fieldLabel(i.field)]).sort()).toEqual([
      ['G7', 'projects.0.phone', '项目 1 · 联系电话'],
      ['I3', 'reporter.phone', '联系电话'],
    ]);
  });

  test('an answer padded with spaces is an error on its cell, naming the project and the criterion', async () => {
    const r = await parseWorkbook(await fillWorkbook(template, REPORTER, [{ fields: projectFields(1), answers: { 'A01-1': '达到 ', 'A01-2': '达到' } }]));
    const padded = r.issues.filter((i) => i.severity === 'error');
    expect(padded).toEqual([expect.objectContaining({ sheet: SHEETS.answers, cell: gridCell(0, 0), field: 'projects.0.answers.A01-1' })]);
    expect(fieldLabel(padded[0]!.field)).toBe('项目 1 · 细则自评 A01-1');
  });

  test('dates: the workbook’s date cells hold a day; a month or a span is refused on its cell with the day a 附件2 table would read', async () => {
    // Text in a date cell gets past Excel's date validation only when pasted or typed in software that does not apply it.
    const file = await fillWorkbook(template, REPORTER, [
      { fields: projectFields(1, { startDate: '2024.3', endDate: '2024.12' }) },
      { fields: projectFields(2, { startDate: '2024年3月—2025年6月', endDate: '2025-06-30' }) },
      { fields: projectFields(3, { startDate: '2024/3/1', endDate: '2024年12月31日' }) },
    ]);
    const r = await parseWorkbook(file);
    const dates = r.issues.filter((i) => /Date$/.test(i.field)).map((i) => [`${i.sheet}!${i.cell}`, i.message]);
    expect(dates).toEqual([
      ['申报表!H7', '项目 1：开工日期“2024.3”只写到了月份：请填写到日，如 2024-03-01（按 2024-05-17 的格式）'],
      ['申报表!I7', '项目 1：竣工日期“2024.12”只写到了月份：请填写到日，如 2024-12-31（按 2024-05-17 的格式）'],
      ['申报表!H8', '项目 2：开工日期一格只填一个日期，“2024年3月—2025年6月”是一段时间：请把开工日期、竣工日期分别填在两列，如 2024-03-01、2025-06-30'],
    ]);
    // The same texts in a 附件2 table are read as those days (one reader, core/dates.ts), with a reminder.
    const csv = `序号,企业名称,项目情况（包括地址、建设规模等）,负责人,联系电话,开竣工日期\n1,甲公司,甲项目；地址：东河区巴彦塔拉大街；规模：1万平方米,王,13912345678,2024.3-2024.12\n2,甲公司,乙项目；地址：东河区巴彦塔拉大街；规模：1万平方米,王,13912345678,2024年3月—2025年6月\n`;
    const plain = parsePlainCsv(csv, { district: '东河区' })!;
    expect(plain.submission!.projects.map((p) => [p.startDate, p.endDate])).toEqual([['2024-03-01', '2024-12-31'], ['2024-03-01', '2025-06-30']]);
    expect(plain.issues.filter((i) => i.message.includes('只写到月份'))).toHaveLength(2);
  });

  test('a year and month typed as 2024.3, or a year alone, stored by Excel as a number: said so on its cell, not as a 1905 year', async () => {
    // What Excel writes when “2024.3” is typed into a date cell (past its validation: pasted, or another program): <v>2024.3</v>.
    const file = await fillWorkbook(template, { ...REPORTER, date: 2024.05 as unknown as string }, [
      { fields: projectFields(1, { startDate: 2024.3, endDate: 2025.1 }) },
      { fields: projectFields(2, { startDate: 45352, endDate: 2024.12 }) },
      // A year typed alone: the number 2024, a 1905 day to a date-formatted cell.
      { fields: projectFields(3, { startDate: 2024, endDate: 45473 }) },
    ]);
    // A number cell (no t="s"), as the file says it: what the reader gets is the number, not a date or text.
    expect([sheetValues(file, SHEETS.form).get('H7'), sheetValues(file, SHEETS.form).get('I7')]).toEqual([2024.3, 2025.1]);
    const r = await parseWorkbook(file);
    expect(r.submission).toBeUndefined();
    expect(r.issues.filter((i) => /[dD]ate$/.test(i.field)).map((i) => [`${i.sheet}!${i.cell}`, i.message])).toEqual([
      ['申报表!K3', '填报信息：填报日期“2024.05”被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-16）：请填写到日，如 2024-05-01（按 2024-05-17 的格式）'],
      ['申报表!H7', '项目 1：开工日期“2024.3”被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-16）：请填写到日，如 2024-03-01（按 2024-05-17 的格式）'],
      ['申报表!I7', '项目 1：竣工日期“2025.1”被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-17；输入 2025.10 也会存成 2025.1）：请填写到日，如 2025-01-31 或 2025-10-31（按 2024-05-17 的格式）'],
      ['申报表!I8', '项目 2：竣工日期“2024.12”被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-16）：请填写到日，如 2024-12-31（按 2024-05-17 的格式）'],
      ['申报表!H9', '项目 3：开工日期只写了年份“2024”，被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-16）：请填写到日，如 2024-05-17（按 2024-05-17 的格式）'],
    ]);
    expect(r.issues.some((i) => i.message.includes('年份须在'))).toBe(false);
  });

  test('text payloads stay text', async () => {
    const payloads = ['=cmd|\' /C calc\'!A0', '@SUM(1+1)', '+1', '-1', '=HYPERLINK("http://x","y")'];
    const file = await fillWorkbook(template, REPORTER, payloads.map((p, i) => ({ fields: projectFields(i + 1, { enterprise: p, remark: p }) })));
    const r = await parseWorkbook(file);
    expect(r.submission!.projects.map((p) => p.enterprise)).toEqual(payloads);
  });

  test('unknown rubric edition is refused naming the edition', async () => {
    const file = await fillWorkbook(template, REPORTER, [], (wb) => {
      const meta = wb.getWorksheet(SHEETS.meta)!;
      meta.getCell('B2').value = '2019';
    });
    const r = await parseWorkbook(file);
    expect(r.kind).toBe('rejected');
    expect(r.issues[0]!.message).toBe('评分细则版本 2019 无法识别：请使用联盟下发的最新申报工作簿');
  });

  test('defined names dropped: falls back to the sheets and headers', async () => {
    const a = randomAnswers(seeded(7));
    const file = await fillWorkbook(template, REPORTER, [{ fields: projectFields(1), answers: a }], (wb) => {
      for (const name of wb.definedNames.model.map((n) => n.name)) wb.definedNames.remove('', name);
      (wb.definedNames as unknown as { matrixMap: Record<string, unknown> }).matrixMap = {};
    });
    const r = await parseWorkbook(file);
    expect(r.issues.filter((i) => i.severity === 'error')).toEqual([]);
    expect(r.submission!.projects[0]!.answers).toEqual(a);
  });
});
