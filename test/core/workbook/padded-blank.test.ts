/**
 * The workbook and the server never disagree silently.
 * - Padded answers (“达到 ”, “ 部分达到”, “\u3000不适用”) are not counted by the workbook's own COUNTIF formulas:
 *   LibreOffice's recalculation gives exactly the reader's scores, and each padded cell is an error to fix.
 * - Partly blank self-assessments get “第 N 个项目有 K 条细则未填”, and the annotated workbook marks those cells.
 */
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { buildTemplate } from '../../../core/node/workbook/build';
import { parseWorkbook } from '../../../core/node/workbook/parse';
import { READ_MSG } from '../../../core/workbook/assemble';
import { annotateWorkbook, WARNING_FILL } from '../../../core/node/workbook/annotate';
import { NAMES, SHEETS, gridCell } from '../../../core/workbook/contract';
import { colLetter, parseRange } from '../../../core/ooxml/address';
import { currentRubric } from '../../../core/rubric';
import { scoreProject } from '../../../core/score';
import { fillWorkbook, projectFields, REPORTER } from '../../helpers/workbook';
import { sheetPart, sheetValues, xml } from '../../helpers/xlsx-xml';
import { resaveWithLibreOffice } from '../../helpers/libreoffice';

const rubric = currentRubric();
const ids = rubric.criteria.map((c) => c.id);

function namedRow(wb: ExcelJS.Workbook, file: Uint8Array, name: string): Array<string | number> {
  const ref = parseRange(wb.definedNames.getRanges(name).ranges[0]!)!;
  const values = sheetValues(file, ref.sheet);
  return Array.from({ length: ref.right - ref.left + 1 }, (_, k) => values.get(`${colLetter(ref.left + k)}${ref.top}`) ?? '');
}

test('padded and full-width-space answers: LibreOffice’s formulas and the reader agree, and each padded cell is an error', async () => {
  const pads = ['达到 ', ' 部分达到', '\u3000不适用', '未达到\u3000', '\u00a0达到'];
  // Project 1: every answer 达到 but five of them padded; project 2: the padding on 不适用 only.
  const p1 = Object.fromEntries(ids.map((id, i) => [id, i < pads.length ? pads[i]! : '达到']));
  const p2 = Object.fromEntries(ids.map((id, i) => [id, i % 7 === 0 ? '\u3000不适用' : i % 3 === 0 ? '部分达到' : '达到']));
  const filled = await fillWorkbook(await buildTemplate({ projects: 2 }), REPORTER, [
    { fields: projectFields(1), answers: p1 },
    { fields: projectFields(2), answers: p2 },
  ]);
  const read = await parseWorkbook(filled);
  expect(read.submission).toBeUndefined();
  const padErrors = read.issues.filter((i) => i.severity === 'error');
  const expectedCells = [
    ...pads.map((p, i) => ({ cell: gridCell(i, 0), message: READ_MSG.padded(ids[i]!, p.trim()) })),
    ...ids.flatMap((id, i) => (i % 7 === 0 ? [{ cell: gridCell(i, 1), message: READ_MSG.padded(id, '不适用') }] : [])),
  ];
  expect(padErrors.map((i) => ({ cell: i.cell, message: i.message })).sort((a, b) => a.cell!.localeCompare(b.cell!))).toEqual(expectedCells.sort((a, b) => a.cell.localeCompare(b.cell)));
  expect(padErrors.every((i) => i.sheet === SHEETS.answers)).toBe(true);

  const resaved = await resaveWithLibreOffice(filled);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(resaved as unknown as ArrayBuffer);
  const [total, max, rate, met, completion] = [NAMES.total, NAMES.max, NAMES.rate, NAMES.met, NAMES.completion].map((n) => namedRow(wb, resaved, n));
  read.scores.forEach((s, i) => {
    expect({ i, total: total![i], max: max![i], rate: rate![i], completion: completion![i], met: met![i] }).toEqual({ i, total: s.total, max: s.max, rate: s.rate, completion: s.completion, met: s.met ? '是' : '否' });
  });
  // Trimming the padding (as a lenient server would) gives other numbers than the workbook shows: the disagreement
  // this rule prevents.
  const lenient = scoreProject(Object.fromEntries(Object.entries(p2).map(([k, v]) => [k, v.trim() as '达到'])), rubric);
  expect(lenient.max).not.toBe(max![1]);
});

test('blank criteria: 第 N 个项目有 K 条细则未填, and the annotated workbook marks every blank answer cell', async () => {
  const partial = Object.fromEntries(ids.slice(0, 40).map((id) => [id, '达到']));
  const filled = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [
    { fields: projectFields(1), answers: Object.fromEntries(ids.map((id) => [id, '达到'])) },
    { fields: projectFields(2), answers: partial },
    { fields: projectFields(3) },
  ]);
  const read = await parseWorkbook(filled);
  expect(read.submission).toBeDefined();
  const blank = read.issues.filter((i) => i.message.includes('条细则未填'));
  expect(blank.map((i) => i.message)).toEqual(['第 2 个项目有 15 条细则未填：请在《细则自评》补填（标注的工作簿中已标出未填的单元格）']);
  const cells = [blank[0]!.cell!, ...blank[0]!.cells!];
  expect(cells).toEqual(ids.slice(40).map((_, k) => gridCell(40 + k, 1)));
  // Project 3 has no answers at all: 尚未自评, said once, not as 55 blanks.
  expect(read.issues.filter((i) => i.message.includes('尚未自评'))).toHaveLength(1);

  const parts = unzipSync(annotateWorkbook(filled, read.issues));
  const styles = xml(parts, 'xl/styles.xml');
  const xfs = Array.from(styles.getElementsByTagName('cellXfs')[0]!.getElementsByTagName('xf'));
  const fills = Array.from(styles.getElementsByTagName('fills')[0]!.getElementsByTagName('fill'));
  const sheet = xml(parts, sheetPart(parts, SHEETS.answers));
  const fillAt = (ref: string) => {
    const c = Array.from(sheet.getElementsByTagName('c')).find((x) => x.getAttribute('r') === ref);
    return c ? fills[Number(xfs[Number(c.getAttribute('s'))]!.getAttribute('fillId'))]!.getElementsByTagName('fgColor')[0]?.getAttribute('rgb') : undefined;
  };
  for (const ref of cells) expect(fillAt(ref)).toBe(WARNING_FILL);
  // Answered cells of the same project and the complete project stay as they were.
  expect(fillAt(gridCell(0, 1))).not.toBe(WARNING_FILL);
  expect(fillAt(gridCell(50, 0))).not.toBe(WARNING_FILL);
});
