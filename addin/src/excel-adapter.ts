/**
 * The only place that talks to Office.js: reads the unit workbook's cells where its defined names point, as the
 * server reads the file (core/workbook/locate.ts), into the core's reader (assembleUnit); inserts the template,
 * selects a cell, watches edits, and writes the 本区汇总 sheet. Everything else — validation, scoring, messages —
 * comes from core/.
 */
import { assembleUnit, type Grid } from '../../core/workbook/assemble';
import { GRID, META, NAMES, SHEETS, formRow } from '../../core/workbook/contract';
import { META_ROWS, READ_NAMES, isRejected, locateUnit, planUnit } from '../../core/workbook/locate';
import { colLetter, parseCell, parseRange } from '../../core/ooxml/address';
import { interpretCell, type RawCell } from '../../core/workbook/cells';
import type { ParseResult } from '../../core/workbook/result';
import { currentRubric } from '../../core/rubric';
import { cleanText } from '../../core/text';
import { DEFAULT_LIMITS } from '../../core/limits';

/** A message of ours about the workbook (Chinese, says what to do): shown to the user as it is. */
export class WorkbookError extends Error {}

/** Sheets of the unit workbook that are not there (yet, or any more): create the workbook, or restore the sheet. */
export class NotAUnitWorkbook extends WorkbookError {}

/** The sheets the template inserts, in its order. */
const TEMPLATE_SHEETS: string[] = [SHEETS.guide, SHEETS.form, SHEETS.answers, SHEETS.notes, SHEETS.summary, SHEETS.meta];
/** The sheets the pane cannot read a 申报 without. */
const REQUIRED_SHEETS: string[] = [SHEETS.meta, SHEETS.form, SHEETS.answers];

export const NO_WORKBOOK = '当前工作簿还没有申报表：请先点击“新建申报工作簿”';
export const sheetMissing = (name: string) => `找不到工作表《${name}》：可能被改名或删除了，请改回原名（或撤销）后再试`;

/** Which of `names` the open workbook has. */
async function present(context: Excel.RequestContext, names: string[]): Promise<Set<string>> {
  const items = names.map((n) => [n, context.workbook.worksheets.getItemOrNullObject(n)] as const);
  await context.sync();
  return new Set(items.filter(([, ws]) => !ws.isNullObject).map(([n]) => n));
}

/**
 * Why the workbook cannot be read, if it cannot: not created yet, or one of its sheets renamed / deleted. A workbook is
 * ours once it has the hidden _meta sheet or two of the template's sheets (one 申报表 alone may be the user's own).
 */
function missingProblem(have: Set<string>): NotAUnitWorkbook | undefined {
  const gone = REQUIRED_SHEETS.filter((n) => !have.has(n));
  if (gone.length === 0) return undefined;
  if (!have.has(SHEETS.meta) && have.size < 2) return new NotAUnitWorkbook(NO_WORKBOOK);
  // _meta is hidden: name a sheet the user can see first.
  const visible = gone.filter((n) => n !== SHEETS.meta);
  return new NotAUnitWorkbook(sheetMissing((visible.length ? visible : gone)[0]!));
}

/**
 * Office.js failures (OfficeExtension.Error: a `code`, a message in the host's language) in Chinese that says what to
 * do; undefined for anything else. `sheet` names the sheet the operation was about, where the caller knows it.
 */
