/**
 * The Office.js adapter against office-addin-mock: reading a filled unit workbook through ranges (values and
 * formulas), issue → cell selection, and the 本区汇总 sheet's contents.
 */
import ExcelJS from 'exceljs';
import { OfficeMockObject } from 'office-addin-mock';
import { buildTemplate } from '../../core/node/workbook/build';
import { parseWorkbook } from '../../core/node/workbook/parse';
import { CONTRACT_MSG, NAMES, SHEETS } from '../../core/workbook/contract';
import { colLetter, parseRange } from '../../core/ooxml/address';
import { definedNamesOf, fillWorkbook, projectFields, REPORTER, spliceRowsAsExcel, withBrokenName } from '../helpers/workbook';
import { randomAnswers, seeded } from '../helpers/fixtures';
import { readUnitWorkbook, selectCell, selectedAnswer, writeDistrictSheet, documentBytes, DISTRICT_SHEET, NotAUnitWorkbook, officeErrorMessage } from '../../addin/src/excel-adapter';

type Grid = unknown[][];

/** values/formulas of a rectangle of an exceljs sheet, as Office.js reports them. */
function office(ws: ExcelJS.Worksheet, box: { top: number; left: number; bottom: number; right: number }): { values: Grid; formulas: Grid } {
  const values: Grid = [];
  const formulas: Grid = [];
  for (let r = box.top; r <= box.bottom; r++) {
    const vr: unknown[] = [];
    const fr: unknown[] = [];
    for (let c = box.left; c <= box.right; c++) {
      const v = ws.getCell(r, c).value;
      if (v && typeof v === 'object' && 'formula' in v) {
        vr.push(v.result ?? '');
        fr.push(`=${v.formula}`);
      } else {
        const plain = v instanceof Date ? (v.getTime() - Date.UTC(1899, 11, 30)) / 86400000 : (v ?? '');
        vr.push(plain);
        fr.push(plain);
      }
    }
    values.push(vr);
    formulas.push(fr);
  }
  return { values, formulas };
}

function install(mockData: Record<string, unknown>) {
  const context = new OfficeMockObject(mockData);
  (globalThis as Record<string, unknown>).Excel = { run: async (cb: (c: unknown) => unknown) => cb(context), ChartType: { barClustered: 'BarClustered' }, ChartSeriesBy: { columns: 'Columns' } };
  return context;
}

/**
 * The workbook of `file` as Office.js shows it: a range holds the cells at its address; the workbook's defined names
 * are the file's (a NamedItem's range address as Excel gives it, 申报表!A8:K10; a name whose cells were deleted,
 * #REF!, gives a null range). Worksheets come back as plain objects: office-addin-mock only reports isNullObject after
 * an explicit load, while Office.js sets it on every sync.
 */
async function workbookMock(file: Buffer, selected = 'A1') {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const loaded: string[] = [];
  const names = definedNamesOf(file);
  const sheet = (name: string) => ({
    isNullObject: false,
    getRange: (address: string) => {
      const box = parseRange(`${name}!${address}`)!;
      return { address: `${name}!${address}`, load: (what: string) => loaded.push(`${name}!${address} ${what}`), ...office(wb.getWorksheet(name)!, box) };
    },
  });
  const sheets: Record<string, ReturnType<typeof sheet>> = Object.fromEntries([SHEETS.meta, SHEETS.form, SHEETS.answers, SHEETS.notes].map((n) => [n, sheet(n)]));
  const namedItem = (name: string) => {
    const ref = names.get(name);
    if (ref === undefined) return { isNullObject: true };
    const at = parseRange(ref);
    const address = at && `${at.sheet}!${colLetter(at.left)}${at.top}${at.bottom > at.top || at.right > at.left ? `:${colLetter(at.right)}${at.bottom}` : ''}`;
    return { isNullObject: false, getRangeOrNullObject: () => (address ? { isNullObject: false, address, load: () => undefined } : { isNullObject: true, load: () => undefined }) };
  };
  return {
    loaded,
    data: {
      workbook: {
        worksheets: { getItemOrNullObject: (name: string) => sheets[name] ?? { isNullObject: true }, getItem: (name: string) => sheets[name]! },
        names: { getItemOrNullObject: namedItem },
        getSelectedRange: () => ({ address: selected, load: () => undefined }),
      },
    },
  };
}

