/**
 * 未报送名单.xlsx: the units expected to report that have not submitted yet, to chase them by phone — one row per
 * unit (旗县区, 单位名称, 联系人, 电话, 状态). Printable: A4 landscape, one page wide, header repeated.
 */
import { writeListSheet, LIST_FIRST_ROW } from './list-sheet';
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
export const MISSING_FIRST_ROW = LIST_FIRST_ROW;

export async function writeMissingSheet(rows: readonly MissingRow[], scope: string, createdAt = new Date().toISOString()): Promise<Buffer> {
  return writeListSheet({
    sheet: '未报送名单',
    title: `“红色工地”申报 · 未报送名单（${scope}）`,
    note: `${beijingTime(createdAt)}（北京时间）时尚未提交申报的应报单位，共 ${rows.length} 个。应报单位 = 报送名单上的单位，加上有填报单位账号的单位。`,
    headers: MISSING_COLUMNS,
    widths: [14, 36, 12, 16, 10],
    textColumns: [2, 3, 4],
    rows: rows.map((r) => [r.district, r.unit, r.contact, r.phone, r.state]),
  });
}
