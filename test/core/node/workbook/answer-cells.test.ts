/**
 * core/node/workbook/answer-cells.ts finds a project's answer cell in the unit's own workbook the way the reader numbers
 * projects: filled slots only, by the 序号 cell or the slot position when it is blank; the reader agrees (the cell
 * found holds the answer the reader read for that project).
 */
import { buildTemplate } from '../../../../core/node/workbook/build';
import { locateAnswerCells, answerMarkIssues } from '../../../../core/node/workbook/answer-cells';
import { openXlsx } from '../../../../core/node/workbook/xlsx-cells';
import { parseWorkbook } from '../../../../core/node/workbook/parse';
import { currentRubric } from '../../../../core/rubric';
import { fillWorkbook, projectFields, REPORTER } from '../../../helpers/workbook';

const row = (id: string) => 4 + currentRubric().byId.get(id)!.index;

test('renumbered, blank 序号 and later slots: the cell the reader read', async () => {
  const file = await fillWorkbook(await buildTemplate({ projects: 5 }), REPORTER, [
    { slot: 1, fields: { ...projectFields(1), seq: 1 }, answers: { 'A02-3': '部分达到' } }, // slot 2 numbered 1 by hand
    { slot: 3, fields: { ...projectFields(4), seq: '' }, answers: { 'A02-3': '未达到' } }, // 序号 cleared: slot position 4
    { slot: 4, fields: { ...projectFields(7), seq: 7 }, answers: { 'A02-3': '达到' } },
  ]);
  const parsed = await parseWorkbook(file);
  expect(parsed.submission?.projects.map((p) => [p.seq, p.answers['A02-3']])).toEqual([[1, '部分达到'], [4, '未达到'], [7, '达到']]);
  const book = openXlsx(file)!;
  const found = locateAnswerCells(book, [1, 4, 7, 2].map((seq) => ({ seq, criterion: 'A02-3', message: '' })));
  expect(found).toEqual([{ sheet: '细则自评', cell: `F${row('A02-3')}` }, { sheet: '细则自评', cell: `H${row('A02-3')}` }, { sheet: '细则自评', cell: `I${row('A02-3')}` }, undefined]);
  // The cells found hold the answers the reader read.
  const cells = book.sheet('细则自评')!;
  expect(found.slice(0, 3).map((f) => cells.get(f!.cell)?.value)).toEqual(['部分达到', '未达到', '达到']);
  // Unknown criterion: listed without a cell.
  expect(answerMarkIssues(file, [{ seq: 1, criterion: 'Z99-9', message: '退回' }])).toEqual([{ severity: 'error', sheet: '细则自评', field: 'projects.0.answers.Z99-9', message: '退回' }]);
});
