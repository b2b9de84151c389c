/**
 * Consolidated workbooks (district and master) per docs/architecture.md, rendered row by row straight to worksheet
 * XML and streamed (xlsx-stream.ts over core/ooxml/sheet-stream.ts):
 * 附件2汇总 (the six 附件2 columns first, then district, unit, scores, state and provenance), 细则明细 (project × criterion),
 * one sheet per 旗县区, 统计 and 文件清单 (every input with its outcome). Identity rules (core/identity.ts): one entry
 * per (unit, workbook), each project of a unit counted once. Values only: scores are recomputed from the answers, and
 * user text is always written as a string cell, never as a formula.
 */
import type { Writable } from 'node:stream';
import { currentRubric, type Rubric } from '../../rubric';
import { DISTRICTS } from '../../districts';
import type { Project, Submission } from '../../schema';
import { meanRate, round4, scoreTotals, type ScoreTotals } from '../../score';
import { FORM_HEADERS } from '../../workbook/contract';
import { attachment2Row } from '../../workbook/attachment2';
import { beijingTime } from '../../time';
import { compareZh } from '../../text';
import { rowHeight, wrappedLines } from '../../workbook/layout';
import { entryRows, resolveEntries, type FileRow } from '../../identity';
import type { NumFmt } from '../../ooxml/sheet-stream';
import { XlsxStream, type StreamRow, type StreamSheet } from './xlsx-stream';

export interface MergeEntry {
  submission: Submission;
  state?: string;
  version?: number;
  submittedAt?: string;
  late?: boolean;
  sourceFile?: string;
  /** The server's id of the submission (提交编号 column); the workbook id when absent. */
  id?: string;
  /** How reasons name this entry (file name, or 提交编号 on the server); default the file name. */
  label?: string;
  /** 佐证材料 per project (序号) and criterion, when the entry comes from the server: adds 佐证 columns to 细则明细. */
  evidence?: Record<number, Record<string, number>>;
}

export interface MergeReport {
  submissions: number;
  projects: number;
  /** Entries replaced by a later copy of the same (unit, workbook). */
  replaced: Array<{ source: string; by: string }>;
  /** Projects counted in another submission of the same unit. */
  duplicates: Array<{ source: string; projectName: string; keptIn: string }>;
  /** The 文件清单: every input with its outcome. */
  files: FileRow[];
  districts: string[];
}

export interface MergeOptions {
  /** Only this 旗县区 (by the reporter's district). */
  district?: string;
  rubric?: Rubric;
  /** Rows for inputs that were not read (拒收, 有问题, 忽略), listed on 文件清单 after the entries. */
  unread?: FileRow[];
  /** The order of 文件清单 by file (default: entries as given, then `unread`). */
  order?: string[];
  title?: string;
}

interface Row {
  entry: MergeEntry;
  project: Project;
  score: ScoreTotals;
}

export const MASTER_COLUMNS = [
  ...FORM_HEADERS,
  '所属旗县区', '填报单位', '得分', '满分', '得分率', '达标', '完成度', '状态', '逾期', '版本', '提交时间', '来源文件', '提交编号', '细则版本',
] as const;


const districtOrder = (d: string) => {
  const i = DISTRICTS.indexOf(d);
  return i < 0 ? DISTRICTS.length : i;
};

// Widths that fit the content (2023-04-01—2025-10-31 does not wrap) and a landscape page at a readable scale.
const MASTER_WIDTHS = [5, 18, 30, 8, 13, 22, 11, 18, 6, 6, 7, 5, 7, 8, 5, 5, 16, 20, 38, 8];
/** Printed columns of 附件2汇总 and the district sheets: up to 提交时间 (来源文件, 提交编号, 细则版本 are for tools). */
const MASTER_PRINTED = MASTER_COLUMNS.indexOf('提交时间') + 1;
const MASTER_FORMATS: Record<number, NumFmt> = { 4: '@', 10: '0.0%', 12: '0.0%' };

function masterRow(r: Row, seq: number): Array<string | number> {
  const { entry, project: p, score } = r;
  return [
    ...attachment2Row(p, seq),
    p.district, entry.submission.reporter.unit, score.total, score.max, score.rate, score.met ? '是' : '否', score.completion,
    entry.state ?? '', entry.late ? '是' : '', entry.version ?? '', beijingTime(entry.submittedAt), entry.sourceFile ?? '',
    entry.id ?? entry.submission.submissionId, entry.submission.rubric.edition,
  ];
}

