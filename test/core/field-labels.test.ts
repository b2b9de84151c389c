/**
 * Every field an issue can name reads in Chinese (字段 in the dashboard's issue table, column C of the 问题清单, the
 * CLI's JSON): the known keys, every path the Submission schema reports, and every field value written in the code.
 * Only a criterion ID (A01-2, or an unknown one a JSON submission named) is shown as written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { FIELD_LABELS, OTHER_FIELD_LABELS, fieldLabel } from '../../core/messages';
import { validateSubmission, MORE_ISSUES_FIELD } from '../../core/issues';
import { currentRubric } from '../../core/rubric';
import { FORM_COLUMNS, REPORTER_CELLS } from '../../core/workbook/contract';
import { validProject, validSubmission } from '../helpers/fixtures';

const rubric = currentRubric();
const ROOT = path.join(__dirname, '..', '..');

/** The label with the criterion ID it may end with taken out: what must contain no ASCII letter. */
const words = (label: string) => label.replace(/(细则自评|佐证说明) \S+$/, '$1');

function expectChinese(field: string): void {
  const label = fieldLabel(field);
  expect({ field, label }).toEqual({ field, label: expect.stringMatching(/\S/) });
  expect({ field, label: words(label) }).toEqual({ field, label: expect.not.stringMatching(/[A-Za-z]/) });
}

const KNOWN = [
  ...Object.keys(FIELD_LABELS),
  ...Object.keys(OTHER_FIELD_LABELS),
  ...REPORTER_CELLS.map((r) => `reporter.${r.field}`),
  ...FORM_COLUMNS.flatMap((c) => [`projects.0.${c.field}`, `projects.49.${c.field}`, c.field]),
  ...rubric.criteria.flatMap((c) => [`projects.0.answers.${c.id}`, `projects.3.notes.${c.id}`, `answers.${c.id}`, `notes.${c.id}`]),
  'projects.0', 'projects.0.answers', 'projects.0.notes', 'projects.2.period', 'projects.2.situation',
  MORE_ISSUES_FIELD,
];

test.each(KNOWN)('known field %s has a Chinese label', (field) => expectChinese(field));

test('labels read as people name the field', () => {
  expect(fieldLabel('projects.1.phone')).toBe('项目 2 · 联系电话');
  expect(fieldLabel('projects.0.answers.A01-2')).toBe('项目 1 · 细则自评 A01-2');
  expect(fieldLabel('reporter.phone')).toBe('联系电话');
  expect(fieldLabel('file')).toBe('文件');
  expect(fieldLabel('cell')).toBe('单元格');
  expect(fieldLabel('rubric.hash')).toBe('评分细则内容');
  expect(fieldLabel('server.busy')).toBe('服务器繁忙');
  // A key nobody labelled never shows its machine word.
  expect(fieldLabel('somethingNew')).toBe('—');
  expect(fieldLabel('reporter.somethingNew')).toBe('填报信息');
  expect(fieldLabel('projects.0.somethingNew')).toBe('项目 1');
});

test('every path the Submission schema reports has a Chinese label', () => {
  const bad = { seq: 'x', enterprise: 1, projectName: [], address: {}, scale: null, leader: 2, phone: '1', startDate: 'x', endDate: 'y', district: '火星', remark: 3, answers: { 'A01-1': '很好', X99: '达到' }, notes: { 'A01-1': 5, Y77: '说明' } };
  const inputs: unknown[] = [
    null,
    'text',
    {},
    { extra: 1 },
    validSubmission({ schema: 'x', submissionId: 'x', rubric: { edition: '1999', hash: 'x' }, source: 'x', reporter: { unit: '', district: '', contact: '', phone: '', date: 'x' }, projects: [bad, validProject(1)] }),
    validSubmission({ projects: [] }),
    validSubmission({ rubric: 'x', reporter: 'x', projects: 'x' }),
    validSubmission({ projects: ['x', validProject(1, { answers: 'x', notes: 'x' }), validProject(1)] }),
  ];
  const fields = new Set(inputs.flatMap((input) => validateSubmission(input, rubric).issues.map((i) => i.field)));
  expect(fields.size).toBeGreaterThan(20);
  for (const field of fields) expectChinese(field);
});

/** The field values written in the code: `field: '…'`, `field: \`…\``, `rejected(…, '…')` and *_FIELD constants. */
function fieldsInSource(): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? (e.name === 'dist' ? [] : walk(path.join(dir, e.name))) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
  const sample = (template: string) => template.replace(/\$\{[^}]*(?:id|criterion)[^}]*\}/gi, 'A01-1').replace(/\$\{[^}]*\}/g, (m) => (/field/i.test(m) ? 'phone' : '0'));
  for (const file of ['core', 'server', 'cli', 'addin/src'].flatMap((d) => walk(path.join(ROOT, d)))) {
    const text = fs.readFileSync(file, 'utf8');
    const where = path.relative(ROOT, file);
    for (const m of text.matchAll(/\bfield: '([^']*)'/g)) found.set(m[1]!, where);
    for (const m of text.matchAll(/\bfield: `([^`]*)`/g)) found.set(sample(m[1]!), where);
    for (const m of text.matchAll(/\brejected\([^;]*?,\s*'([^']+)'\)/g)) found.set(m[1]!, where);
    for (const m of text.matchAll(/_FIELD = '([^']+)'/g)) found.set(m[1]!, where);
  }
  return found;
}

test('every field value written in the code has a Chinese label', () => {
  const found = fieldsInSource();
  // The scan finds what it should: the file-level, the cell-level and the server's fields.
  expect([...found.keys()]).toEqual(expect.arrayContaining(['server.busy', 'issues.more', 'file', 'files', 'roster', 'names', 'rs_ids', 'projects.0.answers.A01-1', 'projects.0.phone', 'reporter.district']));
  for (const [field] of found) expectChinese(field);
});
