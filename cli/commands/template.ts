/** `redsite template`: writes a fresh unit workbook (申报表, 55 细则 with dropdowns, live scoring). */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { buildTemplate, checkProjectCount, TemplateOptionsError } from '../../core/node/workbook/build';
import { DEFAULT_PROJECTS } from '../../core/workbook/contract';
import { MAX_PROJECTS } from '../../core/schema';
import { EXIT, refuseOutFile } from '../files';

export function registerTemplate(program: Command): void {
  program
    .command('template')
    .description('生成申报工作簿（申报表、细则自评、佐证说明、得分汇总，自带下拉选项和计分公式）')
    .option('-p, --projects <n>', `项目数（1–${MAX_PROJECTS}）`, String(DEFAULT_PROJECTS))
    .option('-o, --out <file>', '输出文件', '红色工地申报工作簿.xlsx')
    .action(async (opts: { projects: string; out: string }) => {
      if (refuseOutFile(opts.out)) return;
      let projects: number;
      try {
        projects = checkProjectCount(opts.projects);
      } catch (e) {
        if (e instanceof TemplateOptionsError) {
          console.error(`错误：${e.message}`);
          process.exitCode = EXIT.failed;
          return;
        }
        throw e;
      }
      const file = path.resolve(opts.out);
      fs.writeFileSync(file, await buildTemplate({ projects }));
      console.log(`已生成申报工作簿：${file}（${projects} 个项目）`);
    });
}
