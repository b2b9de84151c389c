/** Fixtures built in code: a valid submission and seeded random answers. */
import { randomUUID } from 'node:crypto';
import { ANSWER_OPTIONS, currentRubric, type AnswerOption } from '../../core/rubric';
import { SUBMISSION_SCHEMA_ID } from '../../core/schema';

export function validProject(seq = 1, overrides: Record<string, unknown> = {}) {
  return {
    seq,
    enterprise: '包头市第一建筑工程有限公司',
    projectName: `北梁棚户区改造安置房${seq}号楼`,
    address: '包头市东河区北梁新区南二区',
    scale: '建筑面积 3.2 万平方米，地上 18 层',
    leader: '王建国',
    phone: '0472-7100945',
    startDate: '2023-04-01',
    endDate: '2025-10-31',
    district: '东河区',
    answers: {} as Record<string, string>,
    notes: {} as Record<string, string>,
    ...overrides,
  };
}

export function validSubmission(overrides: Record<string, unknown> = {}) {
  const rubric = currentRubric();
  return {
    schema: SUBMISSION_SCHEMA_ID,
    submissionId: randomUUID(),
    rubric: { edition: rubric.edition, hash: rubric.hash },
    reporter: { unit: '包头市第一建筑工程有限公司', district: '东河区', contact: '李红', phone: '13912345678' },
    projects: [validProject(1)],
    source: 'import',
    ...overrides,
  };
}

/** Deterministic pseudo-random generator (mulberry32) so failures reproduce. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random answers; about one in six left blank. */
export function randomAnswers(rand: () => number): Record<string, AnswerOption> {
  const out: Record<string, AnswerOption> = {};
  for (const c of currentRubric().criteria) {
    const r = rand();
    if (r < 1 / 6) continue;
    out[c.id] = ANSWER_OPTIONS[Math.floor(rand() * ANSWER_OPTIONS.length)]!;
  }
  return out;
}
