/**
 * 问题清单, the sheet placed first in an annotated workbook: the reviewer's reason on top, then one row per issue
 * (工作表, 单元格 as a link to the cell, 字段, 问题说明, 类型). Its layout and wording live here; the XML is written by
 * core/ooxml/sheet-writer and its styles are added to the unit's own stylesheet.
 */
import { SEVERITY_LABEL } from '../../issues';
import type { Stylesheet } from '../../ooxml/styles';
import { sheetXml } from '../../ooxml/sheet-writer';
import { looksLikeFormula } from '../../ooxml/sheet-stream';
import { xmlText } from '../../ooxml/xml';

export const ISSUE_SHEET = '问题清单';
export const ISSUE_HEADERS = ['工作表', '单元格', '字段', '问题说明', '类型'] as const;
/** First data row of 问题清单 (1-based); rows above: title, reason, reviewer/time, header. */
export const ISSUE_FIRST_ROW = 5;
/** Bounds for what a caller may ask to write (the workbook itself is bounded by Limits). */
export const ANNOTATE_BOUNDS = { issues: 2000, messageChars: 1000, reasonChars: 2000, nameChars: 100 } as const;

/** One listed issue, texts already made safe for XML. */
export interface IssueRow {
  sheet: string;
  /** 申报表!E7 as shown, '' when the issue has no cell in this workbook. */
  cell: string;
  /** Where the link goes ('申报表'!E7). */
  target?: string;
  field: string;
  message: string;
  severity: (typeof SEVERITY_LABEL)[keyof typeof SEVERITY_LABEL];
}

export interface IssueSheetText {
  reason?: string;
  reviewer?: string;
  at?: string;
}

type Kind = 'title' | 'reason' | 'header' | 'text' | 'link';
/** Each kind's format, and its copy with quotePrefix for text that looks like a formula. */
type Styles = Record<Kind, number> & { quoted: Record<Kind, number> };

/**
 * The sheet's few cell formats, added to the workbook's stylesheet (宋体, top-aligned, text number format). Each has a
 * twin with quotePrefix, as the master writer does (core/ooxml/sheet-stream.ts quotedStyleIndex): user text that
 * starts with = + - @, a tab or a CR stays text when someone edits the cell (F2, Enter) in Excel.
 */
export function issueSheetStyles(styles: Stylesheet): Styles {
  const song = { name: '宋体', charset: 134 };
  const headFill = styles.addSolidFill('FFF3F2F1');
  const plain = styles.addFont({ size: 11, ...song });
  const looks: Record<Kind, [font: number, fillId: number, wrapText: boolean]> = {
    title: [styles.addFont({ bold: true, size: 14, rgb: 'FFC00000', ...song }), 0, false],
    reason: [styles.addFont({ bold: true, size: 11, rgb: 'FFC00000', ...song }), 0, true],
    header: [styles.addFont({ bold: true, size: 11, ...song }), headFill, false],
    text: [plain, 0, true],
    link: [styles.addFont({ size: 11, rgb: 'FF0563C1', underline: true, ...song }), 0, false],
  };
  const format = (quotePrefix: boolean) => (Object.fromEntries(Object.entries(looks).map(([kind, [fontId, fillId, wrapText]]) => [kind, styles.addCellFormat({ numFmtId: 49, fontId, fillId, alignment: { vertical: 'top', wrapText }, quotePrefix })])) as Record<Kind, number>);
  return { ...format(false), quoted: format(true) };
}

/** The sheet's XML: `extra` issues beyond the listed ones are counted on a last line. */
export function issueSheetXml(rows: readonly IssueRow[], extra: number, text: IssueSheetText, st: Styles): string {
  const reason = xmlText(text.reason, ANNOTATE_BOUNDS.reasonChars);
  const reasonText = reason ? `退回原因：${reason}` : '请按下列问题逐条修改后重新提交';
  const errors = rows.filter((r) => r.severity === SEVERITY_LABEL.error).length;
  const meta = [
    text.reviewer ? `审核人：${xmlText(text.reviewer, ANNOTATE_BOUNDS.nameChars)}` : '',
    text.at ? `时间：${xmlText(text.at, ANNOTATE_BOUNDS.nameChars)}` : '',
    `共 ${rows.length + extra} 条（错误 ${errors} 条，提醒 ${rows.length - errors} 条）；点“单元格”一列可跳到该单元格，问题单元格已标成红色并附批注`,
  ].filter(Boolean).join('\u3000');
  const lines = reasonText.split('\n').reduce((n, l) => n + Math.max(1, Math.ceil(l.length / 70)), 0);
  // Text that looks like a formula gets its format's quotePrefix twin (unit text, a sheet name, a stored message).
  const cell = (col: number, text: string, kind: Kind) => ({ col, text, style: looksLikeFormula(text) ? st.quoted[kind] : st[kind] });
  const line = (r: number, col: number, value: string, kind: Kind) => ({ r, cells: [cell(col, value, kind)] });
  const first = ISSUE_FIRST_ROW;
  return sheetXml({
    widths: [14, 16, 22, 80, 8],
    rows: [
      { ...line(1, 1, ISSUE_SHEET, 'title'), height: 24 },
      { ...line(2, 1, reasonText, 'reason'), height: Math.min(400, 18 * lines) },
      { ...line(3, 1, meta, 'text'), height: 32 },
      { r: 4, cells: ISSUE_HEADERS.map((h, c) => cell(c + 1, h, 'header')) },
      ...rows.map((row, k) => ({ r: first + k, cells: [row.sheet, row.cell, row.field, row.message, row.severity].map((v, c) => cell(c + 1, v, c === 1 && row.target ? 'link' : 'text')) })),
      ...(extra ? [line(first + rows.length, 4, `另有 ${extra} 条问题未列出，请先修改以上问题后重新检查`, 'text')] : []),
    ],
    freeze: { rows: 4, activeCell: `B${first}` },
    selected: true,
    merges: ['A2:E2', 'A3:E3'],
    links: rows.flatMap((row, k) => (row.target ? [{ ref: `B${first + k}`, location: row.target, display: row.cell }] : [])),
    landscape: true,
  });
}
