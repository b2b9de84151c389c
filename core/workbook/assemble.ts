/**
 * The one reader of a unit workbook's contents. Given where the areas are (found by locate.ts from the workbook's
 * defined names, for the XML reader, parse.ts over xlsx-cells.ts, and for the add-in through Office.js alike) and a
 * way to look at a cell, it builds the draft Submission, validates it and scores it; its issues name the cells read.
 * Values only: formulas in input cells are issues, and scores are recomputed from the answers.
 */
import { ANSWER_OPTIONS, rubricForEdition, type AnswerOption } from '../rubric';
import { blankAnswerIssues, capIssues, makeIssue, validateSubmission, type Issue } from '../issues';
import { scoreProject } from '../score';
import { SUBMISSION_SCHEMA_ID } from '../schema';
import { MSG } from '../messages';
import { cleanText, excerpt } from '../text';
import { FORM_COLUMNS, GRID, REPORTER_CELLS, SHEETS, makeLocator, type ProjectField, type ReporterField } from './contract';
import { colLetter, colNumber } from '../ooxml/address';
import { interpretCell, type CellKind, type RawCell } from './cells';
import { rejected, summarize, type ParseResult, type ReporterPlace } from './result';

export const READ_MSG = {
  formula: (label: string) => `${label}单元格里是公式，请直接填写内容（系统不读取公式）`,
  unknownId: (id: string, sheet: string = SHEETS.answers, col = GRID.idCol as string) => `《${sheet}》${col} 列的编号 ${excerpt(id, 20)} 不在评分细则中：请不要修改编号列`,
  missingId: (id: string) => `《细则自评》中缺少细则 ${id} 所在的行：请使用联盟下发的申报工作簿`,
  hashDiffers: (edition: string) => `工作簿中的细则文字与系统中的 ${edition} 版不完全一致，已按细则编号读取`,
  noEdition: '工作簿缺少评分细则版本信息（隐藏的 _meta 表）：请使用联盟下发的申报工作簿',
  padded: (id: string, option: string) =>
    `细则 ${id} 的自评“${option}”前后有空格（可能是全角空格）：工作簿自带的得分公式不计入这样的答案，系统也不计分。请删除空格，或从下拉列表重新选择“${option}”`,
} as const;

export interface Grid {
  name: string;
  cell(address: string): RawCell;
  /**
   * True only when no cell at all stands in column `col` (1-based) from row `top` to row `bottom`: every cell there
   * reads as blank, so the assembler need not look them up one by one. A reader that cannot tell leaves it out.
   */
  emptyIn?(col: number, top: number, bottom: number): boolean;
}

export interface Area {
  grid: Grid;
  top: number;
  left: number;
  bottom: number;
  right: number;
}

export interface UnitLayout {
  meta: Record<string, string>;
  form: Area;
  answers: Area;
  notes?: Area;
  /** Where each reporter field is (defined name or the contract's cell). */
  reporter: Partial<Record<ReporterField, { grid: Grid; address: string }>>;
  /** The ID column, one row per answer row (rs_ids); column A of the answers' rows when not given. */
  ids?: Area;
  source: 'xlsx' | 'addin';
}

const DATE_FIELDS = new Set<string>(['startDate', 'endDate', 'date']);
const kindOf = (field: ProjectField | ReporterField): CellKind =>
  field === 'phone' ? 'phone' : DATE_FIELDS.has(field) ? 'date' : field === 'seq' ? 'int' : 'text';

