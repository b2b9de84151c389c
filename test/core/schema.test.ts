import { currentRubric } from '../../core/rubric';
import { normalizePhone, normalizeDate, ReporterSchema, ProjectFieldsSchema } from '../../core/schema';
import { validateSubmission, formatIssue } from '../../core/issues';
import { normalizeDistrict, DISTRICTS } from '../../core/districts';
import { numericMonth } from '../../core/dates';
import { interpretCell } from '../../core/workbook/cells';
import { validProject, validSubmission } from '../helpers/fixtures';

const rubric = currentRubric();
const PHONE_MSG = '联系电话格式不正确：请填写 11 位手机号（如 13912345678）或固定电话（如 0472-7100945，分机可写 0472-7100945-801）';

describe('phone numbers are text', () => {
  test.each([
    ['13912345678', '13912345678'],
    [' 139 1234 5678 ', '13912345678'],
    ['+86 13912345678', '13912345678'],
    ['0472-7100945', '0472-7100945'],
    ['04727100945', '04727100945'],
    ['０４７２－７１００９４５', '0472-7100945'],
    ['(0472)5220621', '0472-5220621'],
    ['7100945', '7100945'],
    ['0472-7100945-801', '0472-7100945-801'],
    ['0472-7100945转801', '0472-7100945转801'],
    ['010-12345678', '010-12345678'],
  ])('%s accepted as %s', (input, expected) => {
    expect(normalizePhone(input)).toBe(expected);
    const r = ProjectFieldsSchema.safeParse({ ...validProject(), phone: input });
    expect(r.success && r.data.phone).toBe(expected);
  });

  test.each(['1391234567', '23912345678', '12345', 'abc', '0472-710094', '139123456789', '0472-0100945'])('%s rejected', (input) => {
    const r = ProjectFieldsSchema.safeParse({ ...validProject(), phone: input });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]).toMatchObject({ path: ['phone'], message: PHONE_MSG });
  });

  test('missing phone', () => {
    const r = ProjectFieldsSchema.safeParse({ ...validProject(), phone: '　' });
    expect(r.error!.issues[0]!.message).toBe('请填写联系电话');
  });
});