test('reads a filled workbook through Office ranges into the same Submission as the file parser', async () => {
  const answers = randomAnswers(seeded(9));
  const file = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1), answers, notes: { 'A01-1': '照片' } }]);
  const mock = await workbookMock(file);
  install(mock.data);
  const viaOffice = await readUnitWorkbook();
  // Where the names point: the table, the 填报信息 cells, the answers, their IDs, the notes.
  expect(mock.loaded).toEqual([
    '_meta!A1:B50 values',
    ...['申报表!A7:K9', '申报表!B3:B3', '申报表!E3:E3', '申报表!G3:G3', '申报表!I3:I3', '申报表!K3:K3', '细则自评!E4:G58', '细则自评!A4:A58', '佐证说明!E4:G58'].map((r) => `${r} values, formulas`),
  ]);
  const viaFile = await parseWorkbook(file);
  expect(viaOffice.issues.filter((i) => i.severity === 'error')).toEqual([]);
  expect(viaOffice.submission).toEqual({ ...viaFile.submission, source: 'addin' });
  expect(viaOffice.scores).toEqual(viaFile.scores);
});

test('a formula typed into an input cell is reported at its cell', async () => {
  const file = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1) }], (wb) => {
    wb.getWorksheet(SHEETS.form)!.getCell('F7').value = { formula: 'A1&"x"', result: '1x' } as ExcelJS.CellFormulaValue;
  });
  install((await workbookMock(file)).data);
  const r = await readUnitWorkbook();
  expect(r.submission).toBeUndefined();
  expect(r.issues).toContainEqual(expect.objectContaining({ sheet: '申报表', cell: 'F7', message: '负责人单元格里是公式，请直接填写内容（系统不读取公式）' }));
});

test('issue → cell selection activates the sheet and selects the cell; a sheet renamed since is named', async () => {
  const calls: string[] = [];
  const sheet = { isNullObject: false, activate: () => calls.push('activate'), getRange: (a: string) => ({ select: () => calls.push(`select ${a}`) }) };
  install({
    workbook: {
      worksheets: {
        getItemOrNullObject: (name: string) => {
          calls.push(`getItem ${name}`);
          return name === SHEETS.form ? sheet : { isNullObject: true };
        },
      },
    },
  });
  await selectCell('申报表', 'G7');
  expect(calls).toEqual(['getItem 申报表', 'activate', 'select G7']);
  await expect(selectCell('细则自评', 'E4')).rejects.toThrow('找不到工作表《细则自评》：可能被改名或删除了，请改回原名（或撤销）后再试');
});

test('本区汇总: header, rows, 得分率 format, chart on 得分率, roster of missing units', async () => {
  const written: Record<string, { values?: unknown; numberFormat?: unknown }> = {};
  const charts: Array<{ type: string; source: string }> = [];
  const range = (address: string) => {
    const r = { address, format: { fill: {}, font: {}, autofitColumns: () => undefined }, values: undefined as unknown, numberFormat: undefined as unknown };
    written[address] = r;
    return r;
  };
  const ws = {
    getRange: range,
    activate: () => undefined,
    charts: { add: (type: string, src: { address: string }) => (charts.push({ type, source: src.address }), { title: {}, series: { getItemAt: () => ({ setXAxisValues: () => undefined }) } }) },
  };
  install({ workbook: { worksheets: { getItemOrNullObject: () => ({ isNullObject: true }), add: (name: string) => (expect(name).toBe(DISTRICT_SHEET), ws) } } });
  const header = ['序号', '企业名称', '项目名称', '得分率'];
  await writeDistrictSheet(header, [[1, '甲公司', '甲项目', 0.5], [2, '乙公司', '乙项目', 1]], [['丙公司', '周', '0472-4123456']], '东河区汇总');
  expect(written['A3:D5']!.values).toEqual([header, [1, '甲公司', '甲项目', 0.5], [2, '乙公司', '乙项目', 1]]);
  expect(written['D4:D5']!.numberFormat).toEqual([['0.0%'], ['0.0%']]);
  expect(charts).toEqual([{ type: 'BarClustered', source: 'D3:D5' }]);
  expect(written['A8:C9']!.values).toEqual([['单位名称', '联系人', '电话'], ['丙公司', '周', '0472-4123456']]);
});

