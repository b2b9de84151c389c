/**
 * The unit workbook contract: sheet names, defined names and where every value lives. The builder, the parser and
 * the add-in's Office.js adapter all import this module, so they cannot drift apart. Browser-safe like all of core/
 * outside core/node/ (the task pane bundles it; eslint refuses Node imports here).
 */
import type { Rubric } from '../rubric';
import type { IssuePath, Locator } from '../issues';
import { DISTRICTS } from '../districts';
import { excerpt } from '../text';
import { absRef, colLetter, type Area } from '../ooxml/address';
import { DEFAULT_LIMITS } from '../limits';

export const WORKBOOK_SCHEMA = 'redsite.workbook/1';
export const DEFAULT_PROJECTS = 10;

/** Why a project count cannot be used: the server's answer and the forms' are the same words. */
export const projectCountMessage = (got?: unknown): string =>
  `项目数须为 1 到 ${DEFAULT_LIMITS.projects} 之间的整数${got === undefined ? '' : `（收到 ${excerpt(String(got), 20)}）`}`;

/**
 * The number of project columns a person asked for in a form field (dashboard and task pane): the default when blank;
 * a number outside 1 and the cap, or not a whole number, is said back to them, never changed silently.
 */
export function projectCountInput(value: string): { projects: number } | { error: string } {
  const text = value.trim();
  if (!text) return { projects: DEFAULT_PROJECTS };
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 && n <= DEFAULT_LIMITS.projects ? { projects: n } : { error: projectCountMessage(text) };
}

export const SHEETS = {
  guide: '填报说明',
  form: '申报表',
  answers: '细则自评',
  notes: '佐证说明',
  summary: '得分汇总',
  meta: '_meta',
} as const;

/** Workbook-level defined names: the stable way for every reader (ours and other tools) to find the data. */
export const NAMES = {
  rows: 'rs_rows',
  ids: 'rs_ids',
  answers: 'rs_answers',
  notes: 'rs_notes',
  total: 'rs_total',
  max: 'rs_max',
  rate: 'rs_rate',
  met: 'rs_met',
  completion: 'rs_completion',
  unit: 'rs_unit',
  district: 'rs_district',
  contact: 'rs_contact',
  phone: 'rs_phone',
  date: 'rs_date',
  options: 'rs_options',
  districts: 'rs_districts',
} as const;

/** The 附件2 level-1 headers, in the notice's order. */
export const FORM_HEADERS = ['序号', '企业名称', '项目情况（包括地址、建设规模等）', '负责人', '联系电话', '开竣工日期'] as const;

export type ProjectField = 'seq' | 'enterprise' | 'projectName' | 'address' | 'scale' | 'leader' | 'phone' | 'startDate' | 'endDate' | 'district' | 'remark';

/** 申报表 columns: level-1 header, level-2 header (when split) and the Submission field. */
export const FORM_COLUMNS: ReadonlyArray<{ col: string; field: ProjectField; header: string; sub?: string; width: number }> = [
  { col: 'A', field: 'seq', header: '序号', width: 10 }, // also holds the 填报单位 label
  { col: 'B', field: 'enterprise', header: '企业名称', width: 24 },
  { col: 'C', field: 'projectName', header: FORM_HEADERS[2], sub: '项目名称', width: 24 },
  { col: 'D', field: 'address', header: FORM_HEADERS[2], sub: '项目地址', width: 26 },
  { col: 'E', field: 'scale', header: FORM_HEADERS[2], sub: '建设规模', width: 24 },
  { col: 'F', field: 'leader', header: '负责人', width: 10 },
  { col: 'G', field: 'phone', header: '联系电话', width: 16 },
  { col: 'H', field: 'startDate', header: '开竣工日期', sub: '开工日期', width: 13 },
  { col: 'I', field: 'endDate', header: '开竣工日期', sub: '竣工日期', width: 13 },
  { col: 'J', field: 'district', header: '项目所在旗县区', width: 16 },
  { col: 'K', field: 'remark', header: '备注', width: 20 },
];

export type ReporterField = 'unit' | 'district' | 'contact' | 'phone' | 'date';

/** Reporter block above the table (row 3): label cell and value cell. */
export const REPORTER_CELLS: ReadonlyArray<{ field: ReporterField; label: string; labelCell: string; cell: string; name: string }> = [
  { field: 'unit', label: '填报单位', labelCell: 'A3', cell: 'B3', name: NAMES.unit },
  { field: 'district', label: '所属旗县区', labelCell: 'D3', cell: 'E3', name: NAMES.district },
  { field: 'contact', label: '联系人', labelCell: 'F3', cell: 'G3', name: NAMES.contact },
  { field: 'phone', label: '联系电话', labelCell: 'H3', cell: 'I3', name: NAMES.phone },
  { field: 'date', label: '填报日期', labelCell: 'J3', cell: 'K3', name: NAMES.date },
];