export function assembleUnit(layout: UnitLayout): ParseResult {
  const { meta, form, answers, notes } = layout;
  const edition = meta.rubricEdition;
  if (!edition) return rejected(READ_MSG.noEdition);
  const rubric = rubricForEdition(edition);
  if (!rubric) return rejected(MSG.edition(edition), 'rubric.edition');
  const cellIssues: Issue[] = [];
  if (meta.rubricHash && meta.rubricHash !== rubric.hash) {
    cellIssues.push({ severity: 'warning', sheet: SHEETS.answers, field: 'rubric.hash', message: READ_MSG.hashDiffers(edition) });
  }
  // Cells holding a formula: their own issue says so, “请填写…” on the same cell would only confuse.
  const formulaCells = new Set<string>();
  /**
   * One cell's value; `field` is the Submission path it fills (projects.2.phone), named in its issues. A year and
   * month that Excel stored as a number in a date cell stays that number: the date schema tells it apart (MSG.dateNumber).
   */
  const read = (grid: Grid, address: string, kind: CellKind, label: string, field: string): string | number => {
    const r = interpretCell(grid.cell(address), kind);
    if (r.formula) {
      cellIssues.push({ severity: 'error', sheet: grid.name, cell: address, field, message: READ_MSG.formula(label) });
      formulaCells.add(`${grid.name}!${address}`);
    }
    if (r.numericPhone) cellIssues.push({ severity: 'warning', sheet: grid.name, cell: address, field, message: MSG.phoneNotText(label) });
    return r.monthNumber ?? r.value;
  };

  const reporter: Record<string, string | number> = {};
  const places: Partial<Record<ReporterField, ReporterPlace>> = {};
  for (const r of REPORTER_CELLS) {
    const at = layout.reporter[r.field] ?? { grid: form.grid, address: r.cell };
    reporter[r.field] = read(at.grid, at.address, kindOf(r.field), r.label, `reporter.${r.field}`);
    places[r.field] = { sheet: at.grid.name, cell: at.address };
  }

  // Criterion of each answer row, read from the ID column (never assumed from the order).
  const ids: Pick<Area, 'grid' | 'top' | 'left'> = layout.ids ?? { grid: answers.grid, top: answers.top, left: colNumber(GRID.idCol) };
  const idGrid = ids.grid;
  const idCol = colLetter(ids.left);
  const rowIds: Array<string | undefined> = [];
  for (let i = 0; i <= answers.bottom - answers.top; i++) {
    const address = `${idCol}${ids.top + i}`;
    const id = cleanText(interpretCell(idGrid.cell(address)).value);
    if (!rubric.byId.has(id)) {
      cellIssues.push({ severity: 'error', sheet: idGrid.name, cell: address, field: 'rs_ids', message: READ_MSG.unknownId(id || '（空）', idGrid.name, idCol) });
      rowIds.push(undefined);
    } else rowIds.push(id);
  }
  for (const c of rubric.criteria) {
    if (!rowIds.includes(c.id)) cellIssues.push({ severity: 'error', sheet: answers.grid.name, field: 'rs_ids', message: READ_MSG.missingId(c.id) });
  }

  const slots = answers.right - answers.left + 1;
  const projects: Array<Record<string, unknown>> = [];
  const exactAnswers: Array<Partial<Record<string, AnswerOption>>> = [];
  const usedSlots: number[] = [];
  for (let slot = 0; slot < slots; slot++) {
    const row = form.top + slot;
    // The project this slot becomes if it has content; its cells' issues name its fields (projects.<index>.<field>).
    const index = projects.length;
    const slotIssues = cellIssues.length;
    const fields: Record<string, string | number> = {};
    for (const [i, c] of FORM_COLUMNS.entries()) fields[c.field] = read(form.grid, `${colLetter(form.left + i)}${row}`, kindOf(c.field), c.sub ?? c.header, `projects.${index}.${c.field}`);
    const answerMap: Record<string, string> = {};
    // The cells holding an option's exact text: what the workbook's formulas count, and so what is scored.
    const exact: Partial<Record<string, AnswerOption>> = {};
    const noteMap: Record<string, string> = {};
    const col = colLetter(answers.left + slot);
    // A column with no cell at all (an unused project slot) gives no answers, notes or issues: not read cell by cell.
    const noAnswers = answers.grid.emptyIn?.(answers.left + slot, answers.top, answers.top + rowIds.length - 1) === true;
    const noNotes = !notes || notes.grid.emptyIn?.(notes.left + slot, notes.top, notes.top + rowIds.length - 1) === true;
    const readNote = (id: string, i: number): void => {
      if (!notes || noNotes) return;
      const n = cleanText(read(notes.grid, `${colLetter(notes.left + slot)}${notes.top + i}`, 'text', `细则 ${id} 佐证说明`, `projects.${index}.notes.${id}`));
      if (n) noteMap[id] = n;
    };
    if (!(noAnswers && noNotes)) rowIds.forEach((id, i) => {
      if (!id) return;
      if (noAnswers) return readNote(id, i);
      const address = `${col}${answers.top + i}`;
      const raw = read(answers.grid, address, 'text', `细则 ${id} 自评`, `projects.${index}.answers.${id}`);
      const a = cleanText(raw);
      if (a) answerMap[id] = a;
      // The workbook's COUNTIF formulas count only the exact option text; so does the score here. Padding
      // (“达到 ”, “\u3000不适用”) would make the workbook and the server disagree: it is an error to fix.
      const option = (ANSWER_OPTIONS as readonly string[]).includes(a);
      if (option && raw !== a) {
        cellIssues.push({ severity: 'error', sheet: answers.grid.name, cell: address, field: `projects.${index}.answers.${id}`, message: READ_MSG.padded(id, a) });
      } else if (option) exact[id] = a as AnswerOption;
      readNote(id, i);
    });
    const hasContent = FORM_COLUMNS.some((c) => c.field !== 'seq' && cleanText(fields[c.field])) || Object.keys(answerMap).length > 0;
    if (!hasContent) {
      // Not a project (a formula showing nothing in an empty row): its cells' issues name the column, not a project.
      for (const issue of cellIssues.slice(slotIssues)) issue.field = issue.field.replace(/^projects\.\d+\./, '');
      continue;
    }
    const { seq, remark, ...rest } = fields;
    projects.push({ seq: cleanText(seq) === '' ? slot + 1 : seq, ...rest, ...(cleanText(remark) ? { remark } : {}), answers: answerMap, notes: noteMap });
    exactAnswers.push(exact);
    usedSlots.push(slot);
  }

  const draft = {
    schema: SUBMISSION_SCHEMA_ID,
    submissionId: meta.submissionId,
    rubric: { edition: rubric.edition, hash: rubric.hash },
    reporter: { ...reporter, ...(cleanText(reporter.date) ? {} : { date: undefined }) },
    projects,
    source: layout.source,
  };
  // Issues name the cells read: where the names put the areas (moved by inserted or deleted rows), not the template's.
  const locate = makeLocator(rubric, usedSlots, {
    form: { sheet: form.grid.name, top: form.top, left: form.left },
    answers: { sheet: answers.grid.name, top: answers.top, left: answers.left },
    ...(notes ? { notes: { sheet: notes.grid.name, top: notes.top, left: notes.left } } : {}),
    criterionRow: (id) => {
      const i = rowIds.indexOf(id);
      return i < 0 ? undefined : i;
    },
    reporter: places,
  });
  const validation = validateSubmission(draft, rubric, locate);
  const issues = [...cellIssues, ...validation.issues.filter((i) => !formulaCells.has(`${i.sheet}!${i.cell}`))];
  projects.forEach((p, i) => {
    if (Object.keys(p.answers as object).length === 0) {
      issues.push(makeIssue(draft, ['projects', i, 'answers'], `尚未自评：请在《细则自评》第 ${colLetter(answers.left + usedSlots[i]!)} 列逐条选择`, 'warning', locate));
    }
  });
  issues.push(...blankAnswerIssues(projects.map((p) => ({ seq: cleanText(p.seq as string) || '?', answers: p.answers as Record<string, unknown> })), rubric, locate));
  // Scored exactly as the workbook's formulas count: only cells holding an option's exact text.
  const scores = exactAnswers.map((a) => scoreProject(a, rubric));
  const hasError = issues.some((i) => i.severity === 'error');
  return { kind: 'unit', ...(validation.submission && !hasError ? { submission: validation.submission } : {}), scores, issues: capIssues(issues), projects: summarize(projects), places };
}

