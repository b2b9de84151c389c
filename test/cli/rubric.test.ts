import { currentRubric } from '../../core/rubric';
import { redsite } from '../helpers/cli';

const run = async (...args: string[]) => {
  const r = await redsite(args);
  expect(r).toMatchObject({ code: 0, stderr: '' });
  return r.stdout;
};

test('redsite rubric --json parses and matches the loader', async () => {
  const json = JSON.parse(await run('rubric', '--json'));
  const rubric = currentRubric();
  expect(json.edition).toBe('2024');
  expect(json.hash).toBe(rubric.hash);
  const ids = json.sections.flatMap((s: { groups: { criteria: { id: string }[] }[] }) => s.groups.flatMap((g) => g.criteria.map((c) => c.id)));
  expect(ids).toEqual(rubric.criteria.map((c) => c.id));
  const texts = json.sections.flatMap((s: { groups: { criteria: { text: string }[] }[] }) => s.groups.flatMap((g) => g.criteria.map((c) => c.text)));
  expect(texts).toEqual(rubric.criteria.map((c) => c.text));
});

test('redsite rubric prints the 55 criteria grouped as in the notice', async () => {
  const out = await run('rubric');
  expect(out).toContain('3 个版块、17 个分组、55 条细则');
  for (const c of currentRubric().criteria) expect(out).toContain(c.id);
  expect(out.indexOf('有组织')).toBeLessThan(out.indexOf('党员发挥作用好'));
  expect(out.indexOf('党员发挥作用好')).toBeLessThan(out.indexOf('项目经营管理和创新工作规范'));
  // Each criterion's whole text, wrapped over its lines (long ones were cut to “…”).
  expect(out).not.toContain('…');
  const shown = new Map<string, string>();
  let id = '';
  for (const line of out.split('\n').filter((l) => l.startsWith('│'))) {
    const cells = line.split('│').slice(1, -1).map((c) => c.replace(/\s/g, ''));
    if (cells[2]) id = cells[2];
    if (id && id !== '编号') shown.set(id, (shown.get(id) ?? '') + cells[3]);
  }
  expect([...shown]).toEqual(currentRubric().criteria.map((c) => [c.id, `${c.number}、${c.text}`.replace(/\s/g, '')]));
});

test('help is Chinese; unknown commands fail with a Chinese message', async () => {
  expect(await run('--help')).toContain('命令：');
  const unknown = await redsite(['nope']);
  expect(unknown.code).not.toBe(0);
  expect(unknown.stderr).toMatch(/未知命令/);
});
