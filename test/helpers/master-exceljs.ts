/**
 * The exceljs writer of the master and district workbooks as it was in the product until the streamed writer
 * (core/node/workbook/merge.ts) replaced it, kept verbatim as the reference that test/core/node/workbook/
 * master-stream.test.ts compares the streamed files with, cell by cell. Not used by the product.
 */
import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { currentRubric } from '../../core/rubric';
import { DISTRICTS } from '../../core/districts';
import type { Project } from '../../core/schema';
import { meanRate, round4, scoreProject, type ProjectScore } from '../../core/score';
import { attachment2Row } from '../../core/workbook/attachment2';
import { colLetter } from '../../core/ooxml/address';
import { beijingTime } from '../../core/time';
import { rowHeight } from '../../core/workbook/layout';
import { entryRows, resolveEntries, submissionUnitKey } from '../../core/identity';
import { FILE_LIST_COLUMNS, FILE_LIST_SHEET, MASTER_COLUMNS, type MergeEntry, type MergeOptions, type MergeReport } from '../../core/node/workbook/merge';
import { printSetup } from '../../core/node/workbook/showcase-export';

interface Row {
  entry: MergeEntry;
  project: Project;
  score: ProjectScore;
}

const districtOrder = (d: string) => {
  const i = DISTRICTS.indexOf(d);
  return i < 0 ? DISTRICTS.length : i;
};

const HEADER_STYLE: Partial<ExcelJS.Style> = {
  font: { bold: true, color: { argb: 'FFFFFFFF' } },
  fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFC00000' } },
  alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
};

function addSheet(wb: ExcelJS.stream.xlsx.WorkbookWriter, name: string, columns: Array<{ header: string; width: number; numFmt?: string }>, paperSize: 8 | 9 = 9): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }], pageSetup: printSetup(paperSize) });
  ws.columns = columns.map((c) => ({ header: c.header, width: c.width, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  const head = ws.getRow(1);
  head.height = 30;
  head.eachCell((cell) => {
    cell.font = HEADER_STYLE.font!;
    cell.fill = HEADER_STYLE.fill!;
    cell.alignment = HEADER_STYLE.alignment!;
  });
  head.commit();
  return ws;
}

const MASTER_WIDTHS = [5, 18, 30, 8, 13, 22, 11, 18, 6, 6, 7, 5, 7, 8, 5, 5, 16, 20, 38, 8];
const MASTER_PRINTED = MASTER_COLUMNS.indexOf('提交时间') + 1;
const MASTER_FORMATS: Record<number, string> = { 4: '@', 10: '0.0%', 12: '0.0%' };

function masterRow(r: Row, seq: number): Array<string | number> {
  const { entry, project: p, score } = r;
  return [
    ...attachment2Row(p, seq),
    p.district, entry.submission.reporter.unit, score.total, score.max, score.rate, score.met ? '是' : '否', score.completion,
    entry.state ?? '', entry.late ? '是' : '', entry.version ?? '', beijingTime(entry.submittedAt), entry.sourceFile ?? '',
    entry.id ?? entry.submission.submissionId, entry.submission.rubric.edition,
  ];
}

/**
 * Gives every cell of a row its column's one style object. exceljs gives each new cell a style object of its own and
 * then serialises it to find its style id; a shared object is found by identity (its WeakMap), which is what lets the
 * streaming writer keep up with tens of thousands of rows. The first row written fixes each column's style.
 */
function sharedStyles(): (row: ExcelJS.Row) => ExcelJS.Row {
  const byColumn: Array<Partial<ExcelJS.Style>> = [];
  return (row) => {
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cell.style = byColumn[col] ??= { ...cell.style };
    });
    return row;
  };
}

const TOP_WRAP: Partial<ExcelJS.Alignment> = { vertical: 'top', wrapText: true };

function writeRows(ws: ExcelJS.Worksheet, rows: Row[]): void {
  const share = sharedStyles();
  rows.forEach((r, i) => {
    const values = masterRow(r, i + 1);
    const row = ws.addRow(values);
    row.alignment = TOP_WRAP;
    row.height = rowHeight(values.slice(0, MASTER_PRINTED), MASTER_WIDTHS);
    share(row).commit();
  });
  // exceljs puts a $ before each part: “A$1” becomes the absolute $A$1 that LibreOffice requires.
  ws.pageSetup.printArea = `A$1:${colLetter(MASTER_PRINTED)}$${rows.length + 1}`;
}

