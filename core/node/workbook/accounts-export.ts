/**
 * 账号清单.xlsx: the hand-out after creating 填报单位 accounts in bulk — one row per unit with its account, its token
 * (shown only here, once) and the address to sign in at. Printable: A4 landscape, one page wide, header repeated.
 */
import { writeListSheet } from './list-sheet';
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
  return writeListSheet({
    sheet: '账号清单',
    title: '“红色工地”申报 · 填报单位账号清单',
    note: `生成时间 ${beijingTime(createdAt)}（北京时间）。令牌只出现在本清单中这一次，请逐个单位转交并妥善保管；遗失后请管理员在看板“账号”中重新签发。`,
    headers: ACCOUNT_COLUMNS,
    widths: [28, 14, 10, 15, 22, 40, 30],
    textColumns: [1, 3, 4, 5, 6],
    rows: rows.map((r) => [r.unit, r.district, r.contact, r.phone, r.account, r.token, loginUrl]),
  });
}