test('documentBytes joins the slices of getFileAsync and closes the file; undefined where File 1.1 is missing', async () => {
  const closed: string[] = [];
  const slices = [[80, 75, 3], [4, 20], [0]];
  const file = { sliceCount: slices.length, getSliceAsync: (i: number, cb: (r: unknown) => void) => cb({ status: 'succeeded', value: { data: slices[i] } }), closeAsync: () => closed.push('closed') };
  const office = (supported: boolean) => ({
    FileType: { Compressed: 'compressed' },
    AsyncResultStatus: { Succeeded: 'succeeded' },
    context: {
      requirements: { isSetSupported: (set: string) => supported && set === 'File' },
      document: { getFileAsync: (type: string, _o: unknown, cb: (r: unknown) => void) => (expect(type).toBe('compressed'), cb({ status: 'succeeded', value: file })) },
    },
  });
  (globalThis as Record<string, unknown>).Office = office(true);
  expect(await documentBytes(3)).toEqual(new Uint8Array([80, 75, 3, 4, 20, 0]));
  expect(closed).toEqual(['closed']);
  (globalThis as Record<string, unknown>).Office = office(false);
  expect(await documentBytes()).toBeUndefined();
});

/** An OfficeExtension.Error as Office.js rejects with it: name RichApi.Error, a code, the host's (here zh-CN) text. */
function richApiError(code: string, message: string): Error {
  return Object.assign(new Error(message), { name: 'RichApi.Error', code });
}

test('Office.js errors are told by their code, in Chinese that says what to do (naming the sheet when known)', () => {
  expect(officeErrorMessage(richApiError('ItemNotFound', '请求的资源不存在。'), SHEETS.answers)).toBe('找不到工作表《细则自评》：可能被改名或删除了，请改回原名（或撤销）后再试');
  expect(officeErrorMessage(richApiError('ItemNotFound', '请求的资源不存在。'))).toMatch(/^Excel 找不到要用的工作表或单元格：.*改回原名（或撤销刚才的操作）后再试$/);
  expect(officeErrorMessage(richApiError('ItemAlreadyExists', '该资源已存在。'), SHEETS.guide)).toBe('工作簿中已经有同名的工作表《填报说明》：请把同名的工作表改名或删除，或新建一个空白工作簿后再试');
  for (const code of ['AccessDenied', 'InvalidArgument', 'GeneralException', 'InvalidOperationInCellEditMode']) {
    const text = officeErrorMessage(richApiError(code, 'The requested resource doesn’t exist.'));
    expect(text).toMatch(/请/);
    expect(text).not.toMatch(/resource|请求的资源/);
  }
  // Not an Office error (ours, the browser's), or an unknown code: left to the caller.
  expect(officeErrorMessage(new Error('ItemNotFound: 申报表'))).toBeUndefined();
  expect(officeErrorMessage(richApiError('SomethingNew', '…'))).toBeUndefined();
});

