/**
 * The reader tells the assembler which project columns hold no cell at all (SheetCells.emptyIn), so an unused slot
 * of a 10-project template is not looked up cell by cell. The shortcut must never change a result: every workbook
 * here is read twice, with the shortcut and with it switched off, and the two results must be equal.
 */
import ExcelJS from 'exceljs';
import { buildTemplate } from '../../../../core/node/workbook/build';
import { parseWorkbook } from '../../../../core/node/workbook/parse';
import { SheetCells } from '../../../../core/node/workbook/xlsx-cells';
import { currentRubric } from '../../../../core/rubric';
import { SHEETS } from '../../../../core/workbook/contract';
import { fillWorkbook, projectFields, REPORTER } from '../../../helpers/workbook';

afterEach(() => jest.restoreAllMocks());

test('SheetCells.emptyIn: true only where no kept cell stands in the column between the rows', () => {
  const cells = new SheetCells();
  const at = (row: number, col: number) => row * 16385 + col;
  cells.keptAt(at(3, 5));
  cells.keptAt(at(40, 5));
  cells.keptAt(at(7, 16384));
  expect(cells.emptyIn(5, 4, 39)).toBe(true);
  expect(cells.emptyIn(5, 3, 3)).toBe(false);
  expect(cells.emptyIn(5, 1, 100)).toBe(false);
  expect(cells.emptyIn(5, 40, 40)).toBe(false);
  expect(cells.emptyIn(6, 1, 1_000_000)).toBe(true);
  expect(cells.emptyIn(16384, 7, 7)).toBe(false);
});

async function bothWays(file: Buffer) {
  const shortcut = jest.spyOn(SheetCells.prototype, 'emptyIn');
  const fast = await parseWorkbook(file);
  const skipped = shortcut.mock.results.filter((r) => r.value === true).length;
  shortcut.mockReturnValue(false);
  const full = await parseWorkbook(file);
  shortcut.mockRestore();
  return { fast, full, skipped };
}

const rubric = currentRubric();
const id = (n: number) => rubric.criteria[n]!.id;

test.each<[string, () => Promise<Buffer>]>([
  ['three projects in slots 1, 4 and 7 of ten, some notes', async () =>
    fillWorkbook(await buildTemplate({ projects: 10 }), REPORTER, [
      { slot: 0, fields: projectFields(1), answers: { [id(0)]: '达到', [id(54)]: '未达到' }, notes: { [id(0)]: '照片两张' } },
      { slot: 3, fields: projectFields(4), answers: { [id(1)]: '部分达到' } },
      { slot: 6, fields: projectFields(7), answers: {}, notes: { [id(9)]: '见附件' } },
    ])],
  ['answers in a slot without a project row, and a note alone in another', async () =>
    fillWorkbook(await buildTemplate({ projects: 10 }), REPORTER, [
      { slot: 0, fields: projectFields(1), answers: { [id(0)]: '达到' } },
      { slot: 5, fields: {}, answers: { [id(2)]: '达到' } },
      { slot: 8, fields: {}, notes: { [id(3)]: '只有说明' } },
    ])],
  ['a formula and a padded answer in otherwise empty slots, a project row without answers', async () =>
    fillWorkbook(await buildTemplate({ projects: 10 }), REPORTER, [{ slot: 0, fields: projectFields(1) }], (wb: ExcelJS.Workbook) => {
      const answers = wb.getWorksheet(SHEETS.answers)!;
      answers.getCell('F10').value = { formula: '1+1', result: 2 };
      answers.getCell('H20').value = '达到 ';
      wb.getWorksheet(SHEETS.notes)!.getCell('J30').value = { formula: '"x"', result: 'x' };
    })],
  ['every slot used', async () =>
    fillWorkbook(await buildTemplate({ projects: 5 }), REPORTER, Array.from({ length: 5 }, (_, i) => ({ fields: projectFields(i + 1), answers: { [id(i)]: '达到' } })))],
])('%s: the same result with and without the shortcut', async (name, make) => {
  const { fast, full, skipped } = await bothWays(await make());
  expect(fast).toEqual(full);
  expect(fast.kind).not.toBe('rejected');
  if (name !== 'every slot used') expect(skipped).toBeGreaterThan(0);
});

test('an unused slot is skipped, not read cell by cell', async () => {
  const file = await fillWorkbook(await buildTemplate({ projects: 10 }), REPORTER, [{ fields: projectFields(1), answers: { [id(0)]: '达到' } }]);
  const { fast, full, skipped } = await bothWays(file);
  expect(fast).toEqual(full);
  // Nine empty slots, each with an empty answers column and an empty notes column; and the notes of the first.
  expect(skipped).toBe(19);
});
