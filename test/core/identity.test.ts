/** core/identity.ts and core/dates.ts on plain inputs. */
import { normalizeUnit, unitKey, derivedSubmissionId, resolveEntries, normalizeProjectName, entryRows } from '../../core/identity';
import { readDate, readDateSpan } from '../../core/dates';
import { validateSubmission } from '../../core/issues';
import { currentRubric } from '../../core/rubric';
import type { Submission } from '../../core/schema';
import { unitFromContext } from '../../core/node/workbook/plain';
import { seeded, validProject, validSubmission } from '../helpers/fixtures';

const sub = (o: Record<string, unknown>): Submission => validateSubmission(validSubmission(o), currentRubric()).submission!;

test('unit names compare normalised: spaces, full-/half-width, 有限公司 variants, brackets, 盖章', () => {
  const same = ['包头市第一建筑有限公司', ' 包头市第一建筑　有限责任公司 ', '包头市第一建筑有限公司（盖章）', '包头市第一建筑有限公司。'];
  expect(new Set(same.map(normalizeUnit)).size).toBe(1);
  expect(normalizeUnit('包头（集团）建筑有限公司')).toBe(normalizeUnit('包头(集团)建筑有限公司'));
  expect(normalizeUnit('ＡＢＣ建设有限公司')).toBe(normalizeUnit('abc建设有限公司'));
  expect(normalizeUnit('包头市第二建筑有限公司')).not.toBe(normalizeUnit('包头市第一建筑有限公司'));
  // The 旗县区 is part of the unit (aliases normalised).
  expect(unitKey('甲公司', '昆区')).toBe(unitKey('甲公司', '昆都仑区'));
  expect(unitKey('甲公司', '东河区')).not.toBe(unitKey('甲公司', '青山区'));
  expect(derivedSubmissionId(unitKey('甲', '东河区'), 'w')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(derivedSubmissionId(unitKey('甲', '东河区'), 'w')).not.toBe(derivedSubmissionId(unitKey('乙', '东河区'), 'w'));
  expect(normalizeProjectName(' 北梁（二期）“安置房” ')).toBe(normalizeProjectName('北梁二期安置房'));
});

test('normalizeUnit: names without anything to replace take a shortcut that gives what the six replacements give', () => {
  const byRules = (name: string) =>
    name.replace(/^[\s\u3000\u00a0\u200b-\u200d\ufeff]+|[\s\u3000\u00a0\u200b-\u200d\ufeff]+$/g, '').normalize('NFKC')
      .replace(/[\s\u3000\u00a0\u200b-\u200d\ufeff]+/g, '').replace(/[【[〔（]/g, '(').replace(/[】\]〕）]/g, ')').replace(/有限责任公司/g, '有限公司')
      .replace(/\(盖章\)$/, '').replace(/[。.,，;；:：]+$/, '').toLowerCase();
  const pieces = ['包头', '有限', '责任', '公司', '有限责任公司', '(', ')', '（', '）', '【', '】', '[', ']', '〔', '〕', '盖章', '(盖章)', '（盖章）', '。', '.', ',', '，', ';', '；', ':', '：', ' ', '\u3000', '\u00a0', '\u200b', '\ufeff', '\t', 'A', 'ｂ', '１', 'Ⅻ', '㈱', 'ﾊ'];
  const rand = seeded(5);
  for (let i = 0; i < 5000; i++) {
    const name = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => pieces[Math.floor(rand() * pieces.length)]!).join('');
    expect([name, normalizeUnit(name)]).toEqual([name, byRules(name)]);
  }
});

test('resolveEntries: same (unit, workbook) → the later wins; a project in two workbooks of one unit counts once, in the later', () => {
  const w = '6f1d2a3b-1111-4222-8333-444455556666';
  const reporter = (unit: string) => ({ unit, district: '东河区', contact: '甲', phone: '13912345678' });
  const a1 = { submission: sub({ submissionId: w, reporter: reporter('甲公司'), projects: [validProject(1, { projectName: 'A' })] }), submittedAt: '1', label: 'a1' };
  const a2 = { submission: sub({ submissionId: w, reporter: reporter('甲 公司'), projects: [validProject(1, { projectName: 'A' }), validProject(2, { projectName: 'B' })] }), submittedAt: '3', label: 'a2' };
  const b = { submission: sub({ submissionId: w, reporter: reporter('乙公司'), projects: [validProject(1, { projectName: 'A' })] }), submittedAt: '2', label: 'b' };
  const a3 = { submission: sub({ reporter: reporter('甲公司'), projects: [validProject(1, { projectName: ' b ' })] }), submittedAt: '2', label: 'a3' };
  const r = resolveEntries([a1, b, a2, a3]);
  expect(r.replaced.map((x) => [x.entry.label, x.by.label, x.identical])).toEqual([['a1', 'a2', false]]);
  expect(r.counted.map((c) => [c.entry.label, c.projects.map((p) => p.projectName)])).toEqual([['a2', ['A', 'B']], ['b', ['A']], ['a3', []]]);
  expect(r.duplicates.map((d) => [d.entry.label, d.project.projectName, d.keptIn.label])).toEqual([['a3', 'b', 'a2']]);
});