export function officeErrorMessage(e: unknown, sheet?: string): string | undefined {
  if (!isOfficeError(e)) return undefined;
  const which = sheet ? `《${sheet}》` : '';
  switch (e.code) {
    case 'ItemNotFound':
      return sheet ? sheetMissing(sheet) : 'Excel 找不到要用的工作表或单元格：可能被改名或删除了。请把红色工地的工作表（申报表、细则自评、佐证说明等）改回原名（或撤销刚才的操作）后再试';
    case 'ItemAlreadyExists':
      return `工作簿中已经有同名的工作表${which}：请把同名的工作表改名或删除，或新建一个空白工作簿后再试`;
    case 'AccessDenied':
      return `Excel 拒绝修改${which || '工作簿'}：工作表可能受保护，或工作簿是只读的。请在“审阅”中撤销工作表保护，或把工作簿另存为可编辑的副本后再试`;
    case 'InvalidOperationInCellEditMode':
      return '有单元格正在编辑：请先按 Enter 或 Esc 结束编辑，再试一次';
    case 'InvalidArgument':
    case 'InvalidOperation':
    case 'InvalidReference':
    case 'InvalidSelection':
      return 'Excel 不接受这次操作：请先按 Enter 或 Esc 结束正在编辑的单元格，再试一次；如果一直出现，请关闭任务窗格后重新打开';
    case 'Conflict':
    case 'InsertDeleteConflict':
    case 'RequestAborted':
    case 'ActivityLimitReached':
      return 'Excel 正忙：请等片刻再试一次';
    case 'RequestPayloadSizeLimitExceeded':
    case 'ResponsePayloadSizeLimitExceeded':
    case 'RangeExceedsLimit':
    case 'OperationCellsExceedLimit':
      return '这次要处理的数据超出了 Excel 加载项的限制：请减少项目数后再试，或在看板下载申报工作簿后直接打开';
    case 'ApiNotFound':
    case 'NotImplemented':
    case 'UnsupportedOperation':
    case 'UnsupportedFeature':
      return '当前 Excel 版本不支持这项操作：请更新 Excel，或在看板下载申报工作簿、填好后上传';
    case 'GeneralException':
      return 'Excel 内部出错：请保存工作簿，关闭任务窗格后重新打开再试；如果一直出现，请重新启动 Excel';
    default:
      return undefined;
  }
}

/** An OfficeExtension.Error (its name is "RichApi.Error" in every host), by type rather than by its text. */
function isOfficeError(e: unknown): e is { code: string; message: string } {
  if (typeof OfficeExtension !== 'undefined' && typeof OfficeExtension.Error === 'function' && e instanceof OfficeExtension.Error) return true;
  return e instanceof Error && e.name === 'RichApi.Error' && typeof (e as { code?: unknown }).code === 'string';
}

/** Cells fetched through Office.js: a sheet's rectangles (values and formulas), looked up by address. */
interface Block {
  top: number;
  left: number;
  values: unknown[][];
  formulas: unknown[][];
}

function gridOf(name: string, blocks: readonly Block[]): Grid {
  return {
    name,
    cell(address: string): RawCell {
      const at = parseCell(address);
      const b = at && blocks.find((x) => at.row >= x.top && at.col >= x.left && at.row < x.top + x.values.length && at.col < x.left + (x.values[0]?.length ?? 0));
      if (!at || !b) return { value: null };
      const r = at.row - b.top;
      const c = at.col - b.left;
      const f = b.formulas[r]?.[c];
      if (typeof f === 'string' && f.startsWith('=')) return { value: null, formula: true };
      const v = b.values[r]?.[c];
      return { value: v === '' ? null : (v as RawCell['value']) };
    },
  };
}

/**
 * Where the workbook's defined names point now (Excel moves them with inserted and deleted rows and columns), as the
 * server reads them from the file: name → address (申报表!A8:K17). A name whose cells were deleted is `#REF!`; a
 * name the workbook does not have is left out. ExcelApi 1.4.
 */
async function namedRefs(context: Excel.RequestContext, names: readonly string[]): Promise<Map<string, string>> {
  const items = names.map((n) => [n, context.workbook.names.getItemOrNullObject(n)] as const);
  await context.sync();
  const ranges = items.filter(([, item]) => !item.isNullObject).map(([n, item]) => [n, item.getRangeOrNullObject()] as const);
  for (const [, r] of ranges) r.load('address');
  await context.sync();
  return new Map(ranges.map(([n, r]) => [n, r.isNullObject ? '#REF!' : r.address]));
}

/**
 * Reads the open workbook the way the server reads the file (core/workbook/locate.ts): its areas where the defined
 * names point, else found by their headers; returns what the server would say of it.
 */
