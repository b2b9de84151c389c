/** How many project columns a form field asks for (dashboard and task pane share core/workbook/contract.ts's rule). */
import { DEFAULT_PROJECTS, projectCountInput } from '../../../core/workbook/contract';
import { DEFAULT_LIMITS } from '../../../core/limits';

const max = DEFAULT_LIMITS.projects;

test('blank → the default; whole numbers from 1 to the cap as typed', () => {
  expect(['', '  ', '3', ' 3 ', String(max)].map(projectCountInput)).toEqual([{ projects: DEFAULT_PROJECTS }, { projects: DEFAULT_PROJECTS }, { projects: 3 }, { projects: 3 }, { projects: max }]);
});

test('anything else is said back with the allowed range, never clamped silently', () => {
  for (const v of ['0', '-2', '3.7', String(max + 1), '100', '1e9', 'abc']) {
    expect(projectCountInput(v)).toEqual({ error: `项目数须为 1 到 ${max} 之间的整数（收到 ${v}）` });
  }
});