describe('dates', () => {
  test.each([
    ['2024-05-17', '2024-05-17'],
    ['2024/5/7', '2024-05-07'],
    ['2024.05.17', '2024-05-17'],
    ['2024年5月17日', '2024-05-17'],
    ['２０２４－０５－１７', '2024-05-17'],
  ])('%s → %s', (input, iso) => expect(normalizeDate(input)).toBe(iso));

  test.each(['2024-02-30', '17/05/2024', '明年', '2024-13-01'])('%s is not a date', (input) => {
    expect(normalizeDate(input)).toBeUndefined();
    const r = ProjectFieldsSchema.safeParse({ ...validProject(), startDate: input });
    expect(r.error!.issues.map((i) => i.message)).toEqual(['开工日期格式不正确：请按 2024-05-17 的格式填写']);
  });

  // What a 附件2 table reads (core/dates.ts) but a date cell of the workbook does not hold: the message says how to write it.
  test.each([
    ['startDate', '2024.3', '开工日期“2024.3”只写到了月份：请填写到日，如 2024-03-01（按 2024-05-17 的格式）'],
    ['endDate', '2024年2月', '竣工日期“2024年2月”只写到了月份：请填写到日，如 2024-02-29（按 2024-05-17 的格式）'],
    ['startDate', '2024-03', '开工日期“2024-03”只写到了月份：请填写到日，如 2024-03-01（按 2024-05-17 的格式）'],
    ['startDate', '2024.3-2024.12', '开工日期一格只填一个日期，“2024.3-2024.12”是一段时间：请把开工日期、竣工日期分别填在两列，如 2024-03-01、2024-12-31'],
    ['endDate', '2024年3月—2025年6月', '竣工日期一格只填一个日期，“2024年3月—2025年6月”是一段时间：请把开工日期、竣工日期分别填在两列，如 2024-03-01、2025-06-30'],
  ])('%s “%s” is refused with how to write it', (field, input, message) => {
    const r = ProjectFieldsSchema.safeParse({ ...validProject(), [field]: input });
    expect(r.error!.issues.map((i) => i.message)).toEqual([message]);
  });

  // “2024.3” typed into a cell is a decimal to Excel: the cell holds the number 2024.3 (a 1905 day as a serial).
  test.each([
    [2024.3, false, ['2024-03-01'], '1905-07-16'],
    [2024.03, false, ['2024-03-01'], '1905-07-16'],
    [2025.6, true, ['2025-06-30'], '1905-07-17'],
    [2024.12, true, ['2024-12-31'], '1905-07-16'],
    [2024.09, false, ['2024-09-01'], '1905-07-16'],
    // 2024.10 is stored as 2024.1: January or October.
    [2024.1, false, ['2024-01-01', '2024-10-01'], '1905-07-16'],
    [2024.1, true, ['2024-01-31', '2024-10-31'], '1905-07-16'],
  ])('the number %s is a year and month (end: %s)', (n, end, days, shown) => {
    expect(numericMonth(n, end)).toEqual({ text: String(n), year: Math.floor(n), days, shown });
  });

  test('a year and month a program wrote as a float (2024.2999999999993) reads as typed', () => {
    expect(numericMonth(2024.2999999999993)).toEqual({ text: '2024.3', year: 2024, days: ['2024-03-01'], shown: '1905-07-16' });
    expect(numericMonth(2024.0299999999997)?.text).toBe('2024.03');
    expect(interpretCell({ value: 2024.2999999999993 }, 'date')).toEqual({ value: '2024.3', monthNumber: 2024.2999999999993 });
  });

  test.each([
    [45352, 'a real date’s serial (2024-03-01)'],
    [45352.5, 'a date with a time'],
    [2024, 'a year alone'],
    [2024.13, 'no month 13'],
    [2024.25, 'no month 25'],
    [2024.123, 'three decimals'],
    [1899.3, 'before 1900'],
    [2100.3, 'after 2099'],
    [Number.NaN, 'not a number'],
  ])('%s is not a year and month: %s', (n) => expect(numericMonth(n)).toBeUndefined());

  test('a date cell holding the number 2024.3 is refused saying Excel made it a number, with the day to write', () => {
    const at = (fields: Record<string, unknown>) => ProjectFieldsSchema.safeParse({ ...validProject(), ...fields }).error!.issues.map((i) => [i.path.join('.'), i.message]);
    expect(at({ startDate: 2024.3, endDate: 2025.06 })).toEqual([
      ['startDate', '开工日期“2024.3”被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-16）：请填写到日，如 2024-03-01（按 2024-05-17 的格式）'],
      ['endDate', '竣工日期“2025.06”被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-17）：请填写到日，如 2025-06-30（按 2024-05-17 的格式）'],
    ]);
    expect(at({ startDate: 2024.1 })).toEqual([
      ['startDate', '开工日期“2024.1”被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-16；输入 2024.10 也会存成 2024.1）：请填写到日，如 2024-01-01 或 2024-10-01（按 2024-05-17 的格式）'],
    ]);
    // The same text typed as text is a month alone, as before.
    expect(at({ startDate: '2024.3' })).toEqual([['startDate', '开工日期“2024.3”只写到了月份：请填写到日，如 2024-03-01（按 2024-05-17 的格式）']]);
    // A year typed alone is the number 2024 (a 1905 day as a date): said so, not the year-range message of 1905.
    expect(at({ startDate: 2024 })).toEqual([['startDate', '开工日期只写了年份“2024”，被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-16）：请填写到日，如 2024-05-17（按 2024-05-17 的格式）']]);
    const reporter = ReporterSchema.safeParse({ unit: '甲', district: '东河区', contact: '李', phone: '13912345678', date: 2024.5 });
    expect(reporter.error!.issues.map((i) => i.message)).toEqual(['填报日期“2024.5”被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-16）：请填写到日，如 2024-05-01（按 2024-05-17 的格式）']);
  });

  test('a date cell’s number: a year and month stays the number for the schema; a date serial is its day', () => {
    expect(interpretCell({ value: 2024.3 }, 'date')).toEqual({ value: '2024.3', monthNumber: 2024.3 });
    expect(interpretCell({ value: 45352 }, 'date')).toEqual({ value: '2024-03-01' });
    expect(interpretCell({ value: 2024.3 }, 'text')).toEqual({ value: '2024.3' });
    expect(interpretCell({ value: 2024 }, 'date')).toEqual({ value: '2024', monthNumber: 2024 });
    expect(interpretCell({ value: 2024 }, 'int')).toEqual({ value: '2024' });
  });

  test('填报日期 of a month: first day suggested; a span there is only a format error', () => {
    const at = (date: string) => ReporterSchema.safeParse({ unit: '甲', district: '东河区', contact: '李', phone: '13912345678', date }).error!.issues.map((i) => i.message);
    expect(at('2024.5')).toEqual(['填报日期“2024.5”只写到了月份：请填写到日，如 2024-05-01（按 2024-05-17 的格式）']);
    expect(at('2024.5-2024.6')).toEqual(['填报日期格式不正确：请按 2024-05-17 的格式填写']);
  });

  test('开工日期 after 竣工日期', () => {
    const r = ProjectFieldsSchema.safeParse({ ...validProject(), startDate: '2025-01-01', endDate: '2024-12-31' });
    expect(r.error!.issues).toEqual([expect.objectContaining({ path: ['endDate'], message: '开工日期不能晚于竣工日期' })]);
  });

  test('same day is allowed', () => {
    expect(ProjectFieldsSchema.safeParse({ ...validProject(), startDate: '2024-05-01', endDate: '2024-05-01' }).success).toBe(true);
  });

  test('implausible years', () => {
    const r = ProjectFieldsSchema.safeParse({ ...validProject(), startDate: '1999-12-31', endDate: '2099-01-01' });
    expect(r.error!.issues.map((i) => i.message).sort()).toEqual(['开工日期的年份须在 2000 年至 2040 年之间', '竣工日期的年份须在 2000 年至 2040 年之间'].sort());
  });
});