export async function readUnitWorkbook(): Promise<ParseResult> {
  return Excel.run(async (context) => {
    const sheets = context.workbook.worksheets;
    const meta = sheets.getItemOrNullObject(SHEETS.meta);
    const form = sheets.getItemOrNullObject(SHEETS.form);
    const answers = sheets.getItemOrNullObject(SHEETS.answers);
    const notes = sheets.getItemOrNullObject(SHEETS.notes);
    await context.sync();
    if (meta.isNullObject || form.isNullObject || answers.isNullObject) throw missingProblem(await present(context, TEMPLATE_SHEETS)) ?? new NotAUnitWorkbook(NO_WORKBOOK);
    const metaRange = meta.getRange(`${META.keyCol}1:${META.valueCol}${META_ROWS}`);
    metaRange.load('values');
    const refs = await namedRefs(context, READ_NAMES);
    const metaValues: Record<string, string> = Object.create(null) as Record<string, string>;
    // As the server reads _meta (core/node/workbook/parse.ts readMeta).
    const text = (v: unknown) => cleanText(interpretCell({ value: v as RawCell['value'] }).value);
    for (const [k, v] of metaRange.values as unknown[][]) {
      const key = text(k);
      if (key) metaValues[key] = text(v);
    }
    const plan = planUnit(metaValues, refs, DEFAULT_LIMITS.projects);
    if (isRejected(plan)) return plan;
    const sheetOf = new Map<string, Excel.Worksheet>([[SHEETS.form, form], [SHEETS.answers, answers], ...(notes.isNullObject ? [] : [[SHEETS.notes, notes] as const])]);
    // Each rectangle the plan reads (the named areas: never the whole sheet down to a table moved far below).
    const fetched = plan.reads.flatMap((r) => {
      const ws = sheetOf.get(r.sheet);
      if (!ws) return [];
      const range = ws.getRange(`${colLetter(r.left)}${r.top}:${colLetter(r.right)}${r.bottom}`);
      range.load('values, formulas');
      return [{ sheet: r.sheet, top: r.top, left: r.left, range }];
    });
    await context.sync();
    const grids = new Map<string, Grid>();
    for (const sheet of sheetOf.keys()) {
      const blocks = fetched.filter((f) => f.sheet === sheet).map((f) => ({ top: f.top, left: f.left, values: f.range.values, formulas: f.range.formulas }));
      grids.set(sheet, gridOf(sheet, blocks));
    }
    const layout = locateUnit(plan, { grid: (sheet) => grids.get(sheet) }, 'addin', metaValues);
    return isRejected(layout) ? layout : assembleUnit(layout);
  });
}

export function canInsertSheets(): boolean {
  return Office.context.requirements.isSetSupported('ExcelApi', '1.13');
}

export function canCreateWorkbook(): boolean {
  return Office.context.requirements.isSetSupported('ExcelApi', '1.8');
}

/** Inserts the template's sheets into the open workbook (ExcelApi 1.13). */
export async function insertTemplate(base64: string): Promise<void> {
  await Excel.run(async (context) => {
    // Every sheet the template brings must be free (Excel refuses the whole insert otherwise, in its own words).
    const have = await present(context, TEMPLATE_SHEETS);
    if (have.size > 0) {
      const missing = missingProblem(have);
      if (!missing) throw new WorkbookError('当前工作簿已经有《申报表》：如需重新开始，请新建一个空白工作簿');
      if (missing.message !== NO_WORKBOOK) throw missing;
      throw new WorkbookError(`当前工作簿已经有名为《${TEMPLATE_SHEETS.find((n) => have.has(n))!}》的工作表：请把它改名，或新建一个空白工作簿后再点“新建申报工作簿”`);
    }
    context.workbook.insertWorksheetsFromBase64(base64);
    await context.sync();
    const form = context.workbook.worksheets.getItem(SHEETS.form);
    form.activate();
    form.getRange('B3').select();
    await context.sync();
  });
}

/** Opens a workbook (template or master) as a new Excel window (ExcelApi 1.8). */
export async function openWorkbook(base64: string): Promise<void> {
  await Excel.createWorkbook(base64);
}

