/**
 * The annotated return workbook: same Submission when read back, every validation / defined name / sheet kept,
 * untouched parts byte-identical (uncompressed), cells filled and noted (also on a sheet that already has notes),
 * a 问题清单 first with links, hostile input refused, and LibreOffice still opens and recalculates.
 */
import ExcelJS from 'exceljs';
import { unzipSync, strFromU8, zipSync, strToU8 } from 'fflate';
import { buildTemplate } from '../../../../core/node/workbook/build';
import { parseWorkbook } from '../../../../core/node/workbook/parse';
import { annotateWorkbook, AnnotateError, ISSUE_SHEET, ISSUE_HEADERS, WARNING_FILL } from '../../../../core/node/workbook/annotate';
import { fieldLabel } from '../../../../core/messages';
import { NAMES, SHEETS } from '../../../../core/workbook/contract';
import type { Issue } from '../../../../core/issues';
import { fillWorkbook, projectFields, REPORTER } from '../../../helpers/workbook';
import { randomAnswers, seeded } from '../../../helpers/fixtures';
import { sheetPart, sheetValues, xml } from '../../../helpers/xlsx-xml';
import { resaveWithLibreOffice } from '../../../helpers/libreoffice';


// 1×1 red PNG: a picture the unit pasted into its own sheet.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');

let original: Buffer;
const reviewerIssues: Issue[] = [
  { severity: 'error', sheet: '申报表', cell: 'E7', field: 'projects.0.scale', message: '项目 1：建设规模请写明建筑面积' },
  { severity: 'error', sheet: '细则自评', cell: 'E5', field: 'projects.0.answers.A01-2', message: '项目 1 · A01-2：请补充分工文件' },
  { severity: 'warning', sheet: '申报表', cell: 'E7', field: 'projects.0.scale', message: '同一单元格的第二条意见' },
  { severity: 'error', sheet: '申报表', cell: 'Z99', field: 'x', message: '空白单元格也能标注' },
  { severity: 'warning', field: 'reporter', message: '没有单元格的意见只进问题清单' },
  { severity: 'warning', sheet: '单位自加', cell: 'B2', field: 'projects.1.remark', message: '自加工作表上已有批注的单元格' },
  { severity: 'warning', sheet: '单位自加', cell: 'C3', field: 'projects.1.remark', message: '自加工作表的另一个单元格' },
];

/** name@sheet-it-belongs-to=reference, so a renumbered localSheetId still has to point at the same sheet. */
function definedNames(parts: Record<string, Uint8Array>): string[] {
  const wb = xml(parts, 'xl/workbook.xml');
  const sheets = Array.from(wb.getElementsByTagName('sheet')).map((s) => s.getAttribute('name'));
  return Array.from(wb.getElementsByTagName('definedName'))
    .map((d) => `${d.getAttribute('name')}@${d.hasAttribute('localSheetId') ? sheets[Number(d.getAttribute('localSheetId'))] : ''}=${d.textContent}`)
    .sort();
}

const sheetList = (parts: Record<string, Uint8Array>) => Array.from(xml(parts, 'xl/workbook.xml').getElementsByTagName('sheet')).map((s) => `${s.getAttribute('name')}:${s.getAttribute('state') ?? ''}`);
const commentTexts = (parts: Record<string, Uint8Array>, part: string) => {
  const rels = xml(parts, part.replace(/([^/]+)$/, '_rels/$1.rels'));
  const target = Array.from(rels.getElementsByTagName('Relationship')).filter((r) => r.getAttribute('Type')!.endsWith('/comments')).map((r) => r.getAttribute('Target')!);
  expect(target).toHaveLength(1);
  const doc = xml(parts, `xl/${target[0]!.replace(/^\.\.\//, '')}`);
  return new Map(Array.from(doc.getElementsByTagName('comment')).map((c) => [c.getAttribute('ref')!, c.textContent ?? '']));
};

