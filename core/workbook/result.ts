/** What every workbook reader returns: the Submission when it validated, scores, and the issue list. */
import type { Issue } from '../issues';
import type { ProjectScore } from '../score';
import type { Submission } from '../schema';

export interface ParseResult {
  /** unit: a redsite workbook; plain: a bare 附件2 table (no self-assessment); rejected: not readable. */
  kind: 'unit' | 'plain' | 'rejected';
  /** Present when the content validated without errors (warnings allowed). */
  submission?: Submission;
  /** Scores of every project read (also when there are errors, from the valid answers), in project order. */
  scores: ProjectScore[];
  issues: Issue[];
}

export function rejected(message: string, field = 'file'): ParseResult {
  return { kind: 'rejected', scores: [], issues: [{ severity: 'error', field, message }] };
}
