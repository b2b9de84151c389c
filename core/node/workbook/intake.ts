/**
 * E-mailed files, as `redsite import` and `redsite merge` see a folder: every input gets one row with its outcome
 * (汇总 / 已替换 / 重复项目 / 有问题 / 拒收 / 忽略) and the reason, decided by the identity rules of core/identity.ts
 * with the unit read from the file. `import` prints these rows, `merge` writes them as the 文件清单 sheet, so the two
 * commands always agree on what happened to a file.
 */
import { issuePlace, type Issue } from '../../issues';
import { entryRows, resolveEntries, type FileRow } from '../../identity';
import type { ParseResult } from '../../workbook/result';
import type { MergeEntry } from './merge';

export interface IntakeInput {
  /** The name shown for the file (relative to the folder given). */
  file: string;
  /** What the reader made of it; absent when the file was not read (see `ignored`). */
  result?: ParseResult;
  /** Why the file was not read at all (Office lock file, hidden file). */
  ignored?: string;
  /** File time: the later copy of the same (unit, workbook) wins. */
  submittedAt?: string;
}

export interface IntakeRow extends FileRow {
  kind: ParseResult['kind'] | 'ignored';
  projects: number;
  errors: number;
  warnings: number;
  submissionId: string | null;
  issues: Issue[];
}

export const INTAKE_MSG = {
  otherDistrict: (found: string, wanted: string) => `文件中的所属旗县区是${found || '（未填写）'}，不是指定的${wanted}：未汇总（如确属${wanted}，请让单位改正所属旗县区）`,
  noProjects: '没有可汇总的项目',
} as const;

/** The first errors of a result in one line: “申报表!G7 联系电话格式不正确…；…等 N 个问题”. */
export function firstErrors(r: ParseResult): string {
  const errors = r.issues.filter((i) => i.severity === 'error');
  const head = errors.slice(0, 3).map((i) => `${issuePlace(i) ? `${issuePlace(i)} ` : ''}${i.message}`);
  return errors.length > 3 ? `${head.join('；')} 等 ${errors.length} 个问题` : head.join('；');
}

export interface IntakeOptions {
  /** The 旗县区 these files belong to: files of another 旗县区 are not summarised (有问题, with the reason). */
  district?: string;
}

export function intake(inputs: readonly IntakeInput[], opts: IntakeOptions = {}): { rows: IntakeRow[]; entries: MergeEntry[] } {
  const entries: MergeEntry[] = [];
  const entryOf = new Map<IntakeInput, MergeEntry & { label: string }>();
  const rows = new Map<IntakeInput, IntakeRow>();
  for (const input of inputs) {
    const r = input.result;
    if (!r) {
      rows.set(input, { file: input.file, unit: '', district: '', result: '忽略', reason: input.ignored ?? '', kind: 'ignored', projects: 0, errors: 0, warnings: 0, submissionId: null, issues: [] });
      continue;
    }
    const errors = r.issues.filter((i) => i.severity === 'error').length;
    const common = { kind: r.kind, projects: r.projects.length, errors, warnings: r.issues.length - errors, submissionId: r.submission?.submissionId ?? null, issues: r.issues };
    const unit = r.submission?.reporter.unit ?? r.projects[0]?.enterprise ?? '';
    const district = r.submission?.reporter.district ?? '';
    if (r.kind === 'rejected') {
      rows.set(input, { file: input.file, unit, district, result: '拒收', reason: firstErrors(r), ...common });
    } else if (!r.submission) {
      rows.set(input, { file: input.file, unit, district, result: '有问题', reason: firstErrors(r) || INTAKE_MSG.noProjects, ...common });
    } else if (opts.district && r.submission.reporter.district !== opts.district) {
      rows.set(input, { file: input.file, unit, district, result: '有问题', reason: INTAKE_MSG.otherDistrict(r.submission.reporter.district, opts.district), ...common });
    } else {
      const entry = { submission: r.submission, sourceFile: input.file, label: input.file, ...(input.submittedAt ? { submittedAt: input.submittedAt } : {}) };
      entries.push(entry);
      entryOf.set(input, entry);
      rows.set(input, { file: input.file, unit, district, result: '汇总', reason: '', ...common });
    }
  }
  const decided = entryRows(resolveEntries([...entryOf.values()]), [...entryOf.values()]);
  for (const [input, entry] of entryOf) {
    const d = decided.get(entry)!;
    rows.set(input, { ...rows.get(input)!, result: d.result, reason: d.reason });
  }
  return { rows: inputs.map((i) => rows.get(i)!), entries };
}