beforeAll(async () => {
  original = await fillWorkbook(
    await buildTemplate({ projects: 3 }),
    REPORTER,
    [
      { fields: projectFields(1), answers: randomAnswers(seeded(21)), notes: { 'A01-1': '照片' } },
      { fields: projectFields(2), answers: randomAnswers(seeded(22)) },
    ],
    (wb) => {
      // What units do to their own copy: an extra sheet with a note, a picture, a formula, a wide column.
      const own = wb.addWorksheet('单位自加');
      own.getCell('A1').value = '本单位备查';
      own.getCell('B2').value = '00123';
      own.getCell('B2').note = '单位自己的批注';
      own.getCell('C3').value = { formula: 'LEN(B2)', result: 5 } as ExcelJS.CellFormulaValue;
      own.getColumn('D').width = 42;
      own.addImage(wb.addImage({ buffer: PNG as unknown as ExcelJS.Buffer, extension: 'png' }), 'E5:F8');
      wb.getWorksheet(SHEETS.guide)!.getColumn('H').width = 33;
      // Saved while looking at 佐证说明: that tab is the selected one.
      wb.views = [{ x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, activeTab: 3, visibility: 'visible' }];
      const notes = wb.getWorksheet(SHEETS.notes)!;
      notes.views = notes.views.map((v) => ({ ...v, tabSelected: true }) as unknown as ExcelJS.WorksheetView);
    },
  );
});

test('reads back to exactly the same Submission and scores', async () => {
  const annotated = annotateWorkbook(original, reviewerIssues, { reason: '请按问题清单修改', reviewer: '东河区委组织部', at: '2024-05-25 10:00' });
  const [a, b] = [await parseWorkbook(original), await parseWorkbook(annotated)];
  expect(a.submission).toBeDefined();
  expect(b.submission).toEqual(a.submission);
  expect(b.scores).toEqual(a.scores);
  expect(b.kind).toBe('unit');
});

