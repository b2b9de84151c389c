/**
 * The rubric is data: counts, 版块 names and rules that users read come from the rubric file, so an edition with other
 * sections and another number of criteria says so everywhere without a code change.
 */
import fs from 'node:fs';
import path from 'node:path';
import { currentRubric, loadRubric } from '../../core/rubric';
import { GUIDE_LINES } from '../../core/workbook/texts';
import { showcaseColumns, SHOWCASE_COLUMNS } from '../../core/node/workbook/showcase-export';
import { describeRule } from '../../core/showcase';
import { FORM_HEADERS } from '../../core/workbook/contract';

const rawFile = JSON.parse(fs.readFileSync(path.join(__dirname, '../../templates/rubric/2024.json'), 'utf8'));

/** The 2024 edition without 发挥好作用 and with one group less in 七有. */
function smallerEdition() {
  const f = structuredClone(rawFile);
  f.edition = '2099-test';
  f.sections = f.sections.filter((s: { id: string }) => s.id !== 'B');
  f.sections[0].groups.pop();
  return loadRubric(f);
}

const texts = (rubric: ReturnType<typeof currentRubric>) => GUIDE_LINES(rubric, 10).map((l) => l.text).join('\n');

test('the 2024 edition reads as the notice does', () => {
  const rubric = currentRubric();
  expect(texts(rubric)).toContain('对照 55 条“七有一好八规范”细则');
  expect(texts(rubric)).toContain('完成度 = 已填条数 ÷ 55。');
  expect(texts(rubric)).toContain('“七有”“八规范”：每组全部适用条目均为“达到”即该组达标（整组均不适用不算达标）；“发挥好作用”：每组至少一条“达到”即达标。三个版块全部达标');
  expect(describeRule({})).toContain('（三个版块均达标）');
  expect(SHOWCASE_COLUMNS).toEqual(['名次', ...FORM_HEADERS, '所属旗县区', '填报单位', '得分', '满分', '得分率', '七有', '发挥好作用', '八规范', '未达到的细则']);
});

test('another edition: its own count, sections and rules', () => {
  const rubric = smallerEdition();
  const n = rubric.criteria.length;
  expect(n).toBe(55 - 10 - 3);
  expect(texts(rubric)).toContain(`对照 ${n} 条`);
  expect(texts(rubric)).toContain(`完成度 = 已填条数 ÷ ${n}。`);
  expect(texts(rubric)).toContain('“七有”“八规范”：每组全部适用条目均为“达到”即该组达标');
  expect(texts(rubric)).toContain('两个版块全部达标即“具备七有一好八规范”');
  expect(describeRule({}, rubric)).toContain('（两个版块均达标）');
  expect(showcaseColumns(rubric).slice(-3)).toEqual(['七有', '八规范', '未达到的细则']);
});
