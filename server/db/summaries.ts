/**
 * The summary every stored version gets (table version_summaries, written with the version; migration 4 backfilled
 * the older ones): what lists, figures and the per-unit quota read instead of stored bodies (server/versions.ts).
 * Here, below both the migrations and the queries, so neither has to import the other.
 */
import type { Submission } from '../../core/schema';
import type { ProjectScore } from '../../core/score';
import { meanRate } from '../../core/score';
import { normalizeProjectName, submissionUnitKey, type IdentityView } from '../../core/identity';
import { stmt, type DB } from './statements';

/** One project as lists and figures need it, with its name as the identity rules compare it (`nameKey`). */
export interface ProjectSummary {
  seq: number;
  projectName: string;
  nameKey: string;
  rate: number;
  met: boolean;
}

/** What lists and figures read of a version (version_summaries.summary); enough for the identity rules (重复项目). */
export interface VersionSummary extends IdentityView {
  reporter: { unit: string; district: string };
  unitKey: string;
  projects: ProjectSummary[];
}

/** Criteria answered 达到, per project 序号 (version_summaries.achieved): 达到 without 佐证 in 概览. */
export type Achieved = Record<number, string[]>;

/** The summary columns of a version (version_summaries), computed once when it is stored. */
export interface SummaryColumns {
  submitted_at: string;
  file_name: string | null;
  file_sha256: string | null;
  summary: string;
  achieved: string;
  search_text: string;
  project_count: number;
  avg_rate: number;
  met_count: number;
  body_bytes: number;
}

/**
 * Summary columns of a version: `search` is what the list's search box matches (unit, 旗县区 and 提交编号 of the
 * submission, and each project's name, enterprise, address and leader), lower-cased once here.
 */
export function summarize(
  submission: Submission, scores: readonly ProjectScore[], body: string,
  own: { id: string; unit: string; district: string; created_at: string; file_name: string | null; file_sha256: string | null },
): SummaryColumns {
  const summary: VersionSummary = {
    submissionId: submission.submissionId,
    reporter: { unit: submission.reporter.unit, district: submission.reporter.district },
    unitKey: submissionUnitKey(submission),
    projects: submission.projects.map((p, i) => ({ seq: p.seq, projectName: p.projectName, nameKey: normalizeProjectName(p.projectName), rate: scores[i]?.rate ?? 0, met: scores[i]?.met ?? false })),
  };
  const achieved: Achieved = Object.fromEntries(submission.projects.map((p) => [p.seq, Object.entries(p.answers).filter(([, a]) => a === '达到').map(([c]) => c)]));
  return {
    submitted_at: own.created_at, file_name: own.file_name, file_sha256: own.file_sha256,
    summary: JSON.stringify(summary),
    achieved: JSON.stringify(achieved),
    search_text: [own.unit, own.district, own.id, ...submission.projects.flatMap((p) => [p.projectName, p.enterprise, p.address, p.leader])].join('\n').toLowerCase(),
    project_count: scores.length,
    avg_rate: meanRate(scores),
    met_count: scores.filter((s) => s.met).length,
    body_bytes: Buffer.byteLength(body),
  };
}

const COLUMNS = ['submitted_at', 'file_name', 'file_sha256', 'summary', 'achieved', 'search_text', 'project_count', 'avg_rate', 'met_count', 'body_bytes'] as const;

/** Stores the summary of one stored version. */
export function writeSummary(db: DB, submissionId: string, version: number, c: SummaryColumns): void {
  stmt(db, `INSERT INTO version_summaries (submission_id, version, ${COLUMNS.join(', ')}) VALUES (@submissionId, @version, ${COLUMNS.map((k) => `@${k}`).join(', ')})`).run({ ...c, submissionId, version });
}
