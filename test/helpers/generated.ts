/**
 * One of every workbook redsite writes, made through the same functions the CLI and the server call: the template
 * (default 10 projects, 1, 3 and the maximum, and the server's cached copy), a workbook filled from JSON, the
 * annotated return workbooks (of a template and of a filled-from-JSON workbook, as the server makes them), the
 * district and master exports and the 观摩 shortlist.
 */
import { PassThrough, type Writable } from 'node:stream';
import { buildTemplate, cachedTemplate } from '../../core/node/workbook/build';
import { fillTemplate } from '../../core/node/workbook/fill';
import { annotateWorkbook } from '../../core/node/workbook/annotate';
import { writeMaster } from '../../core/node/workbook/merge';
import { writeShowcase } from '../../core/node/workbook/showcase-export';
import { buildShowcase } from '../../core/showcase';
import { validateSubmission } from '../../core/issues';
import { currentRubric, type AnswerOption } from '../../core/rubric';
import { MAX_PROJECTS, submissionSchema, type Submission } from '../../core/schema';
import { parseWorkbook } from '../../core/node/workbook/parse';
import { randomAnswers, seeded, validProject, validSubmission } from './fixtures';

export interface Generated {
  kind: string;
  bytes: Uint8Array;
  /** Project slots of a unit workbook (template, filled, annotated); absent for exports. */
  projects?: number;
}

async function collect(write: (out: Writable) => Promise<unknown>): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await write(out);
  return Buffer.concat(chunks);
}

function submission(overrides: Record<string, unknown>): Submission {
  const r = validateSubmission(validSubmission(overrides), currentRubric());
  if (!r.submission) throw new Error(JSON.stringify(r.issues));
  return r.submission;
}

export async function generatedWorkbooks(): Promise<Generated[]> {
  const rubric = currentRubric();
  const allMet = Object.fromEntries(rubric.criteria.map((c) => [c.id, '达到' as AnswerOption]));
  const fromJson = submissionSchema(rubric).parse(
    validSubmission({
      reporter: { unit: '包头市第一建筑工程有限公司', district: '东河区', contact: '李红', phone: '0472-7100945', date: '2024-05-20' },
      projects: [validProject(1, { answers: randomAnswers(seeded(7)), notes: { 'A01-1': '照片两张\n见附件' } }), validProject(2, { district: '青山区', answers: allMet }), validProject(3)],
    }),
  );
  const filled = await fillTemplate(fromJson, rubric);
  const template3 = await buildTemplate({ projects: 3 });
  const issues = (await parseWorkbook(filled.bytes)).issues;
  const a = submission({ projects: [validProject(1, { answers: allMet }), validProject(2, { district: '九原区', answers: { 'A01-1': '部分达到' } })] });
  const b = submission({ reporter: { unit: '青山建工', district: '青山区', contact: '赵', phone: '0472-5220621' }, projects: [validProject(1, { district: '青山区', answers: allMet })] });
  const entries = [
    { submission: a, state: '已审核', version: 1, submittedAt: '2024-05-20T10:00:00+08:00', sourceFile: 'a.xlsx' },
    { submission: b, state: '已审核', version: 2, sourceFile: 'b.xlsx', late: true },
  ];
  const showcase = buildShowcase(
    [a, b].flatMap((s) => s.projects.map((project) => ({ submissionId: s.submissionId, reporter: s.reporter, project, state: '已审核' }))),
    rubric,
  );
  return [
    { kind: '模板（默认 10 个项目）', bytes: await buildTemplate(), projects: 10 },
    { kind: '模板（1 个项目）', bytes: await buildTemplate({ projects: 1 }), projects: 1 },
    { kind: '模板（3 个项目）', bytes: template3, projects: 3 },
    { kind: `模板（${MAX_PROJECTS} 个项目）`, bytes: await buildTemplate({ projects: MAX_PROJECTS }), projects: MAX_PROJECTS },
    { kind: '模板（服务器缓存，10 个项目）', bytes: await cachedTemplate(10, rubric), projects: 10 },
    { kind: '按 JSON 填好的工作簿', bytes: filled.bytes, projects: 3 },
    {
      kind: '标注退回（空白模板）',
      bytes: annotateWorkbook(template3, [{ severity: 'error', sheet: '申报表', cell: 'G7', field: 'projects.0.phone', message: '请填写联系电话' }, { severity: 'warning', sheet: '细则自评', cell: 'E4', field: 'projects.0.answers.A01-1', message: '尚未自评' }], { reason: '请补充' }),
      projects: 3,
    },
    { kind: '标注退回（按 JSON 填好）', bytes: annotateWorkbook(filled.bytes, [...issues, { severity: 'error', sheet: '申报表', cell: 'H8', field: 'projects.1.startDate', message: '开工日期有误' }], { reason: '请按问题清单修改', reviewer: '东河区委组织部', at: '2024-05-25 10:00' }), projects: 3 },
    { kind: '区县汇总表', bytes: await collect((out) => writeMaster(entries, out, { district: '东河区' })) },
    { kind: '全市总表', bytes: await collect((out) => writeMaster(entries, out, { unread: [{ file: '坏文件.xlsx', unit: '', district: '', result: '拒收', reason: '不是 xlsx 文件' }] })) },
    { kind: '观摩推荐名单', bytes: await collect((out) => writeShowcase(showcase, out)) },
  ];
}