export async function selectCell(sheet: string, cell?: string): Promise<void> {
  await Excel.run(async (context) => {
    const ws = context.workbook.worksheets.getItemOrNullObject(sheet);
    await context.sync();
    if (ws.isNullObject) throw new WorkbookError(sheetMissing(sheet));
    ws.activate();
    if (cell) ws.getRange(cell).select();
    await context.sync();
  });
}

export interface SelectedAnswer {
  sheet: string;
  cell: string;
  /** Set when the selection is a project's cell in 细则自评 or 佐证说明: the row's criterion and the column's 序号. */
  criterion?: string;
  seq?: number;
}

/**
 * The selected cell and, when it is a project's answer (or 佐证说明) cell, which criterion and project it is: found
 * where the defined names point (as the workbook is read), at the template's positions where a name is missing.
 */
export async function selectedAnswer(): Promise<SelectedAnswer | undefined> {
  return Excel.run(async (context) => {
    const range = context.workbook.getSelectedRange();
    range.load('address');
    const refs = await namedRefs(context, [NAMES.rows, NAMES.ids, NAMES.answers, NAMES.notes]);
    // The top-left cell of the (first area of the) selection: '细则自评'!F9, '细则自评'!F9:G12.
    const area = parseRange(range.address) ?? parseRange(range.address.split(',')[0]!);
    if (!area) return undefined;
    const { sheet, top: row } = area;
    const cell = `${colLetter(area.left)}${row}`;
    if (sheet !== SHEETS.answers && sheet !== SHEETS.notes) return { sheet, cell };
    const named = (name: string) => {
      const ref = refs.get(name);
      return ref ? parseRange(ref) : undefined;
    };
    const criteria = currentRubric().criteria.length;
    const grid = named(sheet === SHEETS.answers ? NAMES.answers : NAMES.notes) ?? { sheet, top: GRID.firstRow, left: GRID.firstProjectCol, bottom: GRID.firstRow + criteria - 1, right: Number.MAX_SAFE_INTEGER };
    const slot = area.left - grid.left;
    const index = row - grid.top;
    if (grid.sheet !== sheet || slot < 0 || area.left > grid.right || index < 0 || row > grid.bottom) return { sheet, cell };
    const ids = named(NAMES.ids);
    const rows = named(NAMES.rows);
    const id = ids ? context.workbook.worksheets.getItem(ids.sheet).getRange(`${colLetter(ids.left)}${ids.top + index}`) : context.workbook.worksheets.getItem(sheet).getRange(`${GRID.idCol}${row}`);
    const seq = rows ? context.workbook.worksheets.getItem(rows.sheet).getRange(`${colLetter(rows.left)}${rows.top + slot}`) : context.workbook.worksheets.getItem(SHEETS.form).getRange(`A${formRow(slot)}`);
    id.load('values');
    seq.load('values');
    await context.sync();
    const criterion = String(id.values[0]?.[0] ?? '').trim();
    const n = Number(seq.values[0]?.[0]);
    if (!currentRubric().byId.has(criterion)) return { sheet, cell };
    return { sheet, cell, criterion, seq: Number.isInteger(n) && n > 0 ? n : slot + 1 };
  });
}

/** Calls `handler` when the user selects another cell (ExcelApi 1.2). */
export async function watchSelection(handler: () => void): Promise<void> {
  await Excel.run(async (context) => {
    context.workbook.onSelectionChanged.add(async () => handler());
    await context.sync();
  });
}

/** Calls `handler` when any cell of the unit workbook changes. */
export async function watchChanges(handler: () => void): Promise<void> {
  await Excel.run(async (context) => {
    for (const name of [SHEETS.form, SHEETS.answers, SHEETS.notes]) {
      const ws = context.workbook.worksheets.getItemOrNullObject(name);
      await context.sync();
      if (!ws.isNullObject) ws.onChanged.add(async () => handler());
    }
    await context.sync();
  });
}