export const FORM = {
  titleRow: 1,
  hintRow: 2,
  reporterRow: 3,
  header1Row: 5,
  header2Row: 6,
  firstRow: 7,
  lastCol: 'K',
} as const;

/** 细则自评 and 佐证说明 share this shape: one row per criterion, one column per project. */
export const GRID = {
  titleRow: 1,
  hintRow: 2,
  headerRow: 3,
  firstRow: 4,
  idCol: 'A',
  sectionCol: 'B',
  groupCol: 'C',
  textCol: 'D',
  /** 1-based column number of project 1's column (E). */
  firstProjectCol: 5,
} as const;

/** 得分汇总: one column per project starting at B, one row per measure. */
export const SUMMARY = {
  titleRow: 1,
  hintRow: 2,
  headerRow: 3,
  totalRow: 4,
  maxRow: 5,
  rateRow: 6,
  completionRow: 7,
  metRow: 8,
  /** First 版块 row; sections follow in rubric order, then the groups. */
  firstSectionRow: 9,
  firstProjectCol: 2,
} as const;

export const META_KEYS = ['schema', 'rubricEdition', 'rubricHash', 'submissionId', 'generatedAt', 'projects'] as const;
export type MetaKey = (typeof META_KEYS)[number];
/** _meta: key in column A, value in column B from row 1; the option and district lists in columns D and E. */
export const META = { keyCol: 'A', valueCol: 'B', optionsCol: 'D', districtsCol: 'E' } as const;

export function formRow(slot: number): number {
  return FORM.firstRow + slot;
}

export function formCell(slot: number, field: ProjectField): string {
  const col = FORM_COLUMNS.find((c) => c.field === field)!.col;
  return `${col}${formRow(slot)}`;
}

export function gridCol(slot: number): string {
  return colLetter(GRID.firstProjectCol + slot);
}

export function gridCell(criterionIndex: number, slot: number): string {
  return `${gridCol(slot)}${GRID.firstRow + criterionIndex}`;
}

export function summaryCol(slot: number): string {
  return colLetter(SUMMARY.firstProjectCol + slot);
}

/** Every defined name of a workbook with `projects` project slots, as name → reference. */
export function definedNames(rubric: Rubric, projects: number): Record<string, string> {
  const lastCriterionRow = GRID.firstRow + rubric.criteria.length - 1;
  const lastGridCol = gridCol(projects - 1);
  const lastSummaryCol = summaryCol(projects - 1);
  const summaryRow = (row: number) => absRef(SHEETS.summary, `${summaryCol(0)}${row}`, `${lastSummaryCol}${row}`);
  const names: Record<string, string> = {
    [NAMES.rows]: absRef(SHEETS.form, `A${FORM.firstRow}`, `${FORM.lastCol}${formRow(projects - 1)}`),
    [NAMES.ids]: absRef(SHEETS.answers, `${GRID.idCol}${GRID.firstRow}`, `${GRID.idCol}${lastCriterionRow}`),
    [NAMES.answers]: absRef(SHEETS.answers, `${gridCol(0)}${GRID.firstRow}`, `${lastGridCol}${lastCriterionRow}`),
    [NAMES.notes]: absRef(SHEETS.notes, `${gridCol(0)}${GRID.firstRow}`, `${lastGridCol}${lastCriterionRow}`),
    [NAMES.total]: summaryRow(SUMMARY.totalRow),
    [NAMES.max]: summaryRow(SUMMARY.maxRow),
    [NAMES.rate]: summaryRow(SUMMARY.rateRow),
    [NAMES.completion]: summaryRow(SUMMARY.completionRow),
    [NAMES.met]: summaryRow(SUMMARY.metRow),
    [NAMES.options]: absRef(SHEETS.meta, `${META.optionsCol}1`, `${META.optionsCol}${rubric.options.length}`),
    [NAMES.districts]: absRef(SHEETS.meta, `${META.districtsCol}1`, `${META.districtsCol}${DISTRICTS.length}`),
  };
  for (const r of REPORTER_CELLS) names[r.name] = absRef(SHEETS.form, r.cell);
  return names;
}

/** The top-left cell of an area a reader read: the first project row of 申报表, the first criterion's project-1 cell. */
export interface AreaOrigin {
  sheet: string;
  top: number;
  left: number;
}

/**
 * Where a workbook's areas were found (from its defined names, which move with inserted or deleted rows and columns),
 * for a locator to name the cells that were read; the contract's positions when not given.
 */
