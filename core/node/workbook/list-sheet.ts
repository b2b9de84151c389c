/**
 * A printed hand-out list as the dashboard gives it (账号清单.xlsx, 未报送名单.xlsx): a red title, a note, a header
 * row in white on red, one row per entry with wrapped text, frozen under the header; A4 landscape, one page wide,
 * the header repeated on every page. Columns listed in `textColumns` (1-based) are text: a phone keeps its leading 0,
 * and a name starting with = + - @ never becomes a formula when the cell is edited or the sheet goes through CSV.
 */
import ExcelJS from 'exceljs';

export interface ListSheet {
  sheet: string;
  title: string;
  note: string;
  headers: readonly string[];
  widths: readonly number[];
  textColumns: readonly number[];
  rows: ReadonlyArray<ReadonlyArray<string>>;
}

/** The first row of entries (after the title, the note and the header). */
export const LIST_FIRST_ROW = 4;

export async function writeListSheet(list: ListSheet): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '包头企业党建联盟 redsite';
  const ws = wb.addWorksheet(list.sheet, { views: [{ state: 'frozen', ySplit: LIST_FIRST_ROW - 1 }] });
  ws.columns = list.widths.map((width) => ({ width }));
  const last = String.fromCharCode(64 + list.headers.length);
  ws.mergeCells(`A1:${last}1`);
  ws.getCell('A1').value = list.title;
  ws.getCell('A1').font = { bold: true, size: 14, color: { argb: 'FFC00000' } };
  ws.mergeCells(`A2:${last}2`);
  ws.getCell('A2').value = list.note;
  ws.getCell('A2').alignment = { wrapText: true, vertical: 'top' };
  ws.getRow(2).height = 32;
  const head = ws.getRow(LIST_FIRST_ROW - 1);
  head.values = [...list.headers];
  head.eachCell((c) => {
    c.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC00000' } };
    c.alignment = { vertical: 'middle', horizontal: 'center' };
  });
  for (const values of list.rows) {
    const row = ws.addRow([...values]);
    row.alignment = { vertical: 'top', wrapText: true };
    for (const c of list.textColumns) row.getCell(c).numFmt = '@';
  }
  ws.pageSetup = {
    paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: `${LIST_FIRST_ROW - 1}:${LIST_FIRST_ROW - 1}`,
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
  };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
