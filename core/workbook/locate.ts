/**
 * Where a unit workbook's areas are, found the one way every reader finds them: from the workbook's defined names
 * (rs_rows, rs_answers, … — Excel moves them with the cells when rows or columns are inserted or deleted), and only
 * where a name is missing (a program dropped it) or its cells were deleted (#REF!), at the contract's positions found
 * by their headers. The XML reader (core/node/workbook/parse.ts, over a file) and the task pane (addin/src/excel-adapter.ts,
 * over Office.js) both plan and locate here, so they read the same cells and name the same addresses.
 *
 * Two steps, because the task pane fetches cells asynchronously: `planUnit` decides from _meta and the names alone
 * which rectangles will be read (`reads`); `locateUnit` then finds the areas in those cells.
 */
import { rubricForEdition, type Rubric } from '../rubric';
import { MSG } from '../messages';
import { cleanText } from '../text';
import { colLetter, colNumber, parseRange, type Area as Rect } from '../ooxml/address';
import { CONTRACT_MSG, DEFAULT_PROJECTS, FORM_COLUMNS, GRID, NAMES, REPORTER_CELLS, SHEETS, nameShapeProblem } from './contract';
import { interpretCell } from './cells';
import { READ_MSG, type Area, type Grid, type UnitLayout } from './assemble';
import { rejected, type ParseResult } from './result';

/** Rows searched for a header when a name is missing. */
export const HEADER_SEARCH_ROWS = 30;
/** Rows of _meta read for its keys. */
export const META_ROWS = 50;

/** The defined names a reader uses, in the order their shapes are checked. */
export const READ_NAMES: readonly string[] = [NAMES.rows, NAMES.ids, NAMES.answers, NAMES.notes, ...REPORTER_CELLS.map((r) => r.name)];

/** What a reader knows before it reads cells: the rubric, where each usable name points, how many project slots. */
export interface UnitPlan {
  rubric: Rubric;
  /** Each name of READ_NAMES that points at cells. A name absent, or whose cells were deleted (#REF!), is not here. */
  named: ReadonlyMap<string, Rect>;
  /** Names present in the workbook whose cells were deleted (their reference no longer parses: #REF!). */
  broken: ReadonlySet<string>;
  slots: number;
  /** The rectangles `locateUnit` will look at: the named areas, or where the fallbacks search. */
  reads: Rect[];
}

/**
 * The plan from _meta and the workbook's names (name → reference as the file or Office.js gives it:
 * `'申报表'!$A$7:$K$16`, `申报表!A7:K16`, `'申报表'!#REF!`); a refusal when the edition is unknown, a name's shape is
 * not the contract's, or the project rows and columns do not pair up.
 */
