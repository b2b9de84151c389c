/**
 * Interoperability: the workbook's own formulas, recalculated by LibreOffice, give exactly the scores of core/score.ts,
 * and the LibreOffice re-saved file parses to the same Submission.
 */
import ExcelJS from 'exceljs';
import { buildTemplate } from '../../../core/node/workbook/build';
import { parseWorkbook } from '../../../core/node/workbook/parse';
import { NAMES, SHEETS } from '../../../core/workbook/contract';
import { sheetValues } from '../../helpers/xlsx-xml';
import { colLetter, parseRange } from '../../../core/ooxml/address';
import { currentRubric } from '../../../core/rubric';
import { fillWorkbook, projectFields, REPORTER } from '../../helpers/workbook';
import { randomAnswers, seeded } from '../../helpers/fixtures';
import { resaveWithLibreOffice } from '../../helpers/libreoffice';

const rubric = currentRubric();

// Cached results are read from the sheet XML itself: exceljs drops a cached result of 0.
function namedRow(wb: ExcelJS.Workbook, file: Uint8Array, name: string): Array<string | number> {
  const ref = parseRange(wb.definedNames.getRanges(name).ranges[0]!)!;
  const values = sheetValues(file, ref.sheet);
  return Array.from({ length: ref.right - ref.left + 1 }, (_, k) => values.get(`${colLetter(ref.left + k)}${ref.top}`) ?? '');
}

test('LibreOffice recalculates rs_total / rs_max / rs_rate / rs_met exactly as the parser scores', async () => {
  const rand = seeded(2024);
  const projects: Array<{ fields: ReturnType<typeof projectFields>; answers: Record<string, string> }> = Array.from({ length: 6 }, (_, i) => ({ fields: projectFields(i + 1), answers: randomAnswers(rand) }));
  // Edge cases: everything 达到 (met), everything 不适用 (满分 0), one all-不适用 group.
  projects.push({ fields: projectFields(7), answers: Object.fromEntries(rubric.criteria.map((c) => [c.id, '达到'])) });
  projects.push({ fields: projectFields(8), answers: Object.fromEntries(rubric.criteria.map((c) => [c.id, '不适用'])) });
  const almost = Object.fromEntries(rubric.criteria.map((c) => [c.id, c.groupId === 'A06' ? '不适用' : '达到']));
  projects.push({ fields: projectFields(9), answers: almost });
  const filled = await fillWorkbook(await buildTemplate({ projects: 10 }), REPORTER, projects);
  const original = await parseWorkbook(filled);
  expect(original.submission).toBeDefined();

  const resaved = await resaveWithLibreOffice(filled);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(resaved as unknown as ArrayBuffer);
  const [total, max, rate, met, completion] = [NAMES.total, NAMES.max, NAMES.rate, NAMES.met, NAMES.completion].map((n) => namedRow(wb, resaved, n)) as [
    Array<string | number>, Array<string | number>, Array<string | number>, Array<string | number>, Array<string | number>,
  ];
  original.scores.forEach((s, i) => {
    expect({ i, total: total[i], max: max[i], rate: rate[i], completion: completion[i], met: met[i] }).toEqual({
      i, total: s.total, max: s.max, rate: s.rate, completion: s.completion, met: s.met ? '是' : '否',
    });
  });
  // The unused 10th column stays blank.
  expect([total[9], met[9]]).toEqual(['', '']);
  expect(original.scores[6]!.met).toBe(true);
  expect(original.scores[8]!.met).toBe(false);

  // The re-saved file reads back to the same Submission (LibreOffice writes inline strings, keeps names).
  const back = await parseWorkbook(resaved);
  expect(back.issues.filter((i) => i.severity === 'error')).toEqual([]);
  expect(back.submission).toEqual(original.submission);
  // Protection and the very-hidden meta sheet survive in a usable form.
  expect(wb.getWorksheet(SHEETS.meta)!.state).not.toBe('visible');
});
