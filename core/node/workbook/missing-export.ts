/**
 * 未报送名单.xlsx: the units expected to report that have not submitted yet, to chase them by phone — one row per
 * unit (旗县区, 单位名称, 联系人, 电话, 状态). Printable: A4 landscape, one page wide, header repeated.
 */
import ExcelJS from 'exceljs';
import { beijingTime } from '../../time';

export interface MissingRow {
  district: string;
  unit: string;
  contact: string;
  phone: string;
  state: string;
}

export const MISSING_COLUMNS = ['旗县区', '单位名称', '联系人', '电话', '状态'] as const;
/** The first row of units (after the title, the note and the header). */
export const MISSING_FIRST_ROW = 4;

export async function writeMissingSheet(rows: readonly MissingRow[], scope: string, createdAt = new Date().toISOString()): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '包头企业党建联盟 redsite';
  const ws = wb.addWorksheet('未报送名单', { views: [{ state: 'frozen', ySplit: 3 }] });
  ws.columns = [14, 36, 12, 16, 10].map((width) => ({ width }));
  ws.mergeCells('A1:E1');
  ws.getCell('A1').value = `“红色工地”申报 · 未报送名单（${scope}）`;
  ws.getCell('A1').font = { bold: true, size: 14, color: { argb: 'FFC00000' } };
  ws.mergeCells('A2:E2');
  ws.getCell('A2').value = `${beijingTime(createdAt)}（北京时间）时尚未提交申报的应报单位，共 ${rows.length} 个。应报单位 = 报送名单上的单位，加上有填报单位账号的单位。`;
  ws.getCell('A2').alignment = { wrapText: true, vertical: 'top' };
  ws.getRow(2).height = 32;
  const head = ws.getRow(3);
  head.values = [...MISSING_COLUMNS];
  head.eachCell((c) => {
    c.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC00000' } };
    c.alignment = { vertical: 'middle', horizontal: 'center' };
  });
  for (const r of rows) {
    const row = ws.addRow([r.district, r.unit, r.contact, r.phone, r.state]);
    row.alignment = { vertical: 'top', wrapText: true };
    // Text cells stay text: a phone keeps its leading 0, a name starting with = + - @ never becomes a formula when
    // the cell is edited (F2, Enter) or the sheet goes through CSV.
    for (const c of [2, 3, 4]) row.getCell(c).numFmt = '@';
  }
  ws.pageSetup = {
    paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3',
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
  };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
