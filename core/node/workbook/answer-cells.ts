/**
 * Where a project's answer to one criterion sits in a unit workbook, found from the workbook itself: the criterion's
 * row by the 编号 column (rs_ids), the project's column by its 序号 in 申报表 (rs_rows) — the inverse of how the
 * reader numbers projects (filled slots only; the 序号 cell, or the slot's position when that cell is blank). Falls back to the
 * contract's fixed positions when a program dropped the defined names. Used to mark a reviewer's per-criterion
 * return ("佐证不足") on the unit's own file.
 */
import type { Issue } from '../../issues';
import { cleanText } from '../../text';
import { currentRubric, type Rubric } from '../../rubric';
import { interpretCell } from '../../workbook/cells';
import { FORM, GRID, NAMES, SHEETS } from '../../workbook/contract';
import { colLetter, colNumber, parseRange, type Area } from '../../ooxml/address';
import { openXlsx, type XlsxBook } from './xlsx-cells';

export interface AnswerMark {
  /** 序号 of the project (Submission project.seq). */
  seq: number;
  criterion: string;
  message: string;
}

function named(book: XlsxBook, name: string): Area | undefined {
  const ref = book.definedNames.get(name);
  return ref ? parseRange(ref) : undefined;
}

const text = (book: XlsxBook, sheet: string, address: string) => cleanText(interpretCell(book.sheet(sheet)?.get(address) ?? { value: null }).value);

/** Sheet and cell of each mark's answer, or undefined for a mark whose project or criterion is not in the file. */
export function locateAnswerCells(book: XlsxBook, marks: readonly AnswerMark[], rubric: Rubric = currentRubric()): Array<{ sheet: string; cell: string } | undefined> {
  const answers = named(book, NAMES.answers) ?? { sheet: SHEETS.answers, top: GRID.firstRow, left: GRID.firstProjectCol, bottom: GRID.firstRow + rubric.criteria.length - 1, right: GRID.firstProjectCol + 199 };
  const ids = named(book, NAMES.ids) ?? { sheet: answers.sheet, top: answers.top, left: colNumber(GRID.idCol), bottom: answers.bottom, right: colNumber(GRID.idCol) };
  const rows = named(book, NAMES.rows) ?? { sheet: SHEETS.form, top: FORM.firstRow, left: 1, bottom: FORM.firstRow + (answers.right - answers.left), right: 11 };
  const slots = Math.min(answers.right - answers.left, rows.bottom - rows.top) + 1;
  const rowOf = new Map<string, number>();
  for (let r = ids.top; r <= ids.bottom; r++) {
    const id = text(book, ids.sheet, `${colLetter(ids.left)}${r}`);
    if (id && !rowOf.has(id)) rowOf.set(id, answers.top + (r - ids.top));
  }
  const seqCell = (slot: number) => text(book, rows.sheet, `${colLetter(rows.left)}${rows.top + slot}`);
  // As the reader does: a slot is a project when any 申报表 field besides 序号, or any answer, is filled (templates
  // come with 序号 pre-filled); its 序号 is the cell's, or the slot's position when the cell is blank.
  const hasContent = (slot: number) => {
    for (let c = rows.left + 1; c <= rows.right; c++) if (text(book, rows.sheet, `${colLetter(c)}${rows.top + slot}`)) return true;
    for (let r = answers.top; r <= answers.bottom; r++) if (text(book, answers.sheet, `${colLetter(answers.left + slot)}${r}`)) return true;
    return false;
  };
  const projects = new Map<number, number>();
  for (let s = 0; s < slots; s++) {
    if (!hasContent(s)) continue;
    const seq = seqCell(s) === '' ? s + 1 : Number(seqCell(s));
    if (!projects.has(seq)) projects.set(seq, s);
  }
  const slotOf = (seq: number) => projects.get(seq);
  return marks.map((m) => {
    const row = rowOf.get(m.criterion);
    const slot = slotOf(m.seq);
    return row === undefined || slot === undefined ? undefined : { sheet: answers.sheet, cell: `${colLetter(answers.left + slot)}${row}` };
  });
}

/** The marks as issues on their cells (a mark that cannot be placed is still listed, without a cell). */
export function answerMarkIssues(xlsx: Uint8Array, marks: readonly AnswerMark[]): Issue[] {
  if (!marks.length) return [];
  const book = openXlsx(xlsx);
  const places = book ? locateAnswerCells(book, marks) : marks.map(() => undefined);
  return marks.map((m, i) => ({
    severity: 'error' as const,
    ...(places[i] ? { sheet: places[i]!.sheet, cell: places[i]!.cell } : { sheet: SHEETS.answers }),
    field: `projects.${m.seq - 1}.answers.${m.criterion}`,
    message: m.message,
  }));
}