const CREATOR = '包头企业党建联盟 redsite';

/**
 * Rows by 旗县区 (DISTRICTS order), unit name (zh-CN collation) and 序号, stable. Each distinct unit name is collated
 * once (names that collate equal share a rank), so the sort itself compares numbers.
 */
function sortRows(rows: Row[]): Row[] {
  const names = [...new Set(rows.map((r) => r.entry.submission.reporter.unit))].sort(compareZh);
  const rank = new Map<string, number>();
  names.forEach((name, i) => rank.set(name, i > 0 && compareZh(names[i - 1]!, name) === 0 ? rank.get(names[i - 1]!)! : i));
  const keyed = rows.map((r) => ({ r, district: districtOrder(r.project.district), unit: rank.get(r.entry.submission.reporter.unit)! }));
  keyed.sort((a, b) => a.district - b.district || a.unit - b.unit || a.r.project.seq - b.r.project.seq);
  return keyed.map((k) => k.r);
}

/** The consolidated workbook's content, the same whoever renders it. */
function plan(entries: readonly MergeEntry[], opts: MergeOptions) {
  const rubric = opts.rubric ?? currentRubric();
  const chosen = (opts.district ? entries.filter((e) => e.submission.reporter.district === opts.district) : [...entries]).map((e) => ({
    ...e, label: e.label ?? e.sourceFile ?? e.id ?? e.submission.submissionId,
  }));
  const resolution = resolveEntries(chosen);
  const rows: Row[] = sortRows(resolution.counted.flatMap(({ entry, projects }) => projects.map((project) => ({ entry, project, score: scoreTotals(project.answers, rubric) }))));
  const districts = [...new Set(rows.map((r) => r.project.district))].sort((a, b) => districtOrder(a) - districtOrder(b));
  const byEntry = entryRows(resolution, chosen);
  let files = [...chosen.map((e) => byEntry.get(e)!), ...(opts.unread ?? [])];
  if (opts.order) {
    const rank = new Map(opts.order.map((f, i) => [f, i]));
    files = files.map((f, i) => ({ f, i })).sort((a, b) => (rank.get(a.f.file) ?? opts.order!.length + a.i) - (rank.get(b.f.file) ?? opts.order!.length + b.i)).map((x) => x.f);
  }
  return { rubric, resolution, rows, districts, files };
}

const MASTER_SHEET_COLUMNS = MASTER_COLUMNS.map((header, i) => ({ header, width: MASTER_WIDTHS[i] ?? 12, numFmt: MASTER_FORMATS[i] }));

/**
 * A project's master row appears twice (附件2汇总 and its 旗县区's sheet) under a different 序号: its other values and
 * the lines they wrap to are worked out once. The height is rowHeight() of the printed cells, split as
 * max(lines of 序号, lines of the rest).
 */
function masterRowsOf(rows: readonly Row[]): (list: readonly Row[]) => Generator<StreamRow> {
  const known = new Map<Row, { values: Array<string | number>; lines: number }>();
  const prepare = (r: Row) => {
    const values = masterRow(r, 0);
    let lines = 1;
    for (let c = 1; c < MASTER_PRINTED; c++) {
      const v = values[c];
      if (v !== '' && v !== undefined) lines = Math.max(lines, wrappedLines(String(v), MASTER_WIDTHS[c] ?? 10));
    }
    return { values, lines };
  };
  for (const r of rows) known.set(r, prepare(r));
  return function* (list) {
    for (let i = 0; i < list.length; i++) {
      const { values, lines } = known.get(list[i]!)!;
      const row = values.slice();
      row[0] = i + 1;
      yield { values: row, wrap: true, height: lineHeight(Math.max(lines, wrappedLines(String(i + 1), MASTER_WIDTHS[0]!))) };
    }
  };
}

const heights: number[] = [];
/** rowHeight()'s points for a number of lines (11 pt text). */
const lineHeight = (lines: number) => (heights[lines] ??= rowHeight([''.padEnd(lines - 1, '\n')], [100]));

/**
 * Writes the district or master workbook to `out` (ended when done) and reports what it counted: rows are rendered
 * straight to worksheet XML and streamed, so the cost is the text, not a cell model.
 */
