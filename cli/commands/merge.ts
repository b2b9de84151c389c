/**
 * `redsite merge` and `redsite import`: read many workbooks (guarded), never stopping at a bad one, then write the
 * master / district workbook or a validation summary.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import Table from 'cli-table3';
import { SingleBar, Presets } from 'cli-progress';
import { parseUntrusted, closeDefaultPool } from '../../core/workbook/guard';
import { writeMaster, type MergeEntry } from '../../core/workbook/merge';
import { normalizeDistrict, DISTRICTS } from '../../core/districts';
import type { ParseResult } from '../../core/workbook/result';
import { expandInputs, EXIT } from '../files';

export interface ReadOutcome {
  file: string;
  result: ParseResult;
}

/** Reads files two at a time (the parser pool's size), reporting progress. */
export async function readAll(files: string[], opts: { district?: string; progress?: boolean } = {}): Promise<ReadOutcome[]> {
  const bar = opts.progress && process.stderr.isTTY ? new SingleBar({ format: '读取 {bar} {value}/{total} {file}', hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(files.length, 0, { file: '' });
  const out: ReadOutcome[] = new Array(files.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      let result: ParseResult;
      try {
        result = await parseUntrusted(fs.readFileSync(file), { fileName: path.basename(file), district: opts.district });
      } catch (e) {
        result = { kind: 'rejected', scores: [], projects: [], issues: [{ severity: 'error', field: 'file', message: `无法读取文件：${(e as Error).message}` }] };
      }
      out[i] = { file, result };
      done++;
      bar?.update(done, { file: path.basename(file) });
      if (!bar && opts.progress) process.stderr.write(`读取 ${done}/${files.length} ${path.basename(file)}\n`);
    }
  };
  await Promise.all([worker(), worker()]);
  bar?.stop();
  return out;
}

function firstError(r: ParseResult): string {
  const errors = r.issues.filter((i) => i.severity === 'error');
  const head = errors.slice(0, 3).map((i) => `${i.sheet ? `${i.sheet}${i.cell ? `!${i.cell}` : ''} ` : ''}${i.message}`);
  return errors.length > 3 ? `${head.join('；')} 等 ${errors.length} 个问题` : head.join('；');
}

function checkDistrict(value: string | undefined): string | undefined | false {
  if (value === undefined) return undefined;
  const d = normalizeDistrict(value);
  if (!d) {
    console.error(`错误：旗县区“${value}”不在名单中（${DISTRICTS.join('、')}）`);
    process.exitCode = EXIT.failed;
    return false;
  }
  return d;
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('把多个申报工作簿汇总成总表（附件2汇总、细则明细、各旗县区、统计）；读不了的文件会列出原因，不会中断')
    .argument('<inputs...>', '申报工作簿文件或文件夹')
    .requiredOption('-o, --out <file>', '输出的汇总工作簿')
    .option('-d, --district <名称>', '只汇总某个旗县区')
    .action(async (inputs: string[], opts: { out: string; district?: string }) => {
      const district = checkDistrict(opts.district);
      if (district === false) return;
      const { files, missing } = expandInputs(inputs);
      const outcomes = await readAll(files, { progress: true });
      await closeDefaultPool();
      const entries: MergeEntry[] = [];
      const skipped = missing.map((m) => ({ source: m, reason: '找不到该文件或文件夹' }));
      for (const { file, result } of outcomes) {
        if (result.submission) entries.push({ submission: result.submission, sourceFile: path.basename(file), submittedAt: fs.statSync(file).mtime.toISOString() });
        else skipped.push({ source: path.basename(file), reason: firstError(result) || '没有可汇总的项目' });
      }
      const out = fs.createWriteStream(path.resolve(opts.out));
      const done = new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
      const report = await writeMaster(entries, out, { district, skipped });
      await done;
      console.log(`已写入 ${path.resolve(opts.out)}：${report.submissions} 份申报、${report.projects} 个项目${district ? `（${district}）` : ''}`);
      for (const d of report.duplicates) console.log(`重复的提交编号 ${d.submissionId}：保留 ${d.kept}，忽略 ${d.dropped}`);
      for (const s of skipped) console.log(`未汇总 ${s.source}：${s.reason}`);
      if (files.length === 0) process.exitCode = EXIT.unreadable;
    });

  program
    .command('import')
    .description('检查一个文件夹里的邮件附件（申报工作簿或附件2表格），显示接收／有问题／拒收及原因')
    .argument('<folder>', '附件所在文件夹')
    .option('-d, --district <名称>', '附件2表格没有旗县区列时使用的旗县区')
    .option('--json', '以 JSON 输出')
    .action(async (folder: string, opts: { district?: string; json?: boolean }) => {
      const district = checkDistrict(opts.district);
      if (district === false) return;
      const { files, missing } = expandInputs([folder]);
      if (missing.length) {
        console.error(`错误：找不到文件夹 ${folder}`);
        process.exitCode = EXIT.unreadable;
        return;
      }
      const outcomes = await readAll(files, { district, progress: !opts.json });
      await closeDefaultPool();
      const rows = outcomes.map(({ file, result }) => {
        const errors = result.issues.filter((i) => i.severity === 'error').length;
        const warnings = result.issues.length - errors;
        const status = result.kind === 'rejected' ? '拒收' : result.submission ? (warnings ? '接收（有提醒）' : '接收') : '有问题';
        return {
          file: path.relative(folder, file), status, kind: result.kind, projects: result.projects.length, errors, warnings,
          submissionId: result.submission?.submissionId ?? null, reason: result.submission ? '' : firstError(result), issues: result.issues,
        };
      });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ files: rows }, null, 2)}\n`);
        return;
      }
      const table = new Table({ head: ['文件', '结果', '类型', '项目数', '错误', '提醒', '原因'], colWidths: [30, 14, 10, 8, 6, 6, 60], wordWrap: true, style: { head: [], border: [] } });
      for (const r of rows) table.push([r.file, r.status, r.kind === 'unit' ? '申报工作簿' : r.kind === 'plain' ? '附件2表格' : '—', String(r.projects), String(r.errors), String(r.warnings), r.reason]);
      console.log(table.toString());
      const count = (s: (r: (typeof rows)[number]) => boolean) => rows.filter(s).length;
      console.log(`共 ${rows.length} 个文件：接收 ${count((r) => r.status.startsWith('接收'))}，有问题 ${count((r) => r.status === '有问题')}，拒收 ${count((r) => r.status === '拒收')}`);
    });
}
