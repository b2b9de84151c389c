/** What changed between two kept versions of a submission: 填报信息 and project fields, and self-assessments. */
import type { DB } from './db';
import type { Submission } from '../core/schema';
import { currentRubric } from '../core/rubric';
import { FIELD_LABELS } from '../core/messages';
import { findSubmissionRow, keptVersion } from './submissions';

const PROJECT_FIELDS = ['enterprise', 'projectName', 'address', 'scale', 'leader', 'phone', 'startDate', 'endDate', 'district', 'remark'] as const;
const REPORTER_FIELDS = ['unit', 'district', 'contact', 'phone', 'date'] as const;

export function diffVersions(db: DB, id: string, from: number, to: number) {
  findSubmissionRow(db, id);
  const a = JSON.parse(keptVersion(db, id, from).body) as Submission;
  const b = JSON.parse(keptVersion(db, id, to).body) as Submission;
  const fields: Array<{ project: number | null; field: string; label: string; before: string; after: string }> = [];
  const answers: Array<{ project: number; criterion: string; before: string; after: string }> = [];
  for (const f of REPORTER_FIELDS) {
    const [x, y] = [a.reporter[f] ?? '', b.reporter[f] ?? ''];
    if (x !== y) fields.push({ project: null, field: `reporter.${f}`, label: `填报信息 · ${FIELD_LABELS[f]}`, before: String(x), after: String(y) });
  }
  const seqs = [...new Set([...a.projects.map((p) => p.seq), ...b.projects.map((p) => p.seq)])].sort((x, y) => x - y);
  for (const seq of seqs) {
    const pa = a.projects.find((p) => p.seq === seq);
    const pb = b.projects.find((p) => p.seq === seq);
    if (!pa || !pb) {
      fields.push({ project: seq, field: 'project', label: `项目 ${seq}`, before: pa ? pa.projectName : '（无）', after: pb ? pb.projectName : '（已删除）' });
      continue;
    }
    for (const f of PROJECT_FIELDS) {
      const [x, y] = [pa[f] ?? '', pb[f] ?? ''];
      if (x !== y) fields.push({ project: seq, field: f, label: FIELD_LABELS[f], before: String(x), after: String(y) });
    }
    for (const c of currentRubric().criteria) {
      const [x, y] = [pa.answers[c.id] ?? '', pb.answers[c.id] ?? ''];
      if (x !== y) answers.push({ project: seq, criterion: c.id, before: x || '未填', after: y || '未填' });
    }
  }
  return { from, to, fields, answers };
}