test('validations, defined names and sheets are all still there; untouched parts are byte-identical', () => {
  const annotated = annotateWorkbook(original, reviewerIssues, { reason: '请修改' });
  const before = unzipSync(original);
  const after = unzipSync(annotated);
  const changed = Object.keys(before).filter((k) => Buffer.compare(Buffer.from(before[k]!), Buffer.from(after[k] ?? new Uint8Array())) !== 0).sort();
  const formPart = sheetPart(before, '申报表');
  const answersPart = sheetPart(before, '细则自评');
  const ownPart = sheetPart(before, '单位自加');
  const ownComments = Object.keys(before).find((k) => /^xl\/comments\d*\.xml$/.test(k))!;
  const ownVml = Object.keys(before).find((k) => /^xl\/drawings\/vmlDrawing\d*\.vml$/.test(k))!;
  // 佐证说明 has no issue; it changes only because it was the selected tab and now 问题清单 is.
  const notesPart = sheetPart(before, SHEETS.notes);
  expect(xml(before, notesPart).getElementsByTagName('sheetView')[0]!.getAttribute('tabSelected')).toBe('1');
  expect(changed).toEqual(['[Content_Types].xml', 'xl/_rels/workbook.xml.rels', 'xl/styles.xml', 'xl/workbook.xml', formPart, answersPart, notesPart, ownPart, ownComments, ownVml].sort());
  // Everything else — pictures, drawings, theme, shared strings, docProps, the other sheets — has its exact bytes.
  const untouched = Object.keys(before).filter((k) => !changed.includes(k));
  expect(untouched).toEqual(expect.arrayContaining(['xl/sharedStrings.xml', 'xl/theme/theme1.xml', 'docProps/core.xml', 'docProps/app.xml', sheetPart(before, '填报说明'), sheetPart(before, '得分汇总'), sheetPart(before, '_meta')]));
  expect(untouched.some((k) => k.startsWith('xl/media/'))).toBe(true);
  expect(untouched.some((k) => /^xl\/drawings\/drawing\d+\.xml$/.test(k))).toBe(true);

  expect(definedNames(after)).toEqual(definedNames(before));
  expect(definedNames(after)).toContain(`${NAMES.answers}@='细则自评'!$E$4:$G$58`);
  expect(definedNames(after)).toContain(`_xlnm.Print_Titles@申报表='申报表'!$5:$6`);
  expect(sheetList(after)).toEqual([`${ISSUE_SHEET}:`, ...sheetList(before)]);
  for (const part of [formPart, answersPart]) {
    const dv = (parts: Record<string, Uint8Array>) => Array.from(xml(parts, part).getElementsByTagName('dataValidation')).map((d) => `${d.getAttribute('sqref')} ${d.getAttribute('type')} ${d.getElementsByTagName('formula1')[0]?.textContent}`);
    expect(dv(after).length).toBeGreaterThan(0);
    expect(dv(after)).toEqual(dv(before));
    expect(xml(after, part).getElementsByTagName('sheetProtection')).toHaveLength(1);
    expect(xml(after, part).getElementsByTagName('sheetProtection')[0]!.toString()).toBe(xml(before, part).getElementsByTagName('sheetProtection')[0]!.toString());
  }
  // The user's formula keeps its cached result; text that looks like a number stays text.
  const own = xml(after, ownPart);
  const c3 = Array.from(own.getElementsByTagName('c')).find((c) => c.getAttribute('r') === 'C3')!;
  expect([c3.getElementsByTagName('f')[0]?.textContent, c3.getElementsByTagName('v')[0]?.textContent]).toEqual(['LEN(B2)', '5']);
  expect(sheetValues(annotated, '单位自加').get('B2')).toBe('00123');
  // The workbook opens on 问题清单 (activeTab defaults to 0 when the file has no bookViews).
  const wbView = xml(after, 'xl/workbook.xml').getElementsByTagName('workbookView')[0];
  expect(xml(before, 'xl/workbook.xml').getElementsByTagName('workbookView')[0]!.getAttribute('activeTab')).toBe('3');
  expect(wbView?.getAttribute('activeTab') ?? '0').toBe('0');
  const selected = sheetList(after).filter((_, i) => {
    const name = sheetList(after)[i]!.split(':')[0]!;
    return xml(after, sheetPart(after, name)).getElementsByTagName('sheetView')[0]?.getAttribute('tabSelected') === '1';
  });
  expect(selected).toEqual([`${ISSUE_SHEET}:`]);
});

