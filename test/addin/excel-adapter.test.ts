/**
 * The Office.js adapter against office-addin-mock: reading a filled unit workbook through ranges (values and
 * formulas), issue → cell selection, and the 本区汇总 sheet's contents.
 */
import ExcelJS from 'exceljs';
import { OfficeMockObject } from 'office-addin-mock';
import { buildTemplate } from '../../core/node/workbook/build';
import { parseWorkbook } from '../../core/node/workbook/parse';
import { SHEETS } from '../../core/workbook/contract';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { randomAnswers, seeded } from '../helpers/fixtures';
import { readUnitWorkbook, selectCell, writeDistrictSheet, documentBytes, DISTRICT_SHEET, NotAUnitWorkbook, officeErrorMessage } from '../../addin/src/excel-adapter';

type Grid = unknown[][];

/** values/formulas of a rectangle A1:… of an exceljs sheet, as Office.js would report them. */
function office(ws: ExcelJS.Worksheet, rows: number, cols: number): { values: Grid; formulas: Grid } {
  const values: Grid = [];
  const formulas: Grid = [];
  for (let r = 1; r <= rows; r++) {
    const vr: unknown[] = [];
    const fr: unknown[] = [];
    for (let c = 1; c <= cols; c++) {
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

// Worksheets come back as plain objects: office-addin-mock only reports isNullObject after an explicit load, while
// Office.js sets it on every sync.
async function workbookMock(file: Buffer) {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ArrayBuffer);
  const loaded: string[] = [];
  const sheet = (name: string, rows: number, cols: number) => ({
    isNullObject: false,
    getRange: (address: string) => ({ address, load: (what: string) => loaded.push(`${name}!${address} ${what}`), ...office(wb.getWorksheet(name)!, rows, cols) }),
  });
  const sheets: Record<string, unknown> = {
    [SHEETS.meta]: sheet(SHEETS.meta, 10, 2),
    [SHEETS.form]: sheet(SHEETS.form, 9, 11),
    [SHEETS.answers]: sheet(SHEETS.answers, 58, 7),
    [SHEETS.notes]: sheet(SHEETS.notes, 58, 7),
  };
  return { loaded, data: { workbook: { worksheets: { getItemOrNullObject: (name: string) => sheets[name] ?? { isNullObject: true } } } } };
}

test('reads a filled workbook through Office ranges into the same Submission as the file parser', async () => {
  const answers = randomAnswers(seeded(9));
  const file = await fillWorkbook(await buildTemplate({ projects: 3 }), REPORTER, [{ fields: projectFields(1), answers, notes: { 'A01-1': '照片' } }]);
  const mock = await workbookMock(file);
  install(mock.data);
  const viaOffice = await readUnitWorkbook();
  expect(mock.loaded).toEqual(['_meta!A1:B10 values', '申报表!A1:K9 values, formulas', '细则自评!A1:G58 values, formulas', '佐证说明!A1:G58 values, formulas']);
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
