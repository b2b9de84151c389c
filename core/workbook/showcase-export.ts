/** The 观摩 shortlist as a workbook: the selection rule on top, then one row per project (values only). */
import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import type { Showcase } from '../showcase';
import { formatRate } from '../score';
import { FORM_HEADERS } from './contract';
import { periodText, situationText, printSetup } from './merge';
import { beijingTime } from '../time';
import { rowHeight } from './layout';

export const SHOWCASE_COLUMNS = ['名次', ...FORM_HEADERS, '所属旗县区', '填报单位', '得分', '满分', '得分率', '七有', '发挥好作用', '八规范', '未达到的细则'] as const;

export async function writeShowcase(showcase: Showcase, out: Writable): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('观摩名单', { views: [{ state: 'frozen', ySplit: 4 }], pageSetup: { ...printSetup(), printTitlesRow: '4:4' } });
  const widths = [5, 5, 18, 30, 8, 13, 22, 11, 18, 6, 6, 7, 6, 9, 6, 44];
  ws.columns = SHOWCASE_COLUMNS.map((_, i) => ({ width: widths[i] ?? 12 }));
  ws.addRow(['“红色工地”观摩推荐名单']).commit();
  ws.addRow([`选取规则：${showcase.rule}`]).commit();
  ws.addRow([`共 ${showcase.entries.length} 个项目（参与排序 ${showcase.considered} 个），生成时间 ${beijingTime(new Date().toISOString())}（北京时间）`]).commit();
  const head = ws.addRow([...SHOWCASE_COLUMNS]);
  head.eachCell((c) => {
    c.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC00000' } };
  });
  head.commit();
  for (const e of showcase.entries) {
    const p = e.project;
    const met = (id: string) => (e.score.sections.find((s) => s.id === id)?.met ? '达标' : '未达标');
    const values = [
      e.rank, p.seq, p.enterprise, situationText(p), p.leader, p.phone, periodText(p), p.district, e.reporter.unit,
      e.score.total, e.score.max, formatRate(e.score.rate), met('A'), met('B'), met('C'),
      e.gaps.length ? e.gaps.map((g) => `${g.id}（${g.answer}）${g.text}`).join('\n') : '全部达到',
    ];
    const row = ws.addRow(values);
    row.height = Math.min(400, rowHeight(values, widths));
    row.alignment = { vertical: 'top', wrapText: true };
    row.commit();
  }
  ws.commit();
  await wb.commit();
}
