import { currentRubric, type AnswerOption } from '../../core/rubric';
import { groupMet, scoreProject, scoreTotals, formatRate, round4, type AnswerMap } from '../../core/score';
import { randomAnswers, seeded } from '../helpers/fixtures';

const rubric = currentRubric();
const all = (answer: AnswerOption): AnswerMap => Object.fromEntries(rubric.criteria.map((c) => [c.id, answer]));

describe('scoreProject', () => {
  test('everything 达到: 55 of 55, all 达标', () => {
    const s = scoreProject(all('达到'), rubric);
    expect(s).toMatchObject({ total: 55, max: 55, rate: 1, completion: 1, answered: 55, met: true });
    expect(s.groups.every((g) => g.met)).toBe(true);
    expect(s.sections.map((x) => [x.id, x.total, x.max, x.met])).toEqual([
      ['A', 21, 21, true],
      ['B', 10, 10, true],
      ['C', 24, 24, true],
    ]);
  });

  test('blank workbook: 0 of 55, 完成度 0, nothing 达标', () => {
    const s = scoreProject({}, rubric);
    expect(s).toMatchObject({ total: 0, max: 55, rate: 0, completion: 0, answered: 0, met: false });
    expect(s.groups.some((g) => g.met)).toBe(false);
  });

  test('部分达到 counts 0.5 and breaks an “all” group', () => {
    const answers = all('达到');
    answers['A01-2'] = '部分达到';
    const s = scoreProject(answers, rubric);
    expect(s.total).toBe(54.5);
    expect(s.max).toBe(55);
    expect(s.rate).toBe(0.9909);
    expect(s.groups.find((g) => g.id === 'A01')!.met).toBe(false);
    expect(s.sections.find((x) => x.id === 'A')!.met).toBe(false);
    expect(s.met).toBe(false);
  });

  test('不适用 leaves 满分 and keeps the group 达标 when the rest is 达到', () => {
    const answers = all('达到');
    answers['A05-3'] = '不适用';
    answers['C08-3'] = '不适用';
    const s = scoreProject(answers, rubric);
    expect(s).toMatchObject({ total: 53, max: 53, rate: 1, completion: 1, met: true });
  });

  test('an all-不适用 group is not 达标 (nothing was shown) and adds nothing to 满分', () => {
    const answers = all('达到');
    for (const id of ['A06-1', 'A06-2', 'A06-3']) answers[id] = '不适用';
    const s = scoreProject(answers, rubric);
    const g = s.groups.find((x) => x.id === 'A06')!;
    expect(g).toMatchObject({ total: 0, max: 0, met: false });
    expect(s.max).toBe(52);
    expect(s.met).toBe(false);
  });

  test('发挥好作用: one 达到 per group is enough', () => {
    const answers = all('达到');
    for (const c of rubric.criteria.filter((x) => x.sectionId === 'B')) answers[c.id] = '未达到';
    answers['B01-3'] = '达到';
    answers['B02-5'] = '达到';
    const s = scoreProject(answers, rubric);
    expect(s.sections.find((x) => x.id === 'B')).toMatchObject({ total: 2, max: 10, met: true });
    expect(s.met).toBe(true);
    answers['B02-5'] = '部分达到';
    expect(scoreProject(answers, rubric).sections.find((x) => x.id === 'B')!.met).toBe(false);
  });

  test('blanks are 未填: they count in 满分 and lower 完成度', () => {
    const answers = all('达到');
    delete answers['C01-1'];
    delete answers['B01-1'];
    const s = scoreProject(answers, rubric);
    expect(s).toMatchObject({ total: 53, max: 55, answered: 53, completion: 0.9636, met: false });
    expect(s.groups.find((g) => g.id === 'B01')!.met).toBe(true);
    expect(s.groups.find((g) => g.id === 'C01')!.met).toBe(false);
  });

  test('everything 不适用: 满分 0 gives 得分率 0, not NaN', () => {
    const s = scoreProject(all('不适用'), rubric);
    expect(s).toMatchObject({ total: 0, max: 0, rate: 0, completion: 1, met: false });
  });
  test('any mix of answers and blanks: the sums and 达标 the rules define, group by group and 版块 by 版块', () => {
    // The rules written out plainly: per group Σ values over applicable items and groupMet; a 版块 adds its groups.
    const byRules = (answers: AnswerMap) => {
      const groups = rubric.groups.map((g) => {
        const list = g.criteria.map((c) => answers[c.id]);
        const applicable = list.filter((a) => a === undefined || rubric.optionValue[a] !== null);
        const total = applicable.reduce((n, a) => n + (a === undefined ? 0 : rubric.optionValue[a]!), 0);
        return { id: g.id, name: g.name, sectionId: g.sectionId, total, max: applicable.length, met: groupMet(g.rule, list) };
      });
      const sections = rubric.sections.map((s) => {
        const own = groups.filter((g) => g.sectionId === s.id);
        return { id: s.id, name: s.name, total: own.reduce((n, g) => n + g.total, 0), max: own.reduce((n, g) => n + g.max, 0), met: own.every((g) => g.met) };
      });
      const total = sections.reduce((n, s) => n + s.total, 0);
      const max = sections.reduce((n, s) => n + s.max, 0);
      const answered = rubric.criteria.filter((c) => answers[c.id] !== undefined).length;
      return { total, max, rate: max ? round4(total / max) : 0, completion: round4(answered / rubric.criteria.length), answered, met: sections.every((s) => s.met), groups, sections };
    };
    const rand = seeded(3);
    for (let i = 0; i < 300; i++) {
      const answers = i % 50 === 0 ? all((['达到', '不适用', '部分达到'] as const)[(i / 50) % 3]!) : randomAnswers(rand);
      const score = scoreProject(answers, rubric);
      expect(score).toEqual(byRules(answers));
      // The writers' shortcut gives the same figures.
      expect(scoreTotals(answers, rubric)).toEqual({ total: score.total, max: score.max, rate: score.rate, completion: score.completion, met: score.met });
    }
  });
});

describe('groupMet', () => {
  test.each([
    ['all', ['达到', '达到', '达到'], true],
    ['all', ['达到', '不适用', '达到'], true],
    ['all', ['达到', undefined, '达到'], false],
    ['all', ['不适用', '不适用', '不适用'], false],
    ['all', ['达到', '部分达到', '达到'], false],
    ['any', ['未达到', '未达到', '达到', undefined, '不适用'], true],
    ['any', ['部分达到', '部分达到', '部分达到', '部分达到', '部分达到'], false],
    ['any', [undefined, undefined, undefined, undefined, undefined], false],
  ] as const)('%s %j → %s', (rule, answers, expected) => {
    expect(groupMet(rule, answers)).toBe(expected);
  });
});

test('formatRate', () => {
  expect(formatRate(0.9909)).toBe('99.1%');
  expect(formatRate(1)).toBe('100.0%');
  expect(formatRate(0)).toBe('0.0%');
});