export interface LocatorAreas {
  form: AreaOrigin;
  answers: AreaOrigin;
  notes?: AreaOrigin;
  /** The row of each criterion below the answers' top (0 for the first), as read from the ID column. */
  criterionRow?: (id: string) => number | undefined;
  reporter?: Partial<Record<ReporterField, { sheet: string; cell?: string }>>;
}

const CONTRACT_AREAS: LocatorAreas = {
  form: { sheet: SHEETS.form, top: FORM.firstRow, left: 1 },
  answers: { sheet: SHEETS.answers, top: GRID.firstRow, left: GRID.firstProjectCol },
  notes: { sheet: SHEETS.notes, top: GRID.firstRow, left: GRID.firstProjectCol },
};

/**
 * Where to fix a field. `slots[i]` is the template slot (0-based row/column) that project i of the Submission came
 * from, since empty slots are skipped when reading; `areas` where the reader found the workbook's areas.
 */
export function makeLocator(rubric: Rubric, slots: readonly number[], areas: LocatorAreas = CONTRACT_AREAS): Locator {
  const { form, answers } = areas;
  const notes = areas.notes ?? { ...CONTRACT_AREAS.notes!, top: answers.top, left: answers.left };
  return (path: IssuePath) => {
    const [head, index, field, key] = path;
    if (head === 'reporter') {
      const r = REPORTER_CELLS.find((c) => c.field === index) ?? REPORTER_CELLS[0]!;
      return areas.reporter?.[r.field] ?? { sheet: form.sheet, cell: r.cell };
    }
    if (head === 'projects' && typeof index === 'number') {
      const slot = slots[index] ?? index;
      if (field === 'answers' || field === 'notes') {
        const at = field === 'answers' ? answers : notes;
        const col = colLetter(at.left + slot);
        const c = typeof key === 'string' ? rubric.byId.get(key) : undefined;
        const row = c ? (areas.criterionRow?.(c.id) ?? c.index) : undefined;
        // An unknown criterion: the project's column header, the row above the first criterion.
        return { sheet: at.sheet, cell: row === undefined ? `${col}${at.top - 1}` : `${col}${at.top + row}` };
      }
      const i = FORM_COLUMNS.findIndex((c) => c.field === field);
      return { sheet: form.sheet, cell: `${colLetter(form.left + Math.max(i, 0))}${form.top + slot}` };
    }
    if (head === 'projects') return { sheet: form.sheet, cell: `${colLetter(form.left)}${form.top}` };
    if (head === 'rubric' || head === 'submissionId' || head === 'schema') return { sheet: SHEETS.guide };
    return undefined;
  };
}

export const CONTRACT_MSG = {
  shape: (name: string, ref: string, expected: string) =>
    `工作簿名称 ${name} 指向的区域（${excerpt(ref, 60)}）与申报工作簿不符：应为${expected}。请使用联盟下发的申报工作簿，不要在名称管理器中修改 rs_ 开头的名称`,
  projects: (n: number, max: number) => `工作簿声明了 ${n} 个项目，超过上限 ${max} 个：请使用联盟下发的申报工作簿（最多 ${max} 个项目）`,
  noSheet: (name: string) => `找不到工作表《${name}》：请不要重命名或删除申报工作簿中的工作表`,
  /** A table whose name no longer points at cells (its rows deleted: #REF!) or is missing, and whose header is not found either. */
  tableGone: (sheet: string, name: string, what: string, deleted: boolean) =>
    `《${sheet}》中找不到${what}：${deleted ? `工作簿名称 ${name} 指向的单元格已被删除（可能删除了整个表格的行或列）` : `工作簿中没有名称 ${name}`}，原来的表头也找不到了。` +
    `请撤销刚才的删除；或重新下载申报工作簿，把内容复制过去后再试`,
  /** A criterion grid's name (rs_answers, rs_ids, rs_notes) spans more or fewer rows than criteria: a row inserted or deleted inside. */
  gridRows: (name: string, area: Area, criteria: number) =>
    `《${area.sheet}》的细则表格（工作簿名称 ${name}：第 ${area.top} 至 ${area.bottom} 行，共 ${area.bottom - area.top + 1} 行）应为 ${criteria} 行，每条细则一行：` +
    `可能在表格中插入或删除了整行。请撤销刚才的插入或删除后再试（不适用的细则请选“不适用”，不要删除它的行）`,
  /** rs_rows longer than the most projects a workbook may hold: rows inserted inside the table. */
  formRows: (area: Area, max: number) =>
    `《${area.sheet}》的项目表格（工作簿名称 ${NAMES.rows}：第 ${area.top} 至 ${area.bottom} 行，共 ${area.bottom - area.top + 1} 行）超过了 ${max} 行：` +
    `可能在表格中插入了整行。请撤销刚才的插入后再试`,
  /** A name that now points at several areas (Excel or another program split it around inserted cells). */
  split: (name: string, ref: string) =>
    `工作簿名称 ${name} 指向的区域被分成了几块（${excerpt(ref, 60)}）：可能在表格中插入或删除了整行或整列。请撤销刚才的操作后再试`,
  /** rs_notes and rs_answers no longer have one column per project each. */
  notesUnpaired: (notes: Area, answers: Area) =>
    `《${notes.sheet}》的项目列（工作簿名称 ${NAMES.notes}：${colLetter(notes.left)} 至 ${colLetter(notes.right)} 列，共 ${notes.right - notes.left + 1} 列）与` +
    `《${answers.sheet}》的项目列（${NAMES.answers}：${colLetter(answers.left)} 至 ${colLetter(answers.right)} 列，共 ${answers.right - answers.left + 1} 列）数目不同：` +
    `可能在其中一张表的项目列中插入或删除了整列。每个项目在两张表中各占一列，请撤销刚才的插入或删除后再试`,
  /** rs_rows and rs_answers no longer pair one project row with one answer column: a row or column inserted or deleted inside. */
  unpaired: (rows: Area, answers: Area) =>
    `《${rows.sheet}》的项目行（工作簿名称 ${NAMES.rows}：第 ${rows.top} 至 ${rows.bottom} 行，共 ${rows.bottom - rows.top + 1} 行）与` +
    `《${answers.sheet}》的项目列（${NAMES.answers}：${colLetter(answers.left)} 至 ${colLetter(answers.right)} 列，共 ${answers.right - answers.left + 1} 列）数目不同：` +
    `可能在项目表格中插入或删除了整行，或在《${answers.sheet}》的项目列中插入或删除了整列。每个项目在《${rows.sheet}》占一行、在《${answers.sheet}》占一列，请撤销刚才的插入或删除后再试`,
} as const;

