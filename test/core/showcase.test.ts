import { currentRubric, type AnswerOption } from '../../core/rubric';
import { buildShowcase, describeRule, type ShowcaseCandidate } from '../../core/showcase';
import type { Project } from '../../core/schema';
import { validProject } from '../helpers/fixtures';

const rubric = currentRubric();
const allMet = (): Record<string, AnswerOption> => Object.fromEntries(rubric.criteria.map((c) => [c.id, '达到' as AnswerOption]));

let n = 0;
function candidate(district: string, answers: Record<string, AnswerOption>, extra: Partial<Project> = {}, state = '已审核'): ShowcaseCandidate {
  n++;
  const project = { ...validProject(n), district, answers, notes: {}, ...extra } as unknown as Project;
  return { submissionId: `s${n}`, reporter: { unit: `单位${n}`, district, contact: '甲', phone: '13912345678' }, project, state };
}

describe('buildShowcase', () => {
  test('ranks by 得分率, then 达标版块, then earlier 开工日期; only 具备 and 已审核', () => {
    const partial = allMet();
    partial['B01-5'] = '部分达到'; // rate < 1 but still met (B is “any”)
    const unmet = allMet();
    unmet['A01-1'] = '未达到';
    const early = candidate('东河区', allMet(), { startDate: '2022-01-01' });
    const late = candidate('青山区', allMet(), { startDate: '2023-06-01' });
    const lower = candidate('九原区', partial);
    const notMet = candidate('九原区', unmet);
    const notApproved = candidate('东河区', allMet(), {}, '已提交');
    const r = buildShowcase([lower, notMet, late, notApproved, early], rubric);
    expect(r.entries.map((e) => e.submissionId)).toEqual([early.submissionId, late.submissionId, lower.submissionId]);
    expect(r.entries.map((e) => e.rank)).toEqual([1, 2, 3]);
    expect(r.entries[2]!.gaps).toEqual([{ id: 'B01-5', text: rubric.byId.get('B01-5')!.text, answer: '部分达到' }]);
    expect(r.considered).toBe(3); // ranked: approved and 具备 (not the unapproved one, not the unmet one)
  });

  test('per-district quota and total count', () => {
    const list = [
      candidate('东河区', allMet(), { startDate: '2021-01-01' }),
      candidate('东河区', allMet(), { startDate: '2021-02-01' }),
      candidate('东河区', allMet(), { startDate: '2021-03-01' }),
      candidate('青山区', allMet(), { startDate: '2021-04-01' }),
      candidate('昆都仑区', allMet(), { startDate: '2021-05-01' }),
    ];
    const quota = buildShowcase(list, rubric, { perDistrict: 2 });
    expect(quota.entries.map((e) => e.project.startDate)).toEqual(['2021-01-01', '2021-02-01', '2021-04-01', '2021-05-01']);
    const limited = buildShowcase(list, rubric, { perDistrict: 2, limit: 3 });
    expect(limited.entries.map((e) => e.project.startDate)).toEqual(['2021-01-01', '2021-02-01', '2021-04-01']);
  });

  test('includeUnmet puts unmet projects after met ones, listing their gaps; 不适用 is never a gap', () => {
    const unmet = allMet();
    unmet['C01-1'] = '未达到';
    delete unmet['C01-2'];
    unmet['C01-3'] = '不适用';
    const a = candidate('固阳县', unmet, { startDate: '2020-01-01' });
    const b = candidate('固阳县', { ...allMet(), 'A05-3': '不适用' }, { startDate: '2024-01-01' });
    const r = buildShowcase([a, b], rubric, { includeUnmet: true, state: null });
    expect(r.entries.map((e) => e.submissionId)).toEqual([b.submissionId, a.submissionId]);
    expect(r.entries[0]!.gaps).toEqual([]);
    expect(r.entries[1]!.gaps.map((g) => [g.id, g.answer])).toEqual([
      ['C01-1', '未达到'],
      ['C01-2', '未填'],
    ]);
  });

  test('the rule is described in Chinese', () => {
    expect(describeRule({ perDistrict: 2, limit: 20 })).toBe(
      '范围：审核状态为“已审核”的项目；筛选：具备“七有一好八规范”（三个版块均达标）；排序：得分率从高到低；相同时达标版块多者优先；再相同时开工日期早者优先；每个旗县区最多 2 个；共取前 20 个',
    );
  });
});