test('resolveEntries: three copies of one workbook in any order all point at the final winner; 文件清单 rows say so', () => {
  const w = '6f1d2a3b-1111-4222-8333-444455556666';
  const reporter = { unit: '甲公司', district: '东河区', contact: '甲', phone: '13912345678' };
  const copy = (version: number, name: string, label: string) => ({ submission: sub({ submissionId: w, reporter, projects: [validProject(1, { projectName: name })] }), version, label });
  const v1 = copy(1, 'A', 'v1');
  const v2 = copy(2, 'B', 'v2');
  const v3 = copy(3, 'A', 'v3');
  const other = { submission: sub({ reporter, projects: [validProject(1, { projectName: 'A' }), validProject(2, { projectName: 'C' })] }), version: 1, submittedAt: '9', label: 'other' };
  for (const [order, replaced] of [
    [[v1, v2, v3], [['v1', 'v3', true], ['v2', 'v3', false]]],
    [[v3, v1, v2], [['v1', 'v3', true], ['v2', 'v3', false]]],
    [[v2, v3, v1], [['v2', 'v3', false], ['v1', 'v3', true]]],
  ] as const) {
    const all = [...order, other];
    const r = resolveEntries(all);
    expect(r.replaced.map((x) => [x.entry.label, x.by.label, x.identical])).toEqual(replaced);
    expect(r.counted.map((c) => [c.entry.label, c.projects.map((p) => p.projectName), c.unitKey])).toEqual([['v3', [], unitKey('甲公司', '东河区')], ['other', ['A', 'C'], unitKey('甲公司', '东河区')]]);
    const rows = entryRows(r, all);
    expect(all.map((e) => [rows.get(e)!.file, rows.get(e)!.result])).toEqual(all.map((e) => [e.label, e === other ? '汇总' : e === v3 ? '重复项目' : '已替换']));
    expect(rows.get(v1)!.reason).toContain('内容相同');
    expect(rows.get(v3)!.reason).toBe('项目“A”也在本单位较晚的 other 中，只计一次（以较晚的为准）');
    expect(rows.get(other)!.reason).toBe('项目“A”也在本单位较早的 v3 中，只计此处');
  }
});

test.each([
  ['2024.3-2024.12', '2024-03-01', '2024-12-31', true, false],
  ['2024/3-2024/12', '2024-03-01', '2024-12-31', true, false],
  ['2024.3 - 2024.12', '2024-03-01', '2024-12-31', true, false],
  ['2024.3.1-2024.12.30', '2024-03-01', '2024-12-30', false, false],
  ['2024年3月—2025年6月', '2024-03-01', '2025-06-30', true, false],
  ['2024年3月1日-12月30日', '2024-03-01', '2024-12-30', false, true],
  ['2024年11月1日至3月31日', '2024-11-01', '2025-03-31', false, true],
  ['2024/03/01至2024/12/31', '2024-03-01', '2024-12-31', false, false],
  ['2024-03-01--2024-12-31', '2024-03-01', '2024-12-31', false, false],
  ['２０２４．３．１～２０２４．１２．３０', '2024-03-01', '2024-12-30', false, false],
  ['2024-03-01', '2024-03-01', undefined, false, false],
])('readDateSpan %s', (text, start, end, approximate, endYearGuessed) => {
  const r = readDateSpan(text);
  expect({ start: r.start, end: r.end, approximate: r.approximate, endYearGuessed: r.endYearGuessed }).toEqual({ start, end, approximate, endYearGuessed });
});

test('readDate: a month reads as its first (start) or last (end) day; nonsense is not a date', () => {
  expect(readDate('2024年2月', true)).toEqual({ iso: '2024-02-29', monthOnly: true });
  expect(readDate('2024.2')).toEqual({ iso: '2024-02-01', monthOnly: true });
  expect(readDate('2024.13.1')).toEqual({ iso: undefined, monthOnly: false });
  expect(readDate('明年')).toEqual({ monthOnly: false });
});

test.each([
  ['填报单位：包头市第三建筑有限责任公司（盖章）    联系人：王强', '包头市第三建筑有限责任公司'],
  ['填报单位（盖章）：包头市第三建筑有限公司  填报日期：2024年5月20日', '包头市第三建筑有限公司'],
  ['填报单位名称: 甲公司 联系电话: 13912345678', '甲公司'],
  ['填报单位：____________', undefined],
  ['“七有一好八规范”红色工地创建申报表回执', undefined],
])('unitFromContext %s', (line, unit) => {
  expect(unitFromContext([line])).toBe(unit);
});