test('issue cells are filled and carry the message as a note; 问题清单 lists every issue with a link', () => {
  const annotated = annotateWorkbook(original, reviewerIssues, { reason: '请按问题清单修改', reviewer: '东河区委组织部', at: '2024-05-25 10:00' });
  const parts = unzipSync(annotated);
  const before = unzipSync(original);
  const styles = xml(parts, 'xl/styles.xml');
  const xfs = Array.from(styles.getElementsByTagName('cellXfs')[0]!.getElementsByTagName('xf'));
  const fills = Array.from(styles.getElementsByTagName('fills')[0]!.getElementsByTagName('fill'));
  const cellOf = (p: Record<string, Uint8Array>, sheet: string, ref: string) => Array.from(xml(p, sheetPart(p, sheet)).getElementsByTagName('c')).find((c) => c.getAttribute('r') === ref);
  const fillOf = (c: Element) => fills[Number(xfs[Number(c.getAttribute('s'))]!.getAttribute('fillId'))]!.getElementsByTagName('fgColor')[0]?.getAttribute('rgb');
  for (const [sheet, ref] of [['申报表', 'E7'], ['细则自评', 'E5'], ['申报表', 'Z99'], ['单位自加', 'B2'], ['单位自加', 'C3']] as const) {
    expect(fillOf(cellOf(parts, sheet, ref)!)).toBe(WARNING_FILL);
  }
  // The filled style is a copy of the cell's own: number format, font, border and protection unchanged.
  const e7 = xfs[Number(cellOf(parts, '申报表', 'E7')!.getAttribute('s'))]!;
  const origXfs = Array.from(xml(before, 'xl/styles.xml').getElementsByTagName('cellXfs')[0]!.getElementsByTagName('xf'));
  const orig = origXfs[Number(cellOf(before, '申报表', 'E7')!.getAttribute('s'))]!;
  for (const a of ['numFmtId', 'fontId', 'borderId']) expect(e7.getAttribute(a)).toBe(orig.getAttribute(a));
  expect(e7.getElementsByTagName('protection')[0]?.getAttribute('locked')).toBe('0'); // still an input cell
  // Cells nearby keep their original style.
  expect(cellOf(parts, '申报表', 'E8')!.getAttribute('s')).toBe(cellOf(before, '申报表', 'E8')!.getAttribute('s'));

  const form = sheetPart(parts, '申报表');
  expect(xml(parts, form).getElementsByTagName('legacyDrawing')).toHaveLength(1);
  const formNotes = commentTexts(parts, form);
  expect(formNotes.get('E7')).toContain('项目 1：建设规模请写明建筑面积\n同一单元格的第二条意见');
  expect(formNotes.get('Z99')).toContain('空白单元格也能标注');
  expect(commentTexts(parts, sheetPart(parts, '细则自评')).get('E5')).toContain('请补充分工文件');
  // The sheet that already had a note: one comments part, its note kept and ours added; one shape per noted cell.
  const own = sheetPart(parts, '单位自加');
  expect(xml(parts, own).getElementsByTagName('legacyDrawing')).toHaveLength(1);
  const ownNotes = commentTexts(parts, own);
  expect(ownNotes.get('B2')).toMatch(/单位自己的批注[\s\S]*自加工作表上已有批注的单元格/);
  expect(ownNotes.get('C3')).toContain('自加工作表的另一个单元格');
  const vmlPart = Object.keys(parts).find((k) => /vmlDrawing/.test(k) && strFromU8(parts[k]!).includes('<x:Row>1</x:Row>'))!;
  const rows = [...strFromU8(parts[vmlPart]!).matchAll(/<x:Row>(\d+)<\/x:Row><x:Column>(\d+)<\/x:Column>/g)].map((m) => `${m[1]}:${m[2]}`).sort();
  expect(rows).toEqual(['1:1', '2:2']);
  for (const vml of Object.keys(parts).filter((k) => k.endsWith('.vml'))) {
    const shapeIds = [...strFromU8(parts[vml]!).matchAll(/<v:shape [^>]*id="([^"]+)"/g)].map((m) => `${m[1]}`);
    expect(new Set(shapeIds).size).toBe(shapeIds.length);
  }

  const list = sheetValues(annotated, ISSUE_SHEET);
  expect(list.get('A1')).toBe(ISSUE_SHEET);
  expect(list.get('A2')).toBe('退回原因：请按问题清单修改');
  expect(list.get('A3')).toContain('审核人：东河区委组织部');
  expect(list.get('A3')).toContain('共 7 条（错误 3 条，提醒 4 条）');
  expect(ISSUE_HEADERS.map((_, c) => list.get(`${'ABCDE'[c]}4`))).toEqual([...ISSUE_HEADERS]);
  expect(['A', 'B', 'C', 'D', 'E'].map((c) => list.get(`${c}5`))).toEqual(['申报表', '申报表!E7', '项目 1 · 建设规模', '项目 1：建设规模请写明建筑面积', '错误']);
  expect(['A', 'B', 'C', 'D', 'E'].map((c) => list.get(`${c}9`) ?? '')).toEqual(['', '', '填报信息', '没有单元格的意见只进问题清单', '提醒']);
  const links = Array.from(xml(parts, sheetPart(parts, ISSUE_SHEET)).getElementsByTagName('hyperlink')).map((h) => `${h.getAttribute('ref')}→${h.getAttribute('location')}`);
  expect(links).toEqual(["B5→'申报表'!E7", "B6→'细则自评'!E5", "B7→'申报表'!E7", "B8→'申报表'!Z99", "B10→'单位自加'!B2", "B11→'单位自加'!C3"]);
});

