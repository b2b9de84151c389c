/** `redsite rubric`: prints the 55 criteria grouped as in the notice, or the loaded rubric as JSON. */
import type { Command } from 'commander';
import Table from 'cli-table3';
import { currentRubric, rubricJson, type Rubric } from '../../core/rubric';
import { fittedColumns } from '../table';

export function rubricTable(rubric: Rubric, width = process.stdout.columns || 120): string {
  const textWidth = Math.max(30, Math.min(80, width - 50));
  // Every criterion in full, as the notice has it (cli/table.ts: cli-table3's own wrap cut long ones to “…”).
  const { colWidths, fit } = fittedColumns([12, 28, 8, textWidth]);
  const table = new Table({
    head: ['版块', '内容', '编号', '具体细则'],
    colWidths,
    style: { head: [], border: [] },
    chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' },
  });
  for (const s of rubric.sections) {
    for (const g of s.groups) {
      g.criteria.forEach((c, i) => {
        table.push(fit([i === 0 && g === s.groups[0] ? s.name : '', i === 0 ? g.name : '', c.id, `${c.number}、${c.text}`]));
      });
    }
  }
  const counts = `${rubric.sections.length} 个版块、${rubric.groups.length} 个分组、${rubric.criteria.length} 条细则`;
  return `${rubric.title}（${rubric.edition} 版，${counts}）\n内容校验码 ${rubric.hash}\n${table.toString()}\n选项：${rubric.options
    .map((o) => `${o.label}${o.value === null ? '（不计分）' : ` = ${o.value}`}`)
    .join('，')}`;
}

export function registerRubric(program: Command): void {
  program
    .command('rubric')
    .description('显示“七有一好八规范”评分细则（55 条）')
    .option('--json', '以 JSON 输出（含编号与内容校验码）')
    .action((opts: { json?: boolean }) => {
      const rubric = currentRubric();
      process.stdout.write(opts.json ? `${JSON.stringify(rubricJson(rubric), null, 2)}\n` : `${rubricTable(rubric)}\n`);
    });
}
