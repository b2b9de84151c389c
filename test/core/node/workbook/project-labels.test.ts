/**
 * An issue's 字段 names its project as its message does: by the 序号 the user sees in the sheet. projects.0 is the
 * first FILLED project, so with the first row left blank the path's index and the 序号 differ; the label must not say
 * “项目 1 · 负责人” beside “项目 2：请填写负责人”. (The 附件2 reader renumbers 序号 over its tables, so there both are
 * already the same number; the 单元格 column gives the row.)
 */
import { strFromU8, unzipSync } from 'fflate';
import { buildTemplate } from '../../../../core/node/workbook/build';
import { parseWorkbook } from '../../../../core/node/workbook/parse';
import { parsePlainCsv } from '../../../../core/node/workbook/csv';
import { annotateWorkbook, ISSUE_SHEET } from '../../../../core/node/workbook/annotate';
import { issueFieldLabel } from '../../../../core/messages';
import type { Issue } from '../../../../core/issues';
import { fillWorkbook, projectFields, REPORTER } from '../../../helpers/workbook';
import { randomAnswers, seeded } from '../../../helpers/fixtures';
import { sheetValues } from '../../../helpers/xlsx-xml';

/** Every issue about one project: [label, message] — both must name 项目 2. */
const aboutProjects = (issues: readonly Issue[]) => issues.filter((i) => i.field.startsWith('projects.0')).map((i) => [issueFieldLabel(i), i.message]);

test('workbook: the first project row left blank, the second (序号 2) without 负责人 — label and message both say 项目 2', async () => {
  const answers = randomAnswers(seeded(7));
  delete (answers as Record<string, unknown>)['A01-1'];
  const bytes = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ slot: 1, fields: projectFields(2, { leader: '', phone: '123' }), answers }]);
  const r = await parseWorkbook(bytes);
  const rows = aboutProjects(r.issues);
  expect(rows.map(([label]) => label).sort()).toEqual(['项目 2 · 负责人', '项目 2 · 细则自评', '项目 2 · 联系电话'].sort());
  for (const [, message] of rows) expect(message).toMatch(/^(项目 2：|第 2 个项目)/);

  // The same in column C of the annotated workbook's 问题清单.
  const annotated = annotateWorkbook(bytes, r.issues);
  const list = sheetValues(annotated, ISSUE_SHEET);
  const fields = [...list.entries()].filter(([k]) => /^C\d+$/.test(k) && k !== 'C4').map(([, v]) => String(v));
  expect(fields).toEqual(expect.arrayContaining(['项目 2 · 负责人', '项目 2 · 联系电话']));
  expect(fields.filter((f) => f.startsWith('项目 1'))).toEqual([]);
  expect(strFromU8(unzipSync(annotated)['xl/workbook.xml']!)).toContain(ISSUE_SHEET);
});

test('附件2 table: label and message name the project with the same number (the reader renumbers 序号 1, 2, … over its tables)', () => {
  const csv = '序号,企业名称,项目情况,负责人,联系电话,开竣工日期\n1,,,,,\n2,某公司,某项目；地址：某路；规模：1万平方米,,123,2024-01-01—2024-12-31\n';
  const r = parsePlainCsv(csv, { fileName: 'x.csv', district: '固阳县' })!;
  const rows = aboutProjects(r.issues);
  expect(rows.map(([label]) => label)).toEqual(expect.arrayContaining(['项目 1 · 负责人', '项目 1 · 联系电话']));
  for (const [label, message] of rows) expect([label!.split(' · ')[0], message]).toEqual(['项目 1', expect.stringMatching(/^项目 1：/)]);
  // Each is placed on its row, so the user finds it there (D3, E3).
  expect(r.issues.filter((i) => i.field === 'projects.0.leader').map((i) => i.cell)).toEqual(['D3']);
});

test('a label without a project number in the message stays as the path says', () => {
  expect(issueFieldLabel({ field: 'projects.0.leader', message: '请填写负责人' })).toBe('项目 1 · 负责人');
  expect(issueFieldLabel({ field: 'projects.1.answers.A01-2', message: '项目 5 · A01-2：请补充' })).toBe('项目 5 · 细则自评 A01-2');
  expect(issueFieldLabel({ field: 'reporter.phone', message: '项目 5：x' })).toBe('联系电话');
});