export const DISTRICT_SHEET = '本区汇总';

export interface DistrictRow {
  values: Array<string | number>;
}

/** Writes (or rewrites) the 本区汇总 sheet: a table, a 得分率 chart, then the units not yet submitted. */
export async function writeDistrictSheet(header: string[], rows: Array<Array<string | number>>, missing: Array<[string, string, string]>, title: string): Promise<void> {
  await Excel.run(async (context) => {
    const old = context.workbook.worksheets.getItemOrNullObject(DISTRICT_SHEET);
    await context.sync();
    if (!old.isNullObject) old.delete();
    const ws = context.workbook.worksheets.add(DISTRICT_SHEET);
    ws.getRange('A1').values = [[title]];
    ws.getRange('A1').format.font.bold = true;
    const last = colLetter(header.length);
    const table = ws.getRange(`A3:${last}${3 + rows.length}`);
    table.numberFormat = [header.map(() => '@'), ...rows.map((r) => r.map((v) => (typeof v === 'number' ? 'General' : '@')))];
    table.values = [header, ...rows];
    const head = ws.getRange(`A3:${last}3`);
    head.format.fill.color = '#C00000';
    head.format.font.color = '#FFFFFF';
    head.format.font.bold = true;
    const rateCol = colLetter(header.indexOf('得分率') + 1);
    const nameCol = colLetter(header.indexOf('项目名称') + 1);
    if (rows.length > 0) {
      ws.getRange(`${rateCol}4:${rateCol}${3 + rows.length}`).numberFormat = rows.map(() => ['0.0%']);
      const chart = ws.charts.add(Excel.ChartType.barClustered, ws.getRange(`${rateCol}3:${rateCol}${3 + rows.length}`), Excel.ChartSeriesBy.columns);
      chart.title.text = '各项目得分率';
      chart.series.getItemAt(0).setXAxisValues(ws.getRange(`${nameCol}4:${nameCol}${3 + rows.length}`));
      chart.top = 20 * (rows.length + 6);
      chart.left = 10;
    }
    const start = 5 + rows.length;
    ws.getRange(`A${start}`).values = [[missing.length ? `尚未报送的单位（${missing.length} 个）` : '名单中的单位均已报送']];
    ws.getRange(`A${start}`).format.font.bold = true;
    if (missing.length) {
      ws.getRange(`A${start + 1}:C${start + 1 + missing.length}`).values = [['单位名称', '联系人', '电话'], ...missing];
    }
    ws.getRange(`A3:${last}3`).format.autofitColumns();
    ws.activate();
    await context.sync();
  });
}

/**
 * The open workbook's bytes (Office.context.document.getFileAsync, compressed = .xlsx), where the host supports it;
 * the server keeps them as the original file. Undefined where unsupported (the Submission alone is then sent).
 */
export async function documentBytes(sliceSize = 1024 * 1024): Promise<Uint8Array | undefined> {
  const doc = Office.context.document as Office.Document | undefined;
  if (!doc || typeof doc.getFileAsync !== 'function' || !Office.context.requirements.isSetSupported('File', '1.1')) return undefined;
  const file = await new Promise<Office.File | undefined>((resolve) =>
    doc.getFileAsync(Office.FileType.Compressed, { sliceSize }, (r) => resolve(r.status === Office.AsyncResultStatus.Succeeded ? r.value : undefined)),
  );
  if (!file) return undefined;
  try {
    const slices: Uint8Array[] = [];
    for (let i = 0; i < file.sliceCount; i++) {
      const slice = await new Promise<Office.Slice | undefined>((resolve) => file.getSliceAsync(i, (r) => resolve(r.status === Office.AsyncResultStatus.Succeeded ? r.value : undefined)));
      if (!slice) return undefined;
      slices.push(Uint8Array.from(slice.data as number[]));
    }
    const out = new Uint8Array(slices.reduce((n, s) => n + s.length, 0));
    let at = 0;
    for (const s of slices) {
      out.set(s, at);
      at += s.length;
    }
    return out;
  } finally {
    file.closeAsync();
  }
}
