/**
 * The annotated return workbook: same Submission when read back, every validation / defined name / sheet kept,
 * untouched parts byte-identical, cells filled and noted, a 问题清单 with links, and LibreOffice still recalculates.
 */
import { unzipSync, strFromU8 } from 'fflate';
import { buildTemplate } from '../../../core/workbook/build';
import { parseWorkbook } from '../../../core/workbook/parse';
import { annotateWorkbook, ISSUE_SHEET } from '../../../core/workbook/annotate';
import { NAMES } from '../../../core/workbook/contract';
import type { Issue } from '../../../core/issues';
import { fillWorkbook, projectFields, REPORTER } from '../../helpers/workbook';
import { randomAnswers, seeded } from '../../helpers/fixtures';
import { sheetPart, sheetValues, xml } from '../../helpers/xlsx-xml';
import { resaveWithLibreOffice } from '../../helpers/libreoffice';

jest.setTimeout(120_000);

let original: Buffer;
const reviewerIssues: Issue[] = [
  { severity: 'error', sheet: '申报表', cell: 'E7', field: 'projects.0.scale', message: '项目 1：建设规模请写明建筑面积' },
  { severity: 'error', sheet: '细则自评', cell: 'E5', field: 'projects.0.answers.A01-2', message: '项目 1 · A01-2：请补充分工文件' },
  { severity: 'warning', sheet: '申报表', cell: 'E7', field: 'projects.0.scale', message: '同一单元格的第二条意见' },
  { severity: 'error', sheet: '申报表', cell: 'Z99', field: 'x', message: '空白单元格也能标注' },
  { severity: 'warning', field: 'reporter', message: '没有单元格的意见只进问题清单' },
];

beforeAll(async () => {
  original = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [
    { fields: projectFields(1), answers: randomAnswers(seeded(21)), notes: { 'A01-1': '照片' } },
    { fields: projectFields(2), answers: randomAnswers(seeded(22)) },
  ]);
});

test('reads back to exactly the same Submission and scores', async () => {
  const annotated = annotateWorkbook(original, reviewerIssues, { reason: '请按问题清单修改', reviewer: '东河区委组织部', at: '2024-05-25 10:00' });
  const [a, b] = [await parseWorkbook(original), await parseWorkbook(annotated)];
  expect(b.submission).toEqual(a.submission);
  expect(b.scores).toEqual(a.scores);
});

test('validations, defined names and sheets are all still there; untouched parts are byte-identical', () => {
  const annotated = annotateWorkbook(original, reviewerIssues, { reason: '请修改' });
  const before = unzipSync(original);
  const after = unzipSync(annotated);
  const changed = Object.keys(before).filter((k) => Buffer.compare(Buffer.from(before[k]!), Buffer.from(after[k] ?? new Uint8Array())) !== 0).sort();
  const formPart = sheetPart(before, '申报表');
  const answersPart = sheetPart(before, '细则自评');
  expect(changed).toEqual(['[Content_Types].xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', formPart, answersPart].sort());
  const names = (parts: Record<string, Uint8Array>) => Array.from(xml(parts, 'xl/workbook.xml').getElementsByTagName('definedName')).map((d) => `${d.getAttribute('name')}=${d.textContent}`);
  expect(names(after)).toEqual(names(before));
  expect(names(after)).toContain(`${NAMES.answers}='细则自评'!$E$4:$G$58`);
  const sheets = (parts: Record<string, Uint8Array>) => Array.from(xml(parts, 'xl/workbook.xml').getElementsByTagName('sheet')).map((s) => `${s.getAttribute('name')}:${s.getAttribute('state') ?? ''}`);
  expect(sheets(after)).toEqual([...sheets(before), `${ISSUE_SHEET}:`]);
  for (const part of [formPart, answersPart]) {
    const dv = (parts: Record<string, Uint8Array>) => Array.from(xml(parts, part).getElementsByTagName('dataValidation')).map((d) => `${d.getAttribute('sqref')} ${d.getElementsByTagName('formula1')[0]?.textContent}`);
    expect(dv(after)).toEqual(dv(before));
    expect(xml(after, part).getElementsByTagName('sheetProtection')).toHaveLength(1);
  }
});

test('issue cells are filled and carry the message as a note; 问题清单 lists every issue with a link', () => {
  const annotated = annotateWorkbook(original, reviewerIssues, { reason: '请按问题清单修改', reviewer: '东河区委组织部' });
  const parts = unzipSync(annotated);
  const styles = xml(parts, 'xl/styles.xml');
  const xfs = Array.from(styles.getElementsByTagName('cellXfs')[0]!.getElementsByTagName('xf'));
  const fills = Array.from(styles.getElementsByTagName('fills')[0]!.getElementsByTagName('fill'));
  const form = xml(parts, sheetPart(parts, '申报表'));
  const e7 = Array.from(form.getElementsByTagName('c')).find((c) => c.getAttribute('r') === 'E7')!;
  const xf = xfs[Number(e7.getAttribute('s'))]!;
  expect(fills[Number(xf.getAttribute('fillId'))]!.getElementsByTagName('fgColor')[0]!.getAttribute('rgb')).toBe('FFFFC7CE');
  expect(xf.getElementsByTagName('protection')[0]?.getAttribute('locked')).toBe('0'); // still an input cell
  expect(Array.from(form.getElementsByTagName('c')).some((c) => c.getAttribute('r') === 'Z99')).toBe(true);
  expect(form.getElementsByTagName('legacyDrawing')).toHaveLength(1);
  const comments = Object.keys(parts).filter((k) => /^xl\/comments\d+\.xml$/.test(k)).map((k) => strFromU8(parts[k]!)).join('');
  expect(comments).toContain('项目 1：建设规模请写明建筑面积\n同一单元格的第二条意见');
  expect(comments).toContain('项目 1 · A01-2：请补充分工文件');
  const list = sheetValues(annotated, ISSUE_SHEET);
  expect(list.get('A2')).toBe('退回原因：请按问题清单修改');
  expect([list.get('A5'), list.get('B5'), list.get('C5'), list.get('D5')]).toEqual(['申报表', '申报表!E7', '错误', '项目 1：建设规模请写明建筑面积']);
  expect(list.get('D9')).toBe('没有单元格的意见只进问题清单');
  const links = Array.from(xml(parts, sheetPart(parts, ISSUE_SHEET)).getElementsByTagName('hyperlink')).map((h) => `${h.getAttribute('ref')}→${h.getAttribute('location')}`);
  expect(links).toEqual(["B5→'申报表'!E7", "B6→'细则自评'!E5", "B7→'申报表'!E7", "B8→'申报表'!Z99"]);
});

test('LibreOffice opens the annotated file and recalculates the same scores', async () => {
  const annotated = annotateWorkbook(original, reviewerIssues, { reason: '请修改' });
  const resaved = await resaveWithLibreOffice(annotated);
  const parsed = await parseWorkbook(original);
  const values = sheetValues(resaved, '得分汇总');
  expect([values.get('B4'), values.get('C4')]).toEqual(parsed.scores.map((s) => s.total));
  expect([values.get('B6'), values.get('C6')]).toEqual(parsed.scores.map((s) => s.rate));
  expect((await parseWorkbook(resaved)).submission).toEqual(parsed.submission);
});