/**
 * The shape every contract name must have before any cell is read: on its sheet, one row per criterion, at most
 * `maxProjects` project columns (or rows on 申报表), single reporter cells. A wrong shape is one cheap refusal
 * instead of a parse over a million cells. Names the readers do not use (scores, lists) are not checked.
 */
export function nameShapeProblem(name: string, ref: string, area: Area, criteria: number, maxProjects: number): string | undefined {
  const rows = area.bottom - area.top + 1;
  const cols = area.right - area.left + 1;
  const at = (sheet: string) => `《${sheet}》中`;
  const grid = (sheet: string) => ({ ok: area.sheet === sheet && rows === criteria && cols >= 1 && cols <= maxProjects, expected: `${at(sheet)} ${criteria} 行 × 1 至 ${maxProjects} 列的区域` });
  // Only the row count of a grid is off by what a person inserts or deletes (right sheet, right columns), or the
  // project table is somewhat too long: rows were inserted or deleted inside it, not the name edited; said so. A name
  // stretched over thousands of rows was not made by Excel that way: the general refusal below.
  const gridName = name === NAMES.answers ? SHEETS.answers : name === NAMES.notes ? SHEETS.notes : name === NAMES.ids ? SHEETS.answers : undefined;
  const gridCols = name === NAMES.ids ? cols === 1 : cols >= 1 && cols <= maxProjects;
  if (gridName && area.sheet === gridName && gridCols && rows !== criteria && rows <= 2 * criteria) return CONTRACT_MSG.gridRows(name, area, criteria);
  if (name === NAMES.rows && area.sheet === SHEETS.form && cols === FORM_COLUMNS.length && rows > maxProjects && rows <= 2 * maxProjects) return CONTRACT_MSG.formRows(area, maxProjects);
  let check: { ok: boolean; expected: string } | undefined;
  if (name === NAMES.answers) check = grid(SHEETS.answers);
  else if (name === NAMES.notes) check = grid(SHEETS.notes);
  else if (name === NAMES.ids) check = { ok: area.sheet === SHEETS.answers && rows === criteria && cols === 1, expected: `${at(SHEETS.answers)} ${criteria} 行 × 1 列的编号列` };
  else if (name === NAMES.rows) check = { ok: area.sheet === SHEETS.form && cols === FORM_COLUMNS.length && rows >= 1 && rows <= maxProjects, expected: `${at(SHEETS.form)} 1 至 ${maxProjects} 行 × ${FORM_COLUMNS.length} 列的区域` };
  else if (REPORTER_CELLS.some((r) => r.name === name)) check = { ok: area.sheet === SHEETS.form && rows === 1 && cols === 1, expected: `${at(SHEETS.form)}的一个单元格` };
  return check && !check.ok ? CONTRACT_MSG.shape(name, ref, check.expected) : undefined;
}
