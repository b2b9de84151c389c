/** How many project columns a form field asks for (dashboard and task pane share core/workbook/contract.ts's rule). */
import { DEFAULT_PROJECTS, projectCountOf } from '../../../core/workbook/contract';
import { DEFAULT_LIMITS } from '../../../core/limits';

test('blank or nonsense → the default; within 1 and the cap; fractions cut', () => {
  expect(['', 'abc', undefined, '0'].map(projectCountOf)).toEqual([DEFAULT_PROJECTS, DEFAULT_PROJECTS, DEFAULT_PROJECTS, DEFAULT_PROJECTS]);
  expect(['3', '3.7', '-2', String(DEFAULT_LIMITS.projects + 1), '1e9'].map(projectCountOf)).toEqual([3, 3, 1, DEFAULT_LIMITS.projects, DEFAULT_LIMITS.projects]);
});
