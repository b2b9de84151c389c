/** The 观摩 shortlist as a workbook: the selection rule on top, then one row per project (values only). */
import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import type { Showcase } from '../../showcase';
import { currentRubric, type Rubric } from '../../rubric';
import { formatRate } from '../../score';
import { FORM_HEADERS } from '../../workbook/contract';
import { attachment2Row } from '../../workbook/attachment2';
import { beijingTime } from '../../time';
import { rowHeight } from '../../workbook/layout';

/**
 * Printing: landscape, one page wide (as many pages tall as needed), the header row repeated on every page, and —
 * when given — only the first `printColumns` columns (the ones people read; ids and file names stay in the sheet).
 */
export function printSetup(paperSize: 8 | 9 = 9): Partial<ExcelJS.PageSetup> {
  return {
    paperSize: paperSize as ExcelJS.PaperSize, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1',
    margins: { left: 0.3, right: 0.3, top: 0.5, bottom: 0.5, header: 0.3, footer: 0.3 },
  };
}

/** The columns of 观摩名单: one 达标 column per 版块 of the rubric. */
export function showcaseColumns(rubric: Rubric = currentRubric()): string[] {
  return ['名次', ...FORM_HEADERS, '所属旗县区', '填报单位', '得分', '满分', '得分率', ...rubric.sections.map((s) => s.name), '未达到的细则'];
}

export const SHOWCASE_COLUMNS: readonly string[] = showcaseColumns();

export async function writeShowcase(showcase: Showcase, out: Writable, rubric: Rubric = currentRubric()): Promise<void> {
  const columns = showcaseColumns(rubric);
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const ws = wb.addWorksheet('观摩名单', { views: [{ state: 'frozen', ySplit: 4 }], pageSetup: { ...printSetup(), printTitlesRow: '4:4' } });
  const widths = [5, 5, 18, 30, 8, 13, 22, 11, 18, 6, 6, 7, ...rubric.sections.map((s) => Math.max(6, 2 * s.name.length - 1)), 44];
  ws.columns = columns.map((_, i) => ({ width: widths[i] ?? 12 }));
  ws.addRow(['“红色工地”观摩推荐名单']).commit();
  ws.addRow([`选取规则：${showcase.rule}`]).commit();
  ws.addRow([`共 ${showcase.entries.length} 个项目（参与排序 ${showcase.considered} 个），生成时间 ${beijingTime(new Date().toISOString())}（北京时间）`]).commit();
  const head = ws.addRow(columns);
  head.eachCell((c) => {
    c.font = { bold: true, color: { argb: 'FFFFFFFF' } };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC00000' } };
  });
  head.commit();
  for (const e of showcase.entries) {
    const p = e.project;
    const met = (id: string) => (e.score.sections.find((s) => s.id === id)?.met ? '达标' : '未达标');
    const values = [
      e.rank, ...attachment2Row(p), p.district, e.reporter.unit,
      e.score.total, e.score.max, formatRate(e.score.rate), ...rubric.sections.map((s) => met(s.id)),
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