export async function writeMasterExceljs(entries: readonly MergeEntry[], out: Writable, opts: MergeOptions = {}): Promise<MergeReport> {
  const rubric = opts.rubric ?? currentRubric();
  const chosen = (opts.district ? entries.filter((e) => e.submission.reporter.district === opts.district) : [...entries]).map((e) => ({
    ...e, label: e.label ?? e.sourceFile ?? e.id ?? e.submission.submissionId,
  }));
  const resolution = resolveEntries(chosen);
  const rows: Row[] = resolution.counted
    .flatMap(({ entry, projects }) => projects.map((project) => ({ entry, project, score: scoreProject(project.answers, rubric) })))
    .sort(
      (a, b) =>
        districtOrder(a.project.district) - districtOrder(b.project.district) ||
        a.entry.submission.reporter.unit.localeCompare(b.entry.submission.reporter.unit, 'zh-CN') ||
        a.project.seq - b.project.seq,
    );

  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = '包头企业党建联盟 redsite';
  const masterColumns = MASTER_COLUMNS.map((header, i) => ({ header, width: MASTER_WIDTHS[i] ?? 12, numFmt: MASTER_FORMATS[i] }));

  const summary = addSheet(wb, '附件2汇总', masterColumns);
  writeRows(summary, rows);
  summary.commit();

  // With evidence (server exports): after the answers to every criterion, 佐证 files per criterion and 达到 answers without any.
  const withEvidence = rows.some((r) => r.entry.evidence);
  const evidenceOf = (r: Row, id: string) => r.entry.evidence?.[r.project.seq]?.[id] ?? 0;
  const detail = addSheet(wb, '细则明细', [
    { header: '序号', width: 6 }, { header: '所属旗县区', width: 14 }, { header: '填报单位', width: 22 }, { header: '项目名称', width: 26 },
    { header: '得分率', width: 8, numFmt: '0.0%' },
    ...rubric.criteria.map((c) => ({ header: `${c.id} ${c.text.slice(0, 14)}${c.text.length > 14 ? '…' : ''}`, width: 10 })),
    ...(withEvidence ? [{ header: '佐证文件数', width: 8 }, { header: '达到但无佐证', width: 8 }, ...rubric.criteria.map((c) => ({ header: `${c.id} 佐证`, width: 8 }))] : []),
  ], 8);
  const shareDetail = sharedStyles();
  rows.forEach((r, i) => {
    const evidence = withEvidence
      ? [
          rubric.criteria.reduce((n, c) => n + evidenceOf(r, c.id), 0),
          rubric.criteria.filter((c) => r.project.answers[c.id] === '达到' && !evidenceOf(r, c.id)).length,
          ...rubric.criteria.map((c) => evidenceOf(r, c.id)),
        ]
      : [];
    shareDetail(detail.addRow([i + 1, r.project.district, r.entry.submission.reporter.unit, r.project.projectName, r.score.rate, ...rubric.criteria.map((c) => r.project.answers[c.id] ?? ''), ...evidence])).commit();
  });
  // The 佐证 counts are for screens and tools: the printed page keeps the answers at a readable scale.
  if (withEvidence) detail.pageSetup.printArea = `A$1:${colLetter(5 + rubric.criteria.length)}$${rows.length + 1}`;
  detail.commit();

  const districts = [...new Set(rows.map((r) => r.project.district))].sort((a, b) => districtOrder(a) - districtOrder(b));
  for (const d of districts) {
    const ws = addSheet(wb, d.slice(0, 31), masterColumns);
    writeRows(ws, rows.filter((r) => r.project.district === d));
    ws.commit();
  }

  const stats = addSheet(wb, '统计', [
    { header: '旗县区', width: 20 }, { header: '填报单位数', width: 10 }, { header: '项目数', width: 8 },
    { header: '平均得分率', width: 10, numFmt: '0.0%' }, { header: '具备七有一好八规范', width: 12 }, { header: '达标率', width: 8, numFmt: '0.0%' },
  ]);
  const statRow = (name: string, list: Row[]) => {
    const units = new Set(list.map((r) => submissionUnitKey(r.entry.submission))).size;
    const avg = meanRate(list.map((r) => r.score));
    const met = list.filter((r) => r.score.met).length;
    stats.addRow([name, units, list.length, avg, met, list.length ? round4(met / list.length) : 0]).commit();
  };
  for (const d of districts) statRow(d, rows.filter((r) => r.project.district === d));
  statRow('合计', rows);
  stats.commit();

  const byEntry = entryRows(resolution, chosen);
  let files = [...chosen.map((e) => byEntry.get(e)!), ...(opts.unread ?? [])];
  if (opts.order) {
    const rank = new Map(opts.order.map((f, i) => [f, i]));
    files = files.map((f, i) => ({ f, i })).sort((a, b) => (rank.get(a.f.file) ?? opts.order!.length + a.i) - (rank.get(b.f.file) ?? opts.order!.length + b.i)).map((x) => x.f);
  }
  const list = addSheet(wb, FILE_LIST_SHEET, FILE_LIST_COLUMNS.map((header, i) => ({ header, width: [40, 34, 10, 100][i]! })));
  for (const f of files) {
    const row = list.addRow([f.file, f.unit && f.district ? `${f.unit}（${f.district}）` : f.unit, f.result, f.reason]);
    row.alignment = { vertical: 'top', wrapText: true };
    row.commit();
  }
  list.commit();
  await wb.commit();
  return {
    submissions: resolution.counted.length,
    projects: rows.length,
    replaced: resolution.replaced.map((r) => ({ source: r.entry.label, by: r.by.label })),
    duplicates: resolution.duplicates.map((d) => ({ source: d.entry.label, projectName: d.project.projectName, keptIn: d.keptIn.label })),
    files,
    districts,
  };
}
