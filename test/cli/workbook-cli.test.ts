/** The workbook commands driven as a user would: real files in a temp folder, the compiled `redsite` binary. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { randomAnswers, seeded } from '../helpers/fixtures';
import { scoreProject } from '../../core/score';
import { currentRubric } from '../../core/rubric';
import { redsite } from '../helpers/cli';



let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('template → fill → score (table and JSON)', async () => {
  const t = await redsite(['template', '--projects', '4', '--out', 'blank.xlsx'], { cwd: dir });
  expect(t.code).toBe(0);
  expect(t.stdout).toContain('已生成申报工作簿');
  const answers = randomAnswers(seeded(5));
  fs.writeFileSync(path.join(dir, 'filled.xlsx'), await fillWorkbook(fs.readFileSync(path.join(dir, 'blank.xlsx')), REPORTER, [{ fields: projectFields(1), answers }]));

  const table = await redsite(['score', 'filled.xlsx'], { cwd: dir });
  expect(table.code).toBe(0);
  expect(table.stdout).toContain('北梁棚户区改造安置房1号楼');
  const json = await redsite(['score', 'filled.xlsx', '--json'], { cwd: dir });
  const parsed = JSON.parse(json.stdout);
  const expected = scoreProject(answers, currentRubric());
  expect(parsed.rubric).toEqual({ edition: '2024', hash: currentRubric().hash });
  expect(parsed.submissionId).toMatch(/^[0-9a-f-]{36}$/);
  expect(parsed.projects[0]).toMatchObject({ seq: 1, enterprise: REPORTER.unit, projectName: '北梁棚户区改造安置房1号楼', district: '东河区', total: expected.total, max: expected.max, rate: expected.rate, completion: expected.completion, met: expected.met });
  expect(Object.keys(parsed.projects[0].groups)).toHaveLength(17);
  expect(Object.keys(parsed.projects[0].sections)).toEqual(['A', 'B', 'C']);
});

test('score exit codes: 2 when unreadable, 0 with issues', async () => {
  fs.writeFileSync(path.join(dir, 'fake.xlsx'), '%PDF-1.4 not a workbook');
  const bad = await redsite(['score', 'fake.xlsx'], { cwd: dir });
  expect(bad.code).toBe(2);
  expect(bad.stdout).toContain('这是 PDF 文件');
  const blank = await redsite(['score', 'blank.xlsx', '--json'], { cwd: dir });
  expect(blank.code).toBe(0);
  expect(JSON.parse(blank.stdout).issues.length).toBeGreaterThan(0);
  expect((await redsite(['score', 'nope.xlsx'], { cwd: dir })).code).toBe(2);
});

test('template rejects a bad project count in Chinese', async () => {
  const r = await redsite(['template', '--projects', '51'], { cwd: dir });
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('项目数须为 1 到 50 之间的整数');
});

test('merge and import a folder of attachments: one bad file never aborts', async () => {
  const inbox = path.join(dir, 'inbox');
  fs.mkdirSync(inbox);
  const blank = fs.readFileSync(path.join(dir, 'blank.xlsx'));
  fs.writeFileSync(path.join(inbox, '东河区-一建.xlsx'), await fillWorkbook(blank, REPORTER, [{ fields: projectFields(1), answers: randomAnswers(seeded(1)) }, { fields: projectFields(2) }]));
  fs.writeFileSync(path.join(inbox, '青山区-回执.csv'), '\ufeff序号,企业名称,项目情况（包括地址、建设规模等）,负责人,联系电话,开竣工日期\n1,青山建工,青山区幸福路改造；地址：包头市青山区幸福路；规模：2.1万平方米,赵明,0472-5220621,2024.3.1—2025.6.30\n');
  fs.writeFileSync(path.join(inbox, '坏文件.xlsx'), 'not a zip at all');
  fs.writeFileSync(path.join(inbox, '旧版.xls'), Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(600)]));

  const imp = await redsite(['import', 'inbox', '--json'], { cwd: dir });
  expect(imp.code).toBe(0);
  const files = JSON.parse(imp.stdout).files as Array<{ file: string; result: string; kind: string; projects: number; reason: string; unit: string }>;
  const by = Object.fromEntries(files.map((f) => [f.file, f]));
  expect(by['东河区-一建.xlsx']).toMatchObject({ result: '汇总', kind: 'unit', projects: 2, unit: REPORTER.unit });
  expect(by['青山区-回执.csv']).toMatchObject({ kind: 'plain', projects: 1, result: '汇总', unit: '青山建工' });
  expect(by['坏文件.xlsx']).toMatchObject({ result: '拒收', reason: expect.stringContaining('无法识别的文件格式') });
  expect(by['旧版.xls']).toMatchObject({ result: '拒收', reason: expect.stringContaining('.xls') });
  const table = await redsite(['import', 'inbox'], { cwd: dir });
  expect(table.stdout).toContain('共 4 个文件：汇总 2，已替换 0，重复项目 0，有问题 0，拒收 2，忽略 0');

  const merged = await redsite(['merge', 'inbox', '--out', 'master.xlsx'], { cwd: dir });
  expect(merged.code).toBe(0);
  expect(merged.stdout).toContain('2 份申报、3 个项目');
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path.join(dir, 'master.xlsx'));
  expect(wb.worksheets.map((w) => w.name)).toEqual(['附件2汇总', '细则明细', '青山区', '东河区', '统计', '文件清单']);
  const row = wb.getWorksheet('附件2汇总')!.getRow(2).values as unknown[];
  expect(row.slice(1, 8)).toEqual([1, '青山建工', '青山区幸福路改造；地址：包头市青山区幸福路；规模：2.1万平方米', '赵明', '0472-5220621', '2024-03-01—2025-06-30', '青山区']);

  const district = await redsite(['merge', 'inbox', '--out', 'dh.xlsx', '--district', '东河区'], { cwd: dir });
  expect(district.stdout).toContain('1 份申报、2 个项目（东河区）');
  // --district means “these files are 东河区's”: the 青山区 回执 is listed with its reason, never dropped silently.
  expect(district.stdout).toContain('有问题 青山区-回执.csv：文件中的所属旗县区是青山区，不是指定的东河区');
  expect((await redsite(['merge', 'inbox', '--out', 'x.xlsx', '--district', '赛罕区'], { cwd: dir })).code).toBe(1);
});

test('annotate marks the issues of a workbook in place', async () => {
  const blank = fs.readFileSync(path.join(dir, 'blank.xlsx'));
  fs.writeFileSync(path.join(dir, 'to-annotate.xlsx'), await fillWorkbook(blank, REPORTER, [{ fields: projectFields(1, { phone: '12345' }) }]));
  const r = await redsite(['annotate', 'to-annotate.xlsx', '--out', 'annotated.xlsx', '--reason', '请修改电话'], { cwd: dir });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/已写入 .*annotated\.xlsx：\d+ 个问题（\d+ 个标在单元格上），见《问题清单》/);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path.join(dir, 'annotated.xlsx'));
  expect(wb.getWorksheet('问题清单')!.getCell('A2').value).toBe('退回原因：请修改电话');
  expect(wb.worksheets[0]!.name).toBe('问题清单');
  expect(String(wb.getWorksheet('问题清单')!.getCell('B5').value)).toBe('申报表!G7');
  expect(String(wb.getWorksheet('问题清单')!.getCell('C5').value)).toBe('项目 1 · 联系电话');
  expect((await redsite(['annotate', 'fake.xlsx', '--out', 'x.xlsx'], { cwd: dir })).code).toBe(2);
});

test('score on a 附件2 CSV: an invalid phone is reported once, at the phone cell; an empty 负责人 at the 负责人 cell', async () => {
  const header = '序号,企业名称,项目情况,负责人,联系电话,开竣工日期\n';
  fs.writeFileSync(path.join(dir, 'r.csv'), `${header}1,包头某建设有限公司,某小区项目；地址：东河区某路；规模：10万平方米,王某,12345,2024.3.1-2024.12.31\n`);
  const r = await redsite(['score', 'r.csv', '--district', '东河区'], { cwd: dir });
  expect(r.code).toBe(0);
  const errors = r.stdout.split('\n').filter((l) => l.includes('错误'));
  expect(errors).toEqual([expect.stringMatching(/^\s*错误 r\.csv!E2 项目 1：联系电话格式不正确/)]);
  expect(r.stdout).not.toContain('r.csv!B2');

  fs.writeFileSync(path.join(dir, 'r2.csv'), `${header}1,包头某建设有限公司,某小区项目；地址：东河区某路；规模：10万平方米,,13912345678,2024.3.1-2024.12.31\n`);
  const json = JSON.parse((await redsite(['score', 'r2.csv', '--district', '东河区', '--json'], { cwd: dir })).stdout) as { issues: Array<{ cell: string; field: string; severity: string }> };
  const errs = json.issues.filter((i) => i.severity === 'error');
  expect(errs.length).toBeGreaterThan(0);
  // Every error is at the 负责人 cell (D2), whether it speaks of the project or of the 填报信息.
  expect(errs.every((i) => i.cell === 'D2')).toBe(true);
  expect(errs.filter((i) => i.field.startsWith('reporter.'))).toEqual([]);
});
