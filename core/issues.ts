/**
 * Validation issues: one list of {sheet, cell, field, message} in Chinese drives the add-in panel, the CLI output and
 * the HTTP 422 body. validateSubmission turns zod's issues into that list, placing each on a cell when it can.
 */
import * as z from 'zod';
import type { Rubric } from './rubric';
import { submissionSchema, type Submission } from './schema';
import { MSG } from './messages';

export const IssueSchema = z.object({
  severity: z.enum(['error', 'warning']),
  sheet: z.string().optional(),
  cell: z.string().optional(),
  /** Machine path of the field, e.g. projects.1.phone or projects.0.answers.A01-1. */
  field: z.string(),
  message: z.string(),
  /** Further cells of the same sheet the issue is about (e.g. a project's blank answers), marked in the annotated workbook. */
  cells: z.array(z.string()).optional(),
});
export type Issue = z.infer<typeof IssueSchema>;

export type IssuePath = ReadonlyArray<PropertyKey>;
/** Maps a field path to the sheet and cell where the user can fix it (the workbook contract provides one). */
export type Locator = (path: IssuePath) => { sheet: string; cell?: string } | undefined;

export function fieldPath(path: IssuePath): string {
  return path.map(String).join('.');
}

/** “项目 3 · ” style prefix so a message is understandable without its cell (JSON uploads, CLI summaries). */
export function contextOf(input: unknown, path: IssuePath): string {
  if (path[0] !== 'projects' || typeof path[1] !== 'number') return path[0] === 'reporter' ? '填报信息：' : '';
  const projects = (input as { projects?: Array<{ seq?: unknown }> } | undefined)?.projects;
  const seq = projects?.[path[1]]?.seq;
  const label = typeof seq === 'number' || (typeof seq === 'string' && seq.trim()) ? String(seq) : String(path[1] + 1);
  const criterion = (path[2] === 'answers' || path[2] === 'notes') && typeof path[3] === 'string' ? ` · ${path[3]}` : '';
  return `项目 ${label}${criterion}：`;
}

export function makeIssue(
  input: unknown,
  path: IssuePath,
  message: string,
  severity: Issue['severity'] = 'error',
  locate?: Locator,
): Issue {
  const where = locate?.(path);
  return {
    severity,
    ...(where ? { sheet: where.sheet, ...(where.cell ? { cell: where.cell } : {}) } : {}),
    field: fieldPath(path),
    message: `${contextOf(input, path)}${message}`,
  };
}

export interface ValidationResult {
  submission?: Submission;
  issues: Issue[];
}

/** Validates anything claiming to be a Submission; errors are Issues, never exceptions. */
export function validateSubmission(input: unknown, rubric: Rubric, locate?: Locator): ValidationResult {
  const parsed = submissionSchema(rubric).safeParse(input);
  if (parsed.success) return { submission: parsed.data, issues: [] };
  const issues = parsed.error.issues.flatMap((i) => {
    // A record with enum keys reports unknown criterion IDs as one “unrecognized keys” issue: name each ID instead.
    if (i.code === 'unrecognized_keys' && (i.path.at(-1) === 'answers' || i.path.at(-1) === 'notes')) {
      return i.keys.map((key) => makeIssue(input, [...i.path, key], MSG.criterion(key, rubric.edition), 'error', locate));
    }
    return [makeIssue(input, i.path, i.message, 'error', locate)];
  });
  return { issues: dedupe(issues) };
}

function dedupe(issues: Issue[]): Issue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.field}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** How many issues one list shows: enough to work through, never a response that grows with the input. */
export const MAX_ISSUES = 200;
/** Field of the line that stands for the issues left out. */
export const MORE_ISSUES_FIELD = 'issues.more';

/**
 * The first `max` issues, then one line saying how many more there are. Errors go first so a capped list still
 * says why something was refused; a list with errors stays a list with errors.
 */
export function capIssues(issues: readonly Issue[], max = MAX_ISSUES): Issue[] {
  if (issues.length <= max) return [...issues];
  // Already capped (a reader capped it, the HTTP layer caps again): unchanged.
  if (issues.length === max + 1 && issues[max]!.field === MORE_ISSUES_FIELD) return [...issues];
  const ordered = [...issues.filter((i) => i.severity === 'error'), ...issues.filter((i) => i.severity !== 'error')];
  const shown = ordered.slice(0, max);
  const hidden = ordered.slice(max);
  const errors = hidden.filter((i) => i.severity === 'error').length;
  return [
    ...shown,
    {
      severity: errors > 0 ? 'error' : 'warning',
      field: MORE_ISSUES_FIELD,
      message: `另有 ${hidden.length} 处问题未列出${errors > 0 ? `（其中 ${errors} 处错误）` : ''}：请先修改以上问题后重新检查`,
    },
  ];
}

export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === 'error');
}

/** How an issue's severity is named to the person who fixes it. */
export const SEVERITY_LABEL = { error: '错误', warning: '提醒' } as const;

/** Where an issue is, as people read it: “申报表!E7”, “申报表”, or '' when it names no sheet. */
export function issuePlace(issue: Pick<Issue, 'sheet' | 'cell'>): string {
  return issue.sheet ? `${issue.sheet}${issue.cell ? `!${issue.cell}` : ''}` : '';
}

/** “申报表!E7 联系电话格式不正确…” — the one-line form used by the CLI and logs. */
export function formatIssue(issue: Issue): string {
  const where = issuePlace(issue);
  return `${SEVERITY_LABEL[issue.severity]} ${where ? `${where} ` : ''}${issue.message}`;
}

/** 第 N 个项目有 K 条细则未填: a project with some answers and some blanks (none at all is 尚未自评, said elsewhere). */
export const BLANK_MSG = (seq: number | string, blank: number) => `第 ${seq} 个项目有 ${blank} 条细则未填：请在《细则自评》补填（标注的工作簿中已标出未填的单元格）`;

/**
 * 提醒 for projects whose self-assessment is partly blank, with the blank answers' cells when a locator knows them.
 * Used by the workbook reader and for JSON submissions (the add-in), so both say the same.
 */
export function blankAnswerIssues(
  projects: ReadonlyArray<{ seq: number | string; answers: Record<string, unknown> }>,
  rubric: Rubric,
  locate?: Locator,
): Issue[] {
  const out: Issue[] = [];
  projects.forEach((p, i) => {
    const blank = rubric.criteria.filter((c) => {
      const a = p.answers[c.id];
      return a === undefined || a === null || (typeof a === 'string' && a.trim() === '');
    });
    if (blank.length === 0 || blank.length === rubric.criteria.length) return;
    const where = blank.map((c) => locate?.(['projects', i, 'answers', c.id])).filter((w): w is { sheet: string; cell?: string } => Boolean(w?.cell));
    out.push({
      severity: 'warning',
      ...(where[0] ? { sheet: where[0].sheet, cell: where[0].cell!, cells: where.slice(1).map((w) => w.cell!) } : {}),
      field: `projects.${i}.answers`,
      message: BLANK_MSG(p.seq, blank.length),
    });
  });
  return out;
}
