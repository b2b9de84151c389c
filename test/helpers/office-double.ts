/**
 * The task pane's Office.js test double (test/browser/office-double.js, built on exceljs's browser bundle) and the
 * calls tests make on it from Node: type into a cell, select one, read a range, rename a sheet — as a user in Excel.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

const root = path.join(__dirname, '..', '..');

/** Served in place of office.js (page.route): the double and the exceljs it keeps the workbook in. */
export const OFFICE_DOUBLE_SCRIPT = `${fs.readFileSync(path.join(root, 'node_modules/exceljs/dist/exceljs.min.js'), 'utf8')}\n${fs.readFileSync(path.join(root, 'test/browser/office-double.js'), 'utf8')}`;

interface Double {
  type: (sheet: string, address: string, value: unknown) => void;
  selectCell: (sheet: string, address: string) => void;
  read: (sheet: string, address: string) => unknown[][];
  renameSheet: (from: string, to: string) => void;
}

type DoubleWindow = { __excelDouble: Double };

/** What a user does in the workbook of the page `page()` returns (a getter: tests open their page in beforeAll). */
export function excelUser(page: () => Page) {
  return {
    type: (sheet: string, address: string, value: unknown) =>
      page().evaluate(([sh, a, v]) => (window as unknown as DoubleWindow).__excelDouble.type(sh as string, a as string, v), [sheet, address, value] as const),
    select: (sheet: string, address: string) => page().evaluate(([sh, a]) => (window as unknown as DoubleWindow).__excelDouble.selectCell(sh!, a!), [sheet, address]),
    read: (sheet: string, address: string) => page().evaluate(([sh, a]) => (window as unknown as DoubleWindow).__excelDouble.read(sh!, a!), [sheet, address]),
    rename: (from: string, to: string) => page().evaluate(([f, t]) => (window as unknown as DoubleWindow).__excelDouble.renameSheet(f!, t!), [from, to]),
  };
}
