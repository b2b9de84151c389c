/** What every workbook reader returns: the Submission when it validated, scores, and the issue list. */
import type { Issue } from '../issues';
import type { ProjectScore } from '../score';
import type { Submission } from '../schema';
import type { ReporterField } from './contract';

export interface ParseResult {
  /** unit: a redsite workbook; plain: a bare 附件2 table (no self-assessment); rejected: not readable. */
  kind: 'unit' | 'plain' | 'rejected';
  /** Present when the content validated without errors (warnings allowed). */
  submission?: Submission;
  /** Scores of every project read (also when there are errors, from the valid answers), in project order. */
  scores: ProjectScore[];
  issues: Issue[];
  /** Who each score belongs to (also when the Submission did not validate). */
  projects: ProjectSummary[];
  /**
   * Where the reader found each 填报信息 field (申报表!B3 for 填报单位), when it knows: a refusal that concerns the
   * file's 填报单位 or 旗县区 (another unit's account) points there. A 附件2 table names what it took them from.
   */
  places?: Partial<Record<ReporterField, ReporterPlace>>;
}

export interface ReporterPlace {
  sheet: string;
  cell?: string;
}

export interface ProjectSummary {
  seq: number | string;
  enterprise: string;
  projectName: string;
  district: string;
}

export function summarize(projects: ReadonlyArray<Record<string, unknown>>): ProjectSummary[] {
  const text = (v: unknown) => (typeof v === 'string' ? v.trim() : v === undefined || v === null ? '' : String(v));
  return projects.map((p, i) => ({
    seq: typeof p.seq === 'number' ? p.seq : /^\d+$/.test(text(p.seq)) ? Number(text(p.seq)) : text(p.seq) || i + 1,
    enterprise: text(p.enterprise),
    projectName: text(p.projectName),
    district: text(p.district),
  }));
}

export function rejected(message: string, field = 'file'): ParseResult {
  return { kind: 'rejected', scores: [], projects: [], issues: [{ severity: 'error', field, message }] };
}
