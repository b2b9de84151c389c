/**
 * Scoring per project, from the answers alone (cached workbook results are never trusted):
 * 得分 = Σ option values; 满分 = applicable criteria (not 不适用, blanks included); 得分率 = 得分/满分;
 * 完成度 = answered/all; group, 版块 and overall 达标 per the rubric's rules. The workbook's formulas compute the same.
 */
import type { AnswerOption, Rubric, Rule } from './rubric';

export type AnswerMap = Partial<Record<string, AnswerOption>>;

export interface GroupScore {
  id: string;
  name: string;
  sectionId: string;
  total: number;
  max: number;
  met: boolean;
}

export interface SectionScore {
  id: string;
  name: string;
  total: number;
  max: number;
  met: boolean;
}

export interface ProjectScore {
  total: number;
  max: number;
  /** 得分 / 满分, rounded to 4 decimals; 0 when nothing is applicable. */
  rate: number;
  /** answered / number of criteria, rounded to 4 decimals (不适用 counts as answered). */
  completion: number;
  answered: number;
  /** 具备七有一好八规范: every 版块 达标. */
  met: boolean;
  groups: GroupScore[];
  sections: SectionScore[];
}

export const round4 = (x: number): number => Math.round(x * 10000) / 10000;

/** The average 得分率 of some projects (0 for none), rounded like every rate: lists, 概览 and the 统计 sheet. */
export const meanRate = (scores: ReadonlyArray<{ rate: number }>): number => (scores.length ? round4(scores.reduce((n, s) => n + s.rate, 0) / scores.length) : 0);

/**
 * all: at least one applicable item and every applicable item 达到 (a group that is wholly 不适用 is not 达标:
 * nothing was shown); any: at least one item 达到.
 */
export function groupMet(rule: Rule, answers: ReadonlyArray<AnswerOption | undefined>): boolean {
  return metByCounts(rule === 'any', answers.filter((a) => a === '达到').length, answers.filter((a) => a !== '不适用').length);
}

/** groupMet's rule on a group's counts: items 达到, and items applicable (not 不适用). */
function metByCounts(any: boolean, reached: number, applicable: number): boolean {
  return any ? reached >= 1 : applicable > 0 && reached === applicable;
}

/** What a consolidated row shows of a project's score: scoreProject's figures without the groups and 版块. */
export type ScoreTotals = Pick<ProjectScore, 'total' | 'max' | 'rate' | 'completion' | 'met'>;

/** A rubric laid out for scoring: criterion ids in order, where each group ends, its rule and its 版块. */
interface Plan {
  ids: string[];
  groupEnd: number[];
  groupAny: boolean[];
  groupSection: number[];
  sectionTotal: number[];
  sectionMax: number[];
  sectionMet: boolean[];
}
const plans = new WeakMap<Rubric, Plan>();

function planOf(rubric: Rubric): Plan {
  let plan = plans.get(rubric);
  if (!plan) {
    const groupEnd: number[] = [];
    let end = 0;
    for (const g of rubric.groups) groupEnd.push((end += g.criteria.length));
    const n = rubric.sections.length;
    plan = {
      ids: rubric.groups.flatMap((g) => g.criteria.map((c) => c.id)),
      groupEnd,
      groupAny: rubric.groups.map((g) => g.rule === 'any'),
      groupSection: rubric.groups.map((g) => rubric.sections.findIndex((sec) => sec.id === g.sectionId)),
      sectionTotal: new Array<number>(n).fill(0),
      sectionMax: new Array<number>(n).fill(0),
      sectionMet: new Array<boolean>(n).fill(true),
    };
    plans.set(rubric, plan);
  }
  return plan;
}

/**
 * The one scoring loop (every export scores every project): flat over the rubric laid out once, groupMet's rule
 * (metByCounts) and the 版块's, each group handed to `onGroup` when given. The plan's 版块 sums hold this project's
 * figures until the next call.
 */
function tally(answers: AnswerMap, rubric: Rubric, onGroup?: (g: number, total: number, max: number, met: boolean) => void): ScoreTotals & { answered: number } {
  const plan = planOf(rubric);
  const { ids, groupEnd, groupAny, groupSection, sectionTotal, sectionMax, sectionMet } = plan;
  const values = rubric.optionValue;
  sectionTotal.fill(0);
  sectionMax.fill(0);
  sectionMet.fill(true);
  let answered = 0;
  let i = 0;
  for (let g = 0; g < groupEnd.length; g++) {
    let total = 0;
    let max = 0;
    let reached = 0;
    let applicable = 0;
    for (const end = groupEnd[g]!; i < end; i++) {
      const a = answers[ids[i]!];
      if (a !== undefined) answered++;
      const value = a === undefined ? 0 : values[a];
      if (value !== null) {
        total += value;
        max += 1;
      }
      if (a === '达到') reached++;
      if (a !== '不适用') applicable++;
    }
    const met = metByCounts(groupAny[g]!, reached, applicable);
    onGroup?.(g, total, max, met);
    const s = groupSection[g]!;
    if (s < 0) continue;
    sectionTotal[s] = sectionTotal[s]! + total;
    sectionMax[s] = sectionMax[s]! + max;
    if (!met) sectionMet[s] = false;
  }
  let total = 0;
  let max = 0;
  let met = true;
  for (let s = 0; s < sectionTotal.length; s++) {
    total += sectionTotal[s]!;
    max += sectionMax[s]!;
    met &&= sectionMet[s]!;
  }
  return { total, max, rate: max === 0 ? 0 : round4(total / max), completion: round4(answered / rubric.criteria.length), met, answered };
}

export function scoreProject(answers: AnswerMap, rubric: Rubric): ProjectScore {
  const groups: GroupScore[] = [];
  const { total, max, rate, completion, met, answered } = tally(answers, rubric, (g, total, max, met) => {
    const group = rubric.groups[g]!;
    groups.push({ id: group.id, name: group.name, sectionId: group.sectionId, total, max, met });
  });
  const { sectionTotal, sectionMax, sectionMet } = planOf(rubric);
  const sections: SectionScore[] = rubric.sections.map((s, k) => ({ id: s.id, name: s.name, total: sectionTotal[k]!, max: sectionMax[k]!, met: sectionMet[k]! }));
  return { total, max, rate, completion, answered, met, groups, sections };
}

/**
 * The same figures as scoreProject, for writers that score thousands of projects once each: no per-group or per-版块
 * objects.
 */
export function scoreTotals(answers: AnswerMap, rubric: Rubric): ScoreTotals {
  const { total, max, rate, completion, met } = tally(answers, rubric);
  return { total, max, rate, completion, met };
}

export function scoreSubmission(submission: { projects: ReadonlyArray<{ answers: AnswerMap }> }, rubric: Rubric): ProjectScore[] {
  return submission.projects.map((p) => scoreProject(p.answers, rubric));
}

/** “85.5%” style text used by every view. */
export function formatRate(rate: number): string {
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}