export function planUnit(meta: Readonly<Record<string, string>>, refs: ReadonlyMap<string, string>, maxProjects: number): UnitPlan | ParseResult {
  const edition = meta.rubricEdition;
  if (!edition) return rejected(READ_MSG.noEdition);
  const rubric = rubricForEdition(edition);
  if (!rubric) return rejected(MSG.edition(edition), 'rubric.edition');
  const named = new Map<string, Rect>();
  const broken = new Set<string>();
  for (const name of READ_NAMES) {
    const ref = refs.get(name);
    if (ref === undefined) continue;
    // Several areas (A4:G9,A11:G59): split around inserted cells, not deleted (#REF!).
    if (ref.replace(/'[^']*'/g, '').includes(',')) return rejected(CONTRACT_MSG.split(name, ref), 'names');
    const area = parseRange(ref);
    if (!area) {
      broken.add(name);
      continue;
    }
    const problem = nameShapeProblem(name, ref, area, rubric.criteria.length, maxProjects);
    if (problem) return rejected(problem, 'names');
    named.set(name, area);
  }
  const rows = named.get(NAMES.rows);
  const answers = named.get(NAMES.answers);
  if (rows && answers && rows.bottom - rows.top !== answers.right - answers.left) {
    return rejected(CONTRACT_MSG.unpaired(rows, answers), 'names');
  }
  const notes = named.get(NAMES.notes);
  if (notes && answers && notes.right - notes.left !== answers.right - answers.left) {
    return rejected(CONTRACT_MSG.notesUnpaired(notes, answers), 'names');
  }
  const declared = Number(meta.projects);
  if (!answers && Number.isInteger(declared) && declared > maxProjects) return rejected(CONTRACT_MSG.projects(declared, maxProjects), 'names');
  const slots = answers ? answers.right - answers.left + 1 : Number.isInteger(declared) && declared > 0 ? declared : DEFAULT_PROJECTS;
  return { rubric, named, broken, slots, reads: reads(named, rubric, slots) };
}

/** Where the form's header search looks, and the rows it then reads. */
const formSearch = (slots: number): Rect => ({ sheet: SHEETS.form, top: 1, left: 1, bottom: HEADER_SEARCH_ROWS + 1 + slots, right: FORM_COLUMNS.length });
/** Where a criterion grid's search for the first ID looks, and the rows and project columns it then reads. */
const gridSearch = (sheet: string, rubric: Rubric, slots: number): Rect => ({
  sheet, top: 1, left: 1, bottom: HEADER_SEARCH_ROWS + rubric.criteria.length - 1, right: GRID.firstProjectCol + slots - 1,
});

function reads(named: ReadonlyMap<string, Rect>, rubric: Rubric, slots: number): Rect[] {
  const out: Rect[] = [named.get(NAMES.rows) ?? formSearch(slots)];
  for (const r of REPORTER_CELLS) {
    const at = named.get(r.name);
    const cell = parseRange(`${SHEETS.form}!${r.cell}`)!;
    out.push(at ?? cell);
  }
  const answers = named.get(NAMES.answers);
  out.push(answers ?? gridSearch(SHEETS.answers, rubric, slots));
  const ids = named.get(NAMES.ids);
  if (ids) out.push(ids);
  else if (answers) out.push({ sheet: answers.sheet, top: answers.top, left: colNumber(GRID.idCol), bottom: answers.bottom, right: colNumber(GRID.idCol) });
  out.push(named.get(NAMES.notes) ?? gridSearch(SHEETS.notes, rubric, slots));
  return out;
}

/** The cells `locateUnit` looks at: a sheet's grid (undefined when the workbook has no such sheet). */
export interface UnitCells {
  grid(sheet: string): Grid | undefined;
}

function text(grid: Grid, address: string): string {
  return cleanText(interpretCell(grid.cell(address)).value);
}

/** The areas of the plan in the workbook's cells, ready for assembleUnit; a refusal when the 申报 table or grid is gone. */
export function locateUnit(plan: UnitPlan, cells: UnitCells, source: UnitLayout['source'], meta: Record<string, string>): UnitLayout | ParseResult {
  const { rubric, named, slots } = plan;
  const area = (name: string): Area | undefined => {
    const r = named.get(name);
    const grid = r ? cells.grid(r.sheet) : undefined;
    return r && grid ? { grid, top: r.top, left: r.left, bottom: r.bottom, right: r.right } : undefined;
  };
  // The rows after the two header rows that start with 序号 / 企业名称.
  const findForm = (): Area | undefined => {
    const grid = cells.grid(SHEETS.form);
    if (!grid) return undefined;
    for (let r = 1; r <= HEADER_SEARCH_ROWS; r++) {
      if (text(grid, `A${r}`) === '序号' && text(grid, `B${r}`) === '企业名称') return { grid, top: r + 2, left: 1, bottom: r + 1 + slots, right: FORM_COLUMNS.length };
    }
    return undefined;
  };
  // The rows from the first criterion's ID in column A.
  const findGrid = (sheet: string): Area | undefined => {
    const grid = cells.grid(sheet);
    if (!grid) return undefined;
    for (let r = 1; r <= HEADER_SEARCH_ROWS; r++) {
      if (text(grid, `${GRID.idCol}${r}`) === rubric.criteria[0]!.id) {
        return { grid, top: r, left: GRID.firstProjectCol, bottom: r + rubric.criteria.length - 1, right: GRID.firstProjectCol + slots - 1 };
      }
    }
    return undefined;
  };
  const gone = (sheet: string, name: string, what: string) =>
    rejected(cells.grid(sheet) ? CONTRACT_MSG.tableGone(sheet, name, what, plan.broken.has(name)) : CONTRACT_MSG.noSheet(sheet));
  const form = area(NAMES.rows) ?? findForm();
  if (!form) return gone(SHEETS.form, NAMES.rows, '项目表格（表头“序号”“企业名称”）');
  const answers = area(NAMES.answers) ?? findGrid(SHEETS.answers);
  if (!answers) return gone(SHEETS.answers, NAMES.answers, `细则表格（A 列的细则编号 ${rubric.criteria[0]!.id} 起）`);
  const notes = area(NAMES.notes) ?? findGrid(SHEETS.notes);
  const reporter: UnitLayout['reporter'] = {};
  for (const r of REPORTER_CELLS) {
    const at = area(r.name);
    if (at) reporter[r.field] = { grid: at.grid, address: `${colLetter(at.left)}${at.top}` };
  }
  const ids = area(NAMES.ids);
  return { meta, form, answers, ...(notes ? { notes } : {}), reporter, ...(ids ? { ids } : {}), source };
}

export function isRejected(x: UnitPlan | UnitLayout | ParseResult): x is ParseResult {
  return 'kind' in x;
}
