/**
 * The scoring formulas of 得分汇总, kept to functions that Excel 2010+, WPS and LibreOffice compute identically
 * (COUNTIF, COUNTA, ROWS, IF, AND, ROUND). They mirror core/score.ts exactly; the LibreOffice test proves it.
 */
import type { Rubric, GroupRef } from '../rubric';
import { FORM_COLUMNS, GRID, SHEETS, SUMMARY, gridCol, formRow, summaryCol } from './contract';

const q = (sheet: string) => `'${sheet}'`;

export interface SummaryRows {
  sectionRow: (sectionIndex: number) => number;
  groupRow: (groupIndex: number) => number;
}

export function summaryRows(rubric: Rubric): SummaryRows {
  return {
    sectionRow: (i) => SUMMARY.firstSectionRow + i,
    groupRow: (i) => SUMMARY.firstSectionRow + rubric.sections.length + i,
  };
}

function answerRange(rubric: Rubric, slot: number, fromIndex = 0, count = rubric.criteria.length): string {
  const col = gridCol(slot);
  return `${q(SHEETS.answers)}!${col}${GRID.firstRow + fromIndex}:${col}${GRID.firstRow + fromIndex + count - 1}`;
}

/** True (as a formula condition) when project slot k is untouched: no 申报表 field (序号 aside) and no answer. */
function emptyCondition(rubric: Rubric, slot: number): string {
  const row = formRow(slot);
  const first = FORM_COLUMNS[1]!.col;
  const last = FORM_COLUMNS[FORM_COLUMNS.length - 1]!.col;
  return `COUNTA(${q(SHEETS.form)}!${first}${row}:${last}${row})+COUNTA(${answerRange(rubric, slot)})=0`;
}

const blankIfEmpty = (rubric: Rubric, slot: number, body: string) => `IF(${emptyCondition(rubric, slot)},"",${body})`;
const yesNo = (condition: string) => `IF(${condition},"是","否")`;

function countOf(range: string, label: string): string {
  return `COUNTIF(${range},"${label}")`;
}

function totalExpr(rubric: Rubric, range: string): string {
  const terms = rubric.options
    .filter((o) => o.value !== null && o.value !== 0)
    .map((o) => (o.value === 1 ? countOf(range, o.label) : `${countOf(range, o.label)}*${o.value}`));
  return terms.length ? terms.join('+') : '0';
}

function applicableExpr(range: string): string {
  return `(ROWS(${range})-${countOf(range, '不适用')})`;
}

function groupMetExpr(rubric: Rubric, group: GroupRef, slot: number): string {
  const range = answerRange(rubric, slot, group.criteria[0]!.index, group.criteria.length);
  const reached = countOf(range, '达到');
  if (group.rule === 'any') return `${reached}>=1`;
  const applicable = applicableExpr(range);
  return `AND(${applicable}>0,${reached}=${applicable})`;
}

export interface SlotFormulas {
  header: string;
  total: string;
  max: string;
  rate: string;
  completion: string;
  met: string;
  sections: string[];
  groups: string[];
}

/** All formulas of one project column in 得分汇总, plus its header (the project's name from 申报表). */
export function slotFormulas(rubric: Rubric, slot: number): SlotFormulas {
  const range = answerRange(rubric, slot);
  const col = summaryCol(slot);
  const rows = summaryRows(rubric);
  const answered = rubric.options.map((o) => countOf(range, o.label)).join('+');
  const nameCell = `${q(SHEETS.form)}!${FORM_COLUMNS.find((c) => c.field === 'projectName')!.col}${formRow(slot)}`;
  const sectionGroupRows = (sectionId: string) =>
    rubric.groups.map((g, i) => (g.sectionId === sectionId ? `${col}${rows.groupRow(i)}="是"` : '')).filter(Boolean);
  return {
    header: projectHeader(slot),
    total: blankIfEmpty(rubric, slot, totalExpr(rubric, range)),
    max: blankIfEmpty(rubric, slot, applicableExpr(range)),
    rate: blankIfEmpty(rubric, slot, `IF(${applicableExpr(range)}=0,0,ROUND((${totalExpr(rubric, range)})/${applicableExpr(range)},4))`),
    completion: blankIfEmpty(rubric, slot, `ROUND((${answered})/${rubric.criteria.length},4)`),
    met: blankIfEmpty(rubric, slot, yesNo(`AND(${rubric.sections.map((_, i) => `${col}${rows.sectionRow(i)}="是"`).join(',')})`)),
    sections: rubric.sections.map((s) => blankIfEmpty(rubric, slot, yesNo(`AND(${sectionGroupRows(s.id).join(',')})`))),
    groups: rubric.groups.map((g) => blankIfEmpty(rubric, slot, yesNo(groupMetExpr(rubric, g, slot)))),
  };
  function projectHeader(k: number): string {
    return `IF(${nameCell}="","项目 ${k + 1}",${nameCell})`;
  }
}

/** The 序号 shown for slot k (pre-filled, as in 附件2). */
export function seqOf(slot: number): number {
  return slot + 1;
}

