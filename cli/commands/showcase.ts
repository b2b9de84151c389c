/** `redsite showcase`: the 观摩 shortlist from the server's data folder (read-only), printed or written as xlsx. */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { openDatabase } from '../../server/db';
import { showcaseOf } from '../../server/showcase';
import { showcaseLine } from '../../core/showcase';
import { writeShowcase } from '../../core/node/workbook/showcase-export';
import { EXIT, refuseOutFile } from '../files';

export function registerShowcase(program: Command): void {
  program
    .command('showcase')
    .description('生成“红色工地”观摩推荐名单（已审核、具备七有一好八规范，按得分率排序）')
    .option('--data <dir>', '数据目录', process.env.REDSITE_DATA ?? 'data')
    .option('--per-district <n>', '每个旗县区最多几个')
    .option('--limit <n>', '共取几个')
    .option('-o, --out <file>', '输出 xlsx 文件（不写则打印名单）')
    .action(async (opts: { data: string; perDistrict?: string; limit?: string; out?: string }) => {
      // The data folder is checked before this runs (cli/index.ts, cli/data-dir.ts).
      if (refuseOutFile(opts.out)) return;
      const count = (v: string | undefined, label: string) => {
        if (v === undefined) return undefined;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 1000) {
          console.error(`错误：${label}须为 1 到 1000 的整数（收到 ${v}）`);
          process.exitCode = EXIT.failed;
          return null;
        }
        return n;
      };
      const perDistrict = count(opts.perDistrict, '--per-district（每个旗县区名额）');
      const limit = count(opts.limit, '--limit（总数）');
      if (perDistrict === null || limit === null) return;
      const db = openDatabase(opts.data, { readonly: true });
      const s = showcaseOf(db, { perDistrict, limit });
      db.close();
      console.log(`选取规则：${s.rule}`);
      // Nothing qualifies (no approved 申报 with 七有一好八规范 yet): say so, whatever else is asked.
      if (!s.entries.length) console.log('没有符合条件的项目：观摩名单只收已审核、具备“七有一好八规范”的项目；请先在看板审核申报');
      if (opts.out) {
        const out = fs.createWriteStream(path.resolve(opts.out));
        const done = new Promise<void>((r) => out.on('finish', () => r()));
        await writeShowcase(s, out);
        await done;
        console.log(`已写入 ${path.resolve(opts.out)}（${s.entries.length} 个项目）`);
      } else for (const e of s.entries) console.log(showcaseLine(e));
    });
}