describe('districts', () => {
  test('the ten 旗县区 plus 市直单位', () => {
    expect(DISTRICTS).toEqual(['昆都仑区', '青山区', '东河区', '九原区', '石拐区', '白云鄂博矿区', '土默特右旗', '固阳县', '达尔罕茂明安联合旗', '稀土高新区', '市直单位']);
  });
  test.each([
    ['昆区', '昆都仑区'],
    ['达茂旗', '达尔罕茂明安联合旗'],
    ['包头市青山区', '青山区'],
    [' 九原区　', '九原区'],
    ['呼和浩特', undefined],
  ])('%s → %s', (input, expected) => expect(normalizeDistrict(input)).toBe(expected));

  test('unknown district message lists the choices', () => {
    const r = ReporterSchema.safeParse({ unit: '甲', district: '赛罕区', contact: '乙', phone: '13912345678' });
    expect(r.error!.issues[0]!.message).toBe(`所属旗县区须从下拉列表中选择：${DISTRICTS.join('、')}`);
  });
});

describe('text fields', () => {
  test('full-width spaces are trimmed; blank required fields name the field', () => {
    const r = ProjectFieldsSchema.safeParse({ ...validProject(), enterprise: '　包钢建设　', leader: '　　' });
    expect(r.success).toBe(false);
    expect(r.error!.issues).toEqual([expect.objectContaining({ path: ['leader'], message: '请填写负责人' })]);
    const ok = ProjectFieldsSchema.parse({ ...validProject(), enterprise: '　包钢建设　' });
    expect(ok.enterprise).toBe('包钢建设');
  });
});

describe('validateSubmission', () => {
  test('a valid submission passes and is normalised', () => {
    const input = validSubmission();
    input.projects[0]!.answers = { 'A01-1': ' 达到 ', 'C08-3': '不适用' };
    const r = validateSubmission(input, rubric);
    expect(r.issues).toEqual([]);
    expect(r.submission!.projects[0]!.answers).toEqual({ 'A01-1': '达到', 'C08-3': '不适用' });
  });

  test('unknown criterion and unknown option, with the project named', () => {
    const input = validSubmission();
    input.projects[0]!.answers = { 'X99-1': '达到', 'A01-2': '很好' };
    const r = validateSubmission(input, rubric);
    expect(r.submission).toBeUndefined();
    const messages = r.issues.map((i) => i.message).sort();
    expect(messages).toEqual(
      ['项目 1 · A01-2：“很好”不是有效选项，请从下拉列表选择：达到、部分达到、未达到、不适用', '项目 1 · X99-1：细则编号 X99-1 不在 2024 版评分细则中'].sort(),
    );
  });

  test('wrong rubric edition and hash', () => {
    expect(validateSubmission(validSubmission({ rubric: { edition: '2023', hash: rubric.hash } }), rubric).issues[0]!.message).toBe(
      '评分细则版本 2023 无法识别：请使用联盟下发的最新申报工作簿',
    );
    expect(validateSubmission(validSubmission({ rubric: { edition: '2024', hash: 'abc' } }), rubric).issues[0]!.message).toBe(
      '评分细则（2024 版）的内容与系统不一致：请重新下载申报工作簿后再填写',
    );
  });

  test('no projects, duplicate 序号, bad uuid', () => {
    expect(validateSubmission(validSubmission({ projects: [] }), rubric).issues.map((i) => i.message)).toEqual(['至少需要填写一个项目']);
    expect(validateSubmission(validSubmission({ projects: [validProject(2), validProject(2)] }), rubric).issues.map((i) => i.message)).toEqual(['项目 2：序号 2 重复']);
    expect(validateSubmission(validSubmission({ submissionId: 'x' }), rubric).issues.map((i) => i.message)).toEqual(['提交编号缺失或无效：请使用系统生成的申报工作簿']);
  });

  test('issues are placed by the locator and formatted for people', () => {
    const input = validSubmission({ projects: [validProject(3, { phone: '123' })] });
    const r = validateSubmission(input, rubric, (path) => (path[2] === 'phone' ? { sheet: '申报表', cell: 'H9' } : undefined));
    expect(r.issues).toEqual([{ severity: 'error', sheet: '申报表', cell: 'H9', field: 'projects.0.phone', message: `项目 3：${PHONE_MSG}` }]);
    expect(formatIssue(r.issues[0]!)).toBe(`错误 申报表!H9 项目 3：${PHONE_MSG}`);
  });

  test('reporter issues are prefixed 填报信息', () => {
    const input = validSubmission({ reporter: { unit: '', district: '东河区', contact: '李红', phone: '13912345678' } });
    expect(validateSubmission(input, rubric).issues.map((i) => i.message)).toEqual(['填报信息：请填写填报单位']);
  });
});
