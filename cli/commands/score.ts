/** `redsite score <file>`: reads a workbook (guarded) and prints each project's score, or JSON. */
import fs from 'node:fs';
import type { Command } from 'commander';
import Table from 'cli-table3';
import { closeDefaultPool } from '../../core/node/workbook/guard';
import { parseLocal } from '../../core/node/workbook/local';
import { currentRubric } from '../../core/rubric';
import { formatIssue } from '../../core/issues';
import { issueFieldLabel } from '../../core/messages';
import { formatRate } from '../../core/score';
import type { ParseResult } from '../../core/workbook/result';
import { EXIT, DISTRICT_OPTION, checkDistrict } from '../files';
import { INTAKE_MSG } from '../../core/node/workbook/intake';

export function scoreJson(result: ParseResult) {
  const rubric = currentRubric();
  return {
    rubric: { edition: result.submission?.rubric.edition ?? rubric.edition, hash: result.submission?.rubric.hash ?? rubric.hash },
    submissionId: result.submission?.submissionId ?? null,
    kind: result.kind,
    projects: result.projects.map((p, i) => {
      const s = result.scores[i]!;
      return {
        seq: p.seq, enterprise: p.enterprise, projectName: p.projectName, district: p.district,
        total: s.total, max: s.max, rate: s.rate, completion: s.completion, met: s.met,
        groups: Object.fromEntries(s.groups.map((g) => [g.id, { name: g.name, met: g.met, total: g.total, max: g.max }])),
        sections: Object.fromEntries(s.sections.map((x) => [x.id, { name: x.name, met: x.met, total: x.total, max: x.max }])),
      };
    }),
    // Each issue also names its field in words (字段), as the dashboard and the 问题清单 do.
    issues: result.issues.map((i) => ({ ...i, label: issueFieldLabel(i) })),
  };
}

export function registerScore(program: Command): void {
  program
    .command('score')
    .description('读取申报工作簿，显示每个项目的得分、得分率和达标情况（退出码：0 已读取，2 无法读取）')
    .argument('<file>', '申报工作簿（.xlsx）或附件2表格（.csv）')
    .option(...DISTRICT_OPTION)
    .option('--json', '以 JSON 输出')
    .action(async (file: string, opts: { json?: boolean; district?: string }) => {
      const district = checkDistrict(opts.district);
      if (district === false) return;
      if (!fs.existsSync(file)) {
        console.error(`错误：找不到文件 ${file}`);
        process.exitCode = EXIT.unreadable;
        return;
      }
      const result = await parseLocal(fs.readFileSync(file), { fileName: file, district });
      await closeDefaultPool();
      // --district means the same as in import and merge: a file of another 旗县区 is not accepted for this one.
      if (district && result.submission && result.submission.reporter.district !== district) {
        result.issues.push({ severity: 'error', field: 'reporter.district', message: INTAKE_MSG.otherDistrict(result.submission.reporter.district, district).replace('：未汇总', '') });
      }
      process.exitCode = result.kind === 'rejected' ? EXIT.unreadable : EXIT.ok;
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(scoreJson(result), null, 2)}\n`);
        return;
      }
      if (result.kind !== 'rejected') {
        const table = new Table({ head: ['序号', '企业名称', '项目名称', '旗县区', '得分', '满分', '得分率', '完成度', '七有一好八规范'], style: { head: [], border: [] } });
        result.projects.forEach((p, i) => {
          const s = result.scores[i]!;
          table.push([String(p.seq), p.enterprise, p.projectName, p.district, String(s.total), String(s.max), formatRate(s.rate), formatRate(s.completion), s.met ? '具备' : `不具备（${s.sections.filter((x) => !x.met).map((x) => x.name).join('、')}未达标）`]);
        });
        console.log(result.kind === 'plain' ? '附件2表格（未自评）：' : `提交编号 ${result.submission?.submissionId ?? '（未通过校验）'}`);
        console.log(table.toString());
      }
      if (result.issues.length) {
        console.log(`\n问题 ${result.issues.length} 个：`);
        for (const i of result.issues) console.log(`  ${formatIssue(i)}`);
      } else console.log('没有发现问题。');
    });
}