export async function writeMaster(entries: readonly MergeEntry[], out: Writable, opts: MergeOptions = {}): Promise<MergeReport> {
  const { rubric, resolution, rows, districts, files } = plan(entries, opts);
  const xlsx = new XlsxStream(out, CREATOR);
  const master = (name: string): StreamSheet => ({ name, columns: MASTER_SHEET_COLUMNS, printColumns: MASTER_PRINTED });
  const masterRows = masterRowsOf(rows);
  await xlsx.sheet(master('附件2汇总'), masterRows(rows));

  // With evidence (server exports): after the answers to every criterion, 佐证 files per criterion and 达到 answers without any.
  const withEvidence = rows.some((r) => r.entry.evidence);
  const evidenceOf = (r: Row, id: string) => r.entry.evidence?.[r.project.seq]?.[id] ?? 0;
  const criteria = rubric.criteria;
  const detail: StreamSheet = {
    name: '细则明细',
    paperSize: 8,
    columns: [
      { header: '序号', width: 6 }, { header: '所属旗县区', width: 14 }, { header: '填报单位', width: 22 }, { header: '项目名称', width: 26 },
      { header: '得分率', width: 8, numFmt: '0.0%' },
      ...criteria.map((c) => ({ header: `${c.id} ${c.text.slice(0, 14)}${c.text.length > 14 ? '…' : ''}`, width: 10 })),
      ...(withEvidence ? [{ header: '佐证文件数', width: 8 }, { header: '达到但无佐证', width: 8 }, ...criteria.map((c) => ({ header: `${c.id} 佐证`, width: 8 }))] : []),
    ],
    // The 佐证 counts are for screens and tools: the printed page keeps the answers at a readable scale.
    ...(withEvidence ? { printColumns: 5 + criteria.length } : {}),
  };
  function* detailRows(): Generator<StreamRow> {
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const answers = r.project.answers;
      const values: Array<string | number> = [i + 1, r.project.district, r.entry.submission.reporter.unit, r.project.projectName, r.score.rate];
      for (const c of criteria) values.push(answers[c.id] ?? '');
      if (withEvidence) {
        let files = 0;
        let unproved = 0;
        for (const c of criteria) {
          const n = evidenceOf(r, c.id);
          files += n;
          if (answers[c.id] === '达到' && !n) unproved++;
        }
        values.push(files, unproved);
        for (const c of criteria) values.push(evidenceOf(r, c.id));
      }
      yield { values };
    }
  }
  await xlsx.sheet(detail, detailRows());

  for (const d of districts) await xlsx.sheet(master(d.slice(0, 31)), masterRows(rows.filter((r) => r.project.district === d)));

  const unitKeys = new Map<MergeEntry, string>(resolution.counted.map(({ entry, unitKey }) => [entry, unitKey]));
  const statRow = (name: string, list: Row[]): StreamRow => {
    const units = new Set(list.map((r) => unitKeys.get(r.entry))).size;
    const met = list.filter((r) => r.score.met).length;
    return { values: [name, units, list.length, meanRate(list.map((r) => r.score)), met, list.length ? round4(met / list.length) : 0] };
  };
  await xlsx.sheet(
    {
      name: '统计',
      columns: [
        { header: '旗县区', width: 20 }, { header: '填报单位数', width: 10 }, { header: '项目数', width: 8 },
        { header: '平均得分率', width: 10, numFmt: '0.0%' }, { header: '具备七有一好八规范', width: 12 }, { header: '达标率', width: 8, numFmt: '0.0%' },
      ],
    },
    [...districts.map((d) => statRow(d, rows.filter((r) => r.project.district === d))), statRow('合计', rows)],
  );

  await xlsx.sheet(
    { name: FILE_LIST_SHEET, columns: FILE_LIST_COLUMNS.map((header, i) => ({ header, width: [40, 34, 10, 100][i]! })) },
    files.map((f) => ({ values: [f.file, f.unit && f.district ? `${f.unit}（${f.district}）` : f.unit, f.result, f.reason], wrap: true })),
  );
  await xlsx.finish();
  return {
    submissions: resolution.counted.length,
    projects: rows.length,
    replaced: resolution.replaced.map((r) => ({ source: r.entry.label, by: r.by.label })),
    duplicates: resolution.duplicates.map((d) => ({ source: d.entry.label, projectName: d.project.projectName, keptIn: d.keptIn.label })),
    files,
    districts,
  };
}

export const FILE_LIST_SHEET = '文件清单';
export const FILE_LIST_COLUMNS = ['文件', '单位', '结果', '原因'] as const;