test('a renamed or deleted sheet is named; a workbook without our sheets is told to create one', async () => {
  const file = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1) }]);
  const mock = await workbookMock(file);
  const sheets = mock.data.workbook.worksheets;
  const without = (...gone: string[]) => ({ workbook: { worksheets: { getItemOrNullObject: (name: string) => (gone.includes(name) ? { isNullObject: true } : sheets.getItemOrNullObject(name)) } } });
  install(without(SHEETS.answers));
  await expect(readUnitWorkbook()).rejects.toThrow(new NotAUnitWorkbook('找不到工作表《细则自评》：可能被改名或删除了，请改回原名（或撤销）后再试'));
  install(without(SHEETS.form, SHEETS.answers));
  await expect(readUnitWorkbook()).rejects.toThrow('找不到工作表《申报表》：');
  install({ workbook: { worksheets: { getItemOrNullObject: () => ({ isNullObject: true }) } } });
  await expect(readUnitWorkbook()).rejects.toThrow('当前工作簿还没有申报表：请先点击“新建申报工作簿”');
});

describe('rows inserted or deleted in Excel: the pane reads where the defined names point, as the server reads the file', () => {
  const issuesOf = (r: { issues: Array<{ sheet?: string; cell?: string; message: string }> }) => r.issues.map((i) => `${i.sheet ?? ''}!${i.cell ?? ''} ${i.message}`);
  async function both(file: Buffer) {
    install((await workbookMock(file)).data);
    return { pane: await readUnitWorkbook(), server: await parseWorkbook(file) };
  }

  test('a row inserted above 申报表: the moved cells are read, and the issues name their new addresses', async () => {
    const filled = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1, { phone: '123' }), answers: { 'A01-1': '达到' } }]);
    const moved = await spliceRowsAsExcel(filled, SHEETS.form, 1, 1);
    expect(definedNamesOf(moved).get(NAMES.rows)).toBe("'申报表'!$A$8:$K$10");
    const { pane, server } = await both(moved);
    expect(issuesOf(pane)).toContain('申报表!G8 项目 1：联系电话格式不正确：请填写 11 位手机号（如 13912345678）或固定电话（如 0472-7100945，分机可写 0472-7100945-801）');
    expect(issuesOf(pane).some((i) => i.startsWith('申报表!G7 '))).toBe(false);
    expect(issuesOf(pane)).toEqual(issuesOf(server));
    expect(pane.projects).toEqual([expect.objectContaining({ seq: 1, projectName: projectFields(1).projectName })]);
    expect(pane.places).toEqual(server.places);
    expect(pane.places!.unit).toEqual({ sheet: SHEETS.form, cell: 'B4' });
    expect(pane.scores).toEqual(server.scores);
  });

  test('a row deleted above the table: the same Submission as the server reads; a fixed issue points one row up', async () => {
    const filled = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1), answers: { 'A01-1': '达到' } }, { fields: projectFields(2, { startDate: 2024.3 }) }]);
    const moved = await spliceRowsAsExcel(filled, SHEETS.form, 4, -1);
    const { pane, server } = await both(moved);
    expect(issuesOf(pane)).toContain('申报表!H7 项目 2：开工日期“2024.3”被 Excel 存成了数字，不是日期（日期格式的单元格会显示为 1905-07-16）：请填写到日，如 2024-03-01（按 2024-05-17 的格式）');
    expect(issuesOf(pane)).toEqual(issuesOf(server));
    const fixed = await spliceRowsAsExcel(await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1), answers: { 'A01-1': '达到' } }]), SHEETS.form, 4, -1);
    const ok = await both(fixed);
    expect(ok.pane.submission).toEqual({ ...ok.server.submission, source: 'addin' });
    expect(ok.pane.submission!.projects[0]!.projectName).toBe(projectFields(1).projectName);
  });

  test('a row deleted inside the table: project rows and answer columns no longer pair up, said by both', async () => {
    const filled = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1) }, { slot: 2, fields: projectFields(3) }]);
    const moved = await spliceRowsAsExcel(filled, SHEETS.form, 8, -1);
    const { pane, server } = await both(moved);
    const message = CONTRACT_MSG.unpaired({ sheet: SHEETS.form, top: 7, left: 1, bottom: 8, right: 11 }, { sheet: SHEETS.answers, top: 4, left: 5, bottom: 58, right: 7 });
    expect(message).toBe(
      '《申报表》的项目行（工作簿名称 rs_rows：第 7 至 8 行，共 2 行）与《细则自评》的项目列（rs_answers：E 至 G 列，共 3 列）数目不同：可能在项目表格中插入或删除了整行，或在《细则自评》的项目列中插入或删除了整列。每个项目在《申报表》占一行、在《细则自评》占一列，请撤销刚才的插入或删除后再试',
    );
    expect([pane.kind, pane.issues.map((i) => i.message)]).toEqual(['rejected', [message]]);
    expect(server.issues).toEqual(pane.issues);
  });

  test('the whole table deleted (rs_rows is #REF!): a refusal that says so; its rows alone deleted: the header is found again, as by the server', async () => {
    // Deleting the sheet's last rows moves nothing up: the rows are empty afterwards (exceljs's spliceRows keeps them).
    const deleted = (from: number) => (wb: ExcelJS.Workbook) => {
      const ws = wb.getWorksheet(SHEETS.form)!;
      for (let r = from; r <= 9; r++) for (let c = 1; c <= 11; c++) ws.getCell(r, c).value = null;
    };
    const template = await buildTemplate({ projects: 3 });
    const gone = withBrokenName(await fillWorkbook(template, REPORTER, [{ fields: projectFields(1) }], deleted(5)), NAMES.rows, SHEETS.form);
    expect(definedNamesOf(gone).get(NAMES.rows)).toBe("'申报表'!#REF!");
    const { pane, server } = await both(gone);
    expect(pane.issues.map((i) => i.message)).toEqual([
      '《申报表》中找不到项目表格（表头“序号”“企业名称”）：工作簿名称 rs_rows 指向的单元格已被删除（可能删除了整个表格的行或列），原来的表头也找不到了。请撤销刚才的删除；或重新下载申报工作簿，把内容复制过去后再试',
    ]);
    expect(server.issues).toEqual(pane.issues);

    const rowsOnly = withBrokenName(await fillWorkbook(template, REPORTER, [{ fields: projectFields(1) }], deleted(7)), NAMES.rows, SHEETS.form);
    const again = await both(rowsOnly);
    expect(again.pane.kind).toBe('unit');
    expect(issuesOf(again.pane)).toContain('申报表!A7 至少需要填写一个项目');
    expect(issuesOf(again.pane)).toEqual(issuesOf(again.server));
  });

  test('the selected answer cell: its project is found where rs_rows points after a row was inserted above 申报表', async () => {
    const filled = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1) }, { fields: projectFields(2) }]);
    const moved = await spliceRowsAsExcel(filled, SHEETS.form, 1, 1);
    install((await workbookMock(moved, '细则自评!F5')).data);
    // F is project 2's column; its 序号 is now in A9 (A8 holds project 1's).
    expect(await selectedAnswer()).toEqual({ sheet: SHEETS.answers, cell: 'F5', criterion: 'A01-2', seq: 2 });
    const inserted = await spliceRowsAsExcel(filled, SHEETS.answers, 4, 1);
    install((await workbookMock(inserted, '细则自评!E4')).data);
    // The inserted row is no criterion's; the one below is A01-1's.
    expect(await selectedAnswer()).toEqual({ sheet: SHEETS.answers, cell: 'E4' });
    install((await workbookMock(inserted, '细则自评!E5')).data);
    expect(await selectedAnswer()).toEqual({ sheet: SHEETS.answers, cell: 'E5', criterion: 'A01-1', seq: 1 });
  });
});