test('field labels', () => {
  expect(fieldLabel('projects.1.phone')).toBe('项目 2 · 联系电话');
  expect(fieldLabel('projects.0.answers.A01-2')).toBe('项目 1 · 细则自评 A01-2');
  expect(fieldLabel('reporter.contact')).toBe('联系人');
  expect(fieldLabel('projects')).toBe('项目');
});

test('annotating a returned workbook again replaces its 问题清单 instead of adding a second one', async () => {
  const once = annotateWorkbook(original, reviewerIssues.slice(0, 2), { reason: '第一次' });
  const twice = annotateWorkbook(once, reviewerIssues.slice(2, 3), { reason: '第二次' });
  const parts = unzipSync(twice);
  expect(sheetList(parts).filter((s) => s.startsWith(ISSUE_SHEET))).toEqual([`${ISSUE_SHEET}:`]);
  expect(sheetList(parts)[0]).toBe(`${ISSUE_SHEET}:`);
  expect(sheetValues(twice, ISSUE_SHEET).get('A2')).toBe('退回原因：第二次');
  expect(definedNames(parts)).toEqual(definedNames(unzipSync(original)));
  expect(commentTexts(parts, sheetPart(parts, '申报表')).get('E7')).toMatch(/建设规模请写明建筑面积[\s\S]*同一单元格的第二条意见/);
  expect((await parseWorkbook(twice)).submission).toEqual((await parseWorkbook(original)).submission);
});

