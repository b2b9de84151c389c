import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { currentRubric } from '../../core/rubric';

const bin = path.join(__dirname, '../../bin/redsite.js');
const run = (...args: string[]) => execFileSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('redsite rubric --json parses and matches the loader', () => {
  const json = JSON.parse(run('rubric', '--json'));
  const rubric = currentRubric();
  expect(json.edition).toBe('2024');
  expect(json.hash).toBe(rubric.hash);
  const ids = json.sections.flatMap((s: { groups: { criteria: { id: string }[] }[] }) => s.groups.flatMap((g) => g.criteria.map((c) => c.id)));
  expect(ids).toEqual(rubric.criteria.map((c) => c.id));
  const texts = json.sections.flatMap((s: { groups: { criteria: { text: string }[] }[] }) => s.groups.flatMap((g) => g.criteria.map((c) => c.text)));
  expect(texts).toEqual(rubric.criteria.map((c) => c.text));
});

test('redsite rubric prints the 55 criteria grouped as in the notice', () => {
  const out = run('rubric');
  expect(out).toContain('3 个版块、17 个分组、55 条细则');
  for (const c of currentRubric().criteria) expect(out).toContain(c.id);
  expect(out.indexOf('有组织')).toBeLessThan(out.indexOf('党员发挥作用好'));
  expect(out.indexOf('党员发挥作用好')).toBeLessThan(out.indexOf('项目经营管理和创新工作规范'));
});

test('help is Chinese; unknown commands fail with a Chinese message', () => {
  expect(run('--help')).toContain('命令：');
  expect(() => execFileSync(process.execPath, [bin, 'nope'], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/未知命令/);
});
