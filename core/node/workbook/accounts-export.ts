/**
 * 账号清单.xlsx: the hand-out after creating 填报单位 accounts in bulk — one row per unit with its account, its token
 * (shown only here, once) and the address to sign in at. Printable: A4 landscape, one page wide, header repeated.
 */
import ExcelJS from 'exceljs';
import { beijingTime } from '../../time';

export interface AccountSheetRow {
  unit: string;
  district: string;
  contact: string;
  phone: string;
  account: string;
  token: string;
}

export const ACCOUNT_COLUMNS = ['单位', '旗县区', '联系人', '电话', '账号', '令牌', '登录地址'] as const;

export async function writeAccountSheet(rows: readonly AccountSheetRow[], loginUrl: string, createdAt = new Date().toISOString()): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '包头企业党建联盟 redsite';
  const ws = wb.addWorksheet('账号清单', { views: [{ state: 'frozen', ySplit: 3 }] });
  ws.columns = [28, 14, 10, 15, 22, 40, 30].map((width) => ({ width }));
  ws.mergeCells('A1:G1');
  ws.getCell('A1').value = '“红色工地”申报 · 填报单位账号清单';
  ws.getCell('A1').font = { bold: true, size: 14, color: { argb: 'FFC00000' } };
  ws.mergeCells('A2:G2');
  ws.getCell('A2').value = `生成时间 ${beijingTime(createdAt)}（北京时间）。令牌只出现在本清单中这一次，请逐个单位转交并妥善保管；遗失后请管理员在看板“账号”中重新签发。`;
  ws.getCell('A2').alignment = { wrapText: true, vertical: 'top' };
  ws.getRow(2).height = 32;
  const head = ws.getRow(3);
  head.values = [...ACCOUNT_COLUMNS];
  head.eachCell((c) => {
    c.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC00000' } };
    c.alignment = { vertical: 'middle', horizontal: 'center' };
  });
  for (const r of rows) {
    const row = ws.addRow([r.unit, r.district, r.contact, r.phone, r.account, r.token, loginUrl]);
    row.alignment = { vertical: 'top', wrapText: true };
    row.getCell(4).numFmt = '@';
    row.getCell(6).numFmt = '@';
  }
  ws.pageSetup = {
    paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '3:3',
    margins: { left: 0.4, right: 0.4, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
  };
  return Buffer.from(await wb.xlsx.writeBuffer());
}
