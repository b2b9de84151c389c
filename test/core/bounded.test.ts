/** Bounded pieces of the core: excerpts of user text, capped issue lists, JSON depth, lookups by untrusted names. */
import { excerpt } from '../../core/text';
import { capIssues, MAX_ISSUES, MORE_ISSUES_FIELD, validateSubmission, type Issue } from '../../core/issues';
import { jsonDepth, parseBoundedJson } from '../../core/json';
import { normalizeDistrict, isDistrict } from '../../core/districts';
import { currentRubric } from '../../core/rubric';
import { validProject, validSubmission } from '../helpers/fixtures';

test('excerpt: short text unchanged, long text cut with its length, one line, no broken surrogate pairs', () => {
  expect(excerpt('达到')).toBe('达到');
  expect(excerpt('  达到\u3000')).toBe('达到');
  const mb = 'x'.repeat(1024 * 1024);
  expect(excerpt(mb, 20)).toBe(`${'x'.repeat(20)}…（共 1048576 字）`);
  expect(excerpt('第一行\n第二行\r\n第三行')).toBe('第一行 第二行 第三行');
  expect(excerpt('🏗'.repeat(30), 5)).toBe(`${'🏗'.repeat(2)}…（共 60 字）`);
  expect(excerpt(undefined)).toBe('');
  expect(excerpt({ a: 1 })).toBe('[object Object]');
});

test('capIssues: the first 200, errors first, then one line saying how many more; capping twice changes nothing', () => {
  const warnings: Issue[] = Array.from({ length: 150 }, (_, i) => ({ severity: 'warning', field: `w${i}`, message: 'w' }));
  const errors: Issue[] = Array.from({ length: 199_796 }, (_, i) => ({ severity: 'error', field: `e${i}`, message: 'e' }));
  const capped = capIssues([...warnings, ...errors]);
  expect(capped).toHaveLength(MAX_ISSUES + 1);
  expect(capped.slice(0, MAX_ISSUES).every((i) => i.severity === 'error')).toBe(true);
  expect(capped.at(-1)).toEqual({ severity: 'error', field: MORE_ISSUES_FIELD, message: '另有 199746 处问题未列出（其中 199596 处错误）：请先修改以上问题后重新检查' });
  expect(capIssues(capped)).toEqual(capped);
  expect(capIssues(warnings)).toEqual(warnings);
});

test('jsonDepth counts nesting outside strings only; parseBoundedJson refuses deep or broken text in Chinese', () => {
  expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
  expect(jsonDepth('{"a":"[[[[[[\\"[[["}')).toBe(1);
  expect(jsonDepth(`${'['.repeat(50_000)}${']'.repeat(50_000)}`)).toBe(50_000);
  expect(parseBoundedJson('{"a":[[1]]}', 3)).toEqual({ ok: true, value: { a: [[1]] } });
  expect(parseBoundedJson('{"a":[[[1]]]}', 3)).toEqual({ ok: false, message: expect.stringMatching(/^请求内容嵌套层数过多（上限 3 层）/) });
  expect(parseBoundedJson('{"a":', 3, 'submission 字段')).toEqual({ ok: false, message: 'submission 字段不是有效的 JSON' });
});

test.each(['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__lookupGetter__'])('%s is not a district, and says so in Chinese', (name) => {
  expect(normalizeDistrict(name)).toBeUndefined();
  expect(normalizeDistrict(`包头市${name}`)).toBeUndefined();
  expect(isDistrict(name)).toBe(false);
  const v = validateSubmission(validSubmission({ reporter: { unit: '甲', district: name, contact: '李', phone: '13912345678' }, projects: [validProject(1, { district: name })] }), currentRubric());
  expect(v.submission).toBeUndefined();
  expect(v.issues.map((i) => i.field).sort()).toEqual(['projects.0.district', 'reporter.district']);
  for (const i of v.issues) expect(i.message).toMatch(/旗县区须从下拉列表中选择：昆都仑区/);
});

test('aliases still work', () => {
  expect(normalizeDistrict('昆区')).toBe('昆都仑区');
  expect(normalizeDistrict('包头市东河区')).toBe('东河区');
});