test('text that would break the XML is cleaned, long lists are bounded, and hostile files are refused', () => {
  const nasty: Issue[] = [
    { severity: 'error', sheet: '申报表', cell: 'B3', field: 'reporter.unit', message: '控制字符\u0001\u0008与 <标签> & "引号" ]]> \ud800 结束' },
    { severity: 'error', sheet: '不存在的表', cell: 'A1', field: 'x', message: '表不存在' },
    { severity: 'error', sheet: '申报表', cell: 'XFE1', field: 'x', message: '超出列范围' },
    { severity: 'error', sheet: '申报表', cell: 'A1:B2', field: 'x', message: '区域不是单元格' },
  ];
  const out = annotateWorkbook(original, nasty, { reason: '原因\u0000带控制字符' });
  const parts = unzipSync(out);
  expect(sheetValues(out, ISSUE_SHEET).get('D5')).toBe('控制字符与 <标签> & "引号" ]]>  结束');
  expect(sheetValues(out, ISSUE_SHEET).get('A2')).toBe('退回原因：原因带控制字符');
  expect(commentTexts(parts, sheetPart(parts, '申报表')).get('B3')).toContain('<标签>');
  // Issues whose cell is not on a sheet of this workbook are listed without a link and mark nothing.
  expect(Array.from(xml(parts, sheetPart(parts, ISSUE_SHEET)).getElementsByTagName('hyperlink'))).toHaveLength(1);

  const many: Issue[] = Array.from({ length: 2500 }, (_, i) => ({ severity: 'warning', sheet: '申报表', cell: `K${7 + (i % 3)}`, field: 'x', message: `第 ${i + 1} 条` }));
  const bounded = sheetValues(annotateWorkbook(original, many, {}), ISSUE_SHEET);
  expect(bounded.get('D2004')).toBe('第 2000 条');
  expect(bounded.get('D2005')).toContain('另有 500 条问题未列出');

  expect(() => annotateWorkbook(new Uint8Array([1, 2, 3, 4]), [], {})).toThrow(AnnotateError);
  expect(() => annotateWorkbook(original, [], { limits: { uploadBytes: 1000 } })).toThrow(/文件过大（.*），上限为 1 KB/);
  expect(() => annotateWorkbook(original, [], { limits: { totalBytes: 50_000 } })).toThrow(/解压后超过/);
  const entries = unzipSync(original);
  const withDoctype = zipSync({ ...entries, 'xl/workbook.xml': strToU8(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${strFromU8(entries['xl/workbook.xml']!).replace(/^<\?xml[^>]*\?>/, '')}`) });
  expect(() => annotateWorkbook(withDoctype, [], {})).toThrow(/不是有效的 XML/);
  const broken = zipSync({ ...entries, [sheetPart(entries, '申报表')]: strToU8('<worksheet><sheetData>') });
  expect(() => annotateWorkbook(broken, reviewerIssues, {})).toThrow(/不是有效的 XML/);
});

test('LibreOffice opens the annotated file, recalculates the same scores and keeps the notes and links', async () => {
  const annotated = annotateWorkbook(original, reviewerIssues, { reason: '请修改' });
  const resaved = await resaveWithLibreOffice(annotated);
  const parsed = await parseWorkbook(original);
  const values = sheetValues(resaved, SHEETS.summary);
  expect([values.get('B4'), values.get('C4')]).toEqual(parsed.scores.map((s) => s.total));
  expect([values.get('B6'), values.get('C6')]).toEqual(parsed.scores.map((s) => s.rate));
  expect((await parseWorkbook(resaved)).submission).toEqual(parsed.submission);
  const parts = unzipSync(resaved);
  expect(sheetList(parts)[0]).toMatch(new RegExp(`^${ISSUE_SHEET}:`));
  const rs = (p: Record<string, Uint8Array>) => definedNames(p).filter((n) => n.startsWith('rs_')).map((n) => n.replace(/'/g, '')); // LibreOffice drops the quotes
  expect(rs(parts)).toEqual(rs(unzipSync(original)));
  expect(commentTexts(parts, sheetPart(parts, '申报表')).get('E7')).toContain('建设规模请写明建筑面积');
  expect(commentTexts(parts, sheetPart(parts, '单位自加')).get('B2')).toMatch(/单位自己的批注[\s\S]*自加工作表上已有批注的单元格/);
  const links = Array.from(xml(parts, sheetPart(parts, ISSUE_SHEET)).getElementsByTagName('hyperlink')).map((h) => h.getAttribute('location'));
  expect(links[0]).toMatch(/申报表'?!E7$/);
});

test('a workbook last saved by LibreOffice (other XML habits, cached results) is annotated the same way', async () => {
  const fromLibre = await resaveWithLibreOffice(original);
  const annotated = annotateWorkbook(fromLibre, reviewerIssues, { reason: '请修改' });
  const expected = (await parseWorkbook(original)).submission;
  expect((await parseWorkbook(fromLibre)).submission).toEqual(expected);
  expect((await parseWorkbook(annotated)).submission).toEqual(expected);
  const before = unzipSync(fromLibre);
  const after = unzipSync(annotated);
  expect(definedNames(after)).toEqual(definedNames(before));
  expect(sheetList(after)).toEqual([`${ISSUE_SHEET}:`, ...sheetList(before)]);
  // Cached formula results LibreOffice wrote are still there, byte for byte, on the sheets we did not touch.
  const summary = sheetPart(before, SHEETS.summary);
  expect(Buffer.compare(Buffer.from(before[summary]!), Buffer.from(after[summary]!))).toBe(0);
  expect(commentTexts(after, sheetPart(after, '单位自加')).get('B2')).toMatch(/单位自己的批注[\s\S]*自加工作表上已有批注的单元格/);
  const again = await resaveWithLibreOffice(annotated);
  expect((await parseWorkbook(again)).submission).toEqual(expected);
  expect(sheetValues(again, SHEETS.summary).get('B4')).toBe((await parseWorkbook(original)).scores[0]!.total);
});
