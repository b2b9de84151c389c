/**
 * The 观摩 shortlist for the June showcase (the notice plans a city-wide 观摩 of 红色工地): ranks approved projects,
 * keeps those that 具备七有一好八规范, applies an optional per-district quota and a total count, and lists per project
 * the criteria not yet 达到 so the visit can check them. Pure: the server and the CLI feed it stored submissions.
 */
import { currentRubric, type Rubric } from './rubric';
import { chineseCount, compareZh } from './text';
import type { Project, Reporter } from './schema';
import { scoreProject, formatRate, type ProjectScore } from './score';

export interface ShowcaseCandidate {
  submissionId: string;
  reporter: Reporter;
  project: Project;
  state?: string;
}

export interface ShowcaseOptions {
  /** Only submissions in this review state take part (default 已审核); null = any state. */
  state?: string | null;
  /** At most this many projects per 旗县区 (by the project's district). */
  perDistrict?: number;
  /** At most this many projects in all. */
  limit?: number;
  /** Keep projects that are not 具备七有一好八规范 too (ranked after the others). Default false. */
  includeUnmet?: boolean;
}

export interface ShowcaseEntry extends ShowcaseCandidate {
  rank: number;
  score: ProjectScore;
  metSections: number;
  /** Criteria whose answer is not 达到 (blank, 部分达到 or 未达到; 不适用 excluded), in rubric order. */
  gaps: Array<{ id: string; text: string; answer: string }>;
}

export interface Showcase {
  rule: string;
  entries: ShowcaseEntry[];
  /** Projects that were ranked: in the chosen review state and, unless includeUnmet, 具备七有一好八规范. */
  considered: number;
}

export function describeRule(opts: ShowcaseOptions, rubric: Rubric = currentRubric()): string {
  const state = opts.state === undefined ? '已审核' : opts.state;
  const parts = [
    state ? `范围：审核状态为“${state}”的项目` : '范围：全部已提交项目',
    opts.includeUnmet ? '不具备“七有一好八规范”的项目排在具备的项目之后' : `筛选：具备“七有一好八规范”（${chineseCount(rubric.sections.length)}个版块均达标）`,
    '排序：得分率从高到低；相同时达标版块多者优先；再相同时开工日期早者优先',
  ];
  if (opts.perDistrict) parts.push(`每个旗县区最多 ${opts.perDistrict} 个`);
  if (opts.limit) parts.push(`共取前 ${opts.limit} 个`);
  return parts.join('；');
}

export function buildShowcase(candidates: readonly ShowcaseCandidate[], rubric: Rubric, opts: ShowcaseOptions = {}): Showcase {
  const state = opts.state === undefined ? '已审核' : opts.state;
  const scored = candidates
    .filter((c) => !state || c.state === state)
    .map((c) => {
      const score = scoreProject(c.project.answers, rubric);
      return { ...c, score, metSections: score.sections.filter((s) => s.met).length };
    })
    .filter((c) => opts.includeUnmet || c.score.met);

  scored.sort(
    (a, b) =>
      Number(b.score.met) - Number(a.score.met) ||
      b.score.rate - a.score.rate ||
      b.metSections - a.metSections ||
      a.project.startDate.localeCompare(b.project.startDate) ||
      compareZh(a.project.enterprise, b.project.enterprise) ||
      a.project.seq - b.project.seq,
  );

  const perDistrict = new Map<string, number>();
  const entries: ShowcaseEntry[] = [];
  for (const c of scored) {
    if (opts.limit && entries.length >= opts.limit) break;
    const district = c.project.district;
    const used = perDistrict.get(district) ?? 0;
    if (opts.perDistrict && used >= opts.perDistrict) continue;
    perDistrict.set(district, used + 1);
    const gaps = rubric.criteria
      .filter((k) => c.project.answers[k.id] !== '达到' && c.project.answers[k.id] !== '不适用')
      .map((k) => ({ id: k.id, text: k.text, answer: c.project.answers[k.id] ?? '未填' }));
    entries.push({ ...c, rank: entries.length + 1, gaps });
  }
  return { rule: describeRule(opts, rubric), entries, considered: scored.length };
}

/** One line per entry for logs and the CLI: “1. 东河区 某公司 某项目 98.2%”. */
export function showcaseLine(e: ShowcaseEntry): string {
  return `${e.rank}. ${e.project.district} ${e.project.enterprise} ${e.project.projectName} ${formatRate(e.score.rate)}`;
}
