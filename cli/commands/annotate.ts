/** `redsite annotate <file> --out <file>`: the workbook back with every issue marked in place and a 问题清单. */
import { beijingTime } from '../../core/time';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { parseUntrusted, closeDefaultPool } from '../../core/node/workbook/guard';
import { annotateWorkbook, AnnotateError } from '../../core/node/workbook/annotate';
import { EXIT, refuseOutFile } from '../files';

export function registerAnnotate(program: Command): void {
  program
    .command('annotate')
    .description('把问题标注回单位自己的工作簿：问题单元格标色并加批注，另加《问题清单》工作表')
    .argument('<file>', '单位上传的申报工作簿')
    .requiredOption('-o, --out <file>', '标注后的工作簿')
    .option('--reason <文字>', '退回原因（写在问题清单最上方）')
    .action(async (file: string, opts: { out: string; reason?: string }) => {
      if (refuseOutFile(opts.out)) return;
      if (!fs.existsSync(file)) {
        console.error(`错误：找不到文件 ${file}`);
        process.exitCode = EXIT.unreadable;
        return;
      }
      const bytes = fs.readFileSync(file);
      const result = await parseUntrusted(bytes, { fileName: path.basename(file) });
      await closeDefaultPool();
      if (result.kind === 'rejected') {
        console.error(`错误：${result.issues[0]!.message}`);
        process.exitCode = EXIT.unreadable;
        return;
      }
      let annotated: Uint8Array;
      try {
        annotated = annotateWorkbook(bytes, result.issues, { reason: opts.reason, at: beijingTime(new Date().toISOString()) });
      } catch (e) {
        if (!(e instanceof AnnotateError)) throw e;
        console.error(`错误：${e.message}`);
        process.exitCode = EXIT.unreadable;
        return;
      }
      fs.writeFileSync(path.resolve(opts.out), annotated);
      const placed = result.issues.filter((i) => i.cell).length;
      console.log(`已写入 ${path.resolve(opts.out)}：${result.issues.length} 个问题（${placed} 个标在单元格上），见《问题清单》`);
    });
}
