/**
 * `redsite merge` and `redsite import`: read many files (guarded), never stopping at a bad one. Both decide every
 * file's outcome with core/node/workbook/intake.ts — `merge` writes the master / district workbook with its 文件清单,
 * `import` prints the same rows and, with --server, uploads the accepted files for their units (代为上传).
 *
 * --district has one meaning in every command: the 旗县区 the files belong to. A 附件2 table without a 旗县区 column
 * is read as that 旗县区's, and a file that names another 旗县区 is not accepted (有问题, with the reason).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import Table from 'cli-table3';
import { SingleBar, Presets } from 'cli-progress';
import { parseUntrustedFiles, closeDefaultPool, defaultPool, GUARD_MSG } from '../../core/node/workbook/guard';
import { withLimits } from '../../core/limits';
import type * as Master from '../../core/node/workbook/merge';
import { intake, type IntakeInput, type IntakeRow } from '../../core/node/workbook/intake';
import { rejected, type ParseResult } from '../../core/workbook/result';
import { compareZh } from '../../core/text';
import { expandInputs, EXIT, DISTRICT_OPTION, checkDistrict, refuse, refuseOutFile, type InputFile } from '../files';
import { checkUploadToken, uploadFile, serverUrlProblem, type UploadOutcome } from '../upload';
import { fittedColumns } from '../table';

/** The master writer, loaded when the files are already being read: `import` never loads it. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const master = () => require('../../core/node/workbook/merge') as typeof Master;

export interface ReadOutcome {
  file: InputFile;
  result: ParseResult;
}

export { DISTRICT_OPTION, checkDistrict };

/** Files one worker job reads at most (readAll). */
export const FILES_PER_JOB = 10;

/**
 * Reads files, reporting progress. A worker reads up to FILES_PER_JOB files per job (ParsePool.parseFiles), one after
 * another without waiting for this process; twice as many jobs are in flight as the pool has workers, so a worker
 * finds its next job already queued. Jobs get smaller toward the end, so the workers run out of files together.
 */
export async function readAll(files: InputFile[], opts: { district?: string; progress?: boolean } = {}): Promise<ReadOutcome[]> {
  const bar = opts.progress && process.stderr.isTTY ? new SingleBar({ format: '读取 {bar} {value}/{total} {file}', hideCursor: true }, Presets.shades_classic) : undefined;
  bar?.start(files.length, 0, { file: '' });
  const out: ReadOutcome[] = new Array(files.length);
  const inFlight = 2 * withLimits().parseWorkers;
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < files.length) {
      const start = next;
      next += Math.max(1, Math.min(FILES_PER_JOB, Math.floor((files.length - start) / inFlight)));
      const batch = files.slice(start, next);
      let results: ParseResult[];
      try {
        // The worker reads the files itself: their bytes do not pass through this process.
        results = await parseUntrustedFiles(batch.map((f) => ({ path: f.path, fileName: path.basename(f.path) })), { district: opts.district });
      } catch (e) {
        results = batch.map(() => rejected(GUARD_MSG.cannotRead((e as Error).message)));
      }
      batch.forEach((file, k) => {
        out[start + k] = { file, result: results[k]! };
        done++;
        if (!bar && opts.progress) process.stderr.write(`读取 ${done}/${files.length} ${file.name}\n`);
      });
      bar?.update(done, { file: batch.at(-1)!.name });
    }
  };
  await Promise.all(Array.from({ length: inFlight }, () => worker()));
  bar?.stop();
  return out;
}

/** Reads a folder (or files) and decides every file's outcome. */
async function readInbox(inputs: string[], district: string | undefined, progress: boolean) {
  // The parse workers start first: they load while the folder is listed (1,000 files: ~30 ms).
  defaultPool().start();
  const { files, ignored, missing } = expandInputs(inputs);
  const outcomes = await readAll(files, { district, progress });
  // The workers are done: they end while the outcomes are decided (ending two of them took ~20 ms).
  const closing = closeDefaultPool();
  const byFile = new Map(outcomes.map((o) => [o.file, o]));
  const all = [...files, ...ignored].sort((a, b) => compareZh(a.name, b.name));
  const inputsList: IntakeInput[] = all.map((f) => {
    const ign = ignored.find((x) => x === f);
    if (ign) return { file: f.name, ignored: ign.reason };
    return { file: f.name, result: byFile.get(f)!.result, submittedAt: fs.statSync(f.path).mtime.toISOString() };
  });
  const decided = intake(inputsList, { district });
  await closing;
  return { ...decided, files, missing, pathOf: new Map(all.map((f) => [f.name, f.path])) };
}

const KIND_LABEL: Record<IntakeRow['kind'], string> = { unit: '申报工作簿', plain: '附件2表格', rejected: '—', ignored: '—' };

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description('把多个申报工作簿汇总成总表（附件2汇总、细则明细、各旗县区、统计、文件清单）；每个文件的结果和原因都列在《文件清单》，不会中断')
    .argument('<inputs...>', '申报工作簿文件或文件夹')
    .requiredOption('-o, --out <file>', '输出的汇总工作簿')
    .option(...DISTRICT_OPTION)
    .action(async (inputs: string[], opts: { out: string; district?: string }) => {
      const district = checkDistrict(opts.district);
      if (district === false || refuseOutFile(opts.out)) return;
      const reading = readInbox(inputs, district, true);
      // The parse workers have started: the writer loads meanwhile, not before them.
      const { writeMaster } = master();
      const { rows, entries, files, missing } = await reading;
      const merged = new Set(entries.map((e) => e.sourceFile));
      const unread = [
        ...missing.map((m) => ({ file: m, unit: '', district: '', result: '拒收' as const, reason: '找不到该文件或文件夹' })),
        ...rows.filter((r) => !merged.has(r.file)),
      ];
      const out = fs.createWriteStream(path.resolve(opts.out));
      const done = new Promise<void>((resolve, reject) => out.on('finish', resolve).on('error', reject));
      const report = await writeMaster(entries, out, { district, unread, order: [...missing, ...rows.map((r) => r.file)] });
      await done;
      console.log(`已写入 ${path.resolve(opts.out)}：${report.submissions} 份申报、${report.projects} 个项目${district ? `（${district}）` : ''}`);
      const count = (result: string) => report.files.filter((f) => f.result === result).length;
      console.log(`共 ${report.files.length} 个文件：汇总 ${count('汇总')}，已替换 ${count('已替换')}，重复项目 ${count('重复项目')}，有问题 ${count('有问题')}，拒收 ${count('拒收')}，忽略 ${count('忽略')}（详见《文件清单》）`);
      for (const f of report.files) if (f.result !== '汇总' || f.reason) console.log(`${f.result} ${f.file}：${f.reason}`);
      if (files.length === 0) process.exitCode = EXIT.unreadable;
    });

  program
    .command('import')
    .description('检查一个文件夹里的邮件附件（申报工作簿、附件2表格／回执），逐个列出结果（汇总／已替换／重复项目／有问题／拒收／忽略）及原因；加 --server 则把可接收的文件代各单位上传')
    .argument('<folder>', '附件所在文件夹')
    .option(...DISTRICT_OPTION)
    .option('--json', '以 JSON 输出')
    .option('--server <url>', '代为上传到此服务器（如 https://redsite.example.cn）')
    .option('--token <令牌>', '上传所用账号的令牌（旗县区或秘书处；也可用环境变量 REDSITE_TOKEN）')
    .action(async (folder: string, opts: { district?: string; json?: boolean; server?: string; token?: string }) => {
      const district = checkDistrict(opts.district);
      if (district === false) return;
      if (!fs.existsSync(folder)) {
        console.error(`错误：找不到文件夹 ${folder}`);
        process.exitCode = EXIT.unreadable;
        return;
      }
      const token = opts.token ?? process.env.REDSITE_TOKEN;
      const badServer = opts.server === undefined ? undefined : serverUrlProblem(opts.server);
      if (badServer) return refuse(badServer);
      if (opts.server && !token) {
        console.error('错误：代为上传需要令牌：请用 --token 或环境变量 REDSITE_TOKEN 提供旗县区账号的令牌');
        process.exitCode = EXIT.failed;
        return;
      }
      // The token and the server are checked once, before any file is read: a wrong or expired token is one message,
      // not the same refusal on every file after the whole folder was read.
      if (opts.server) {
        const signedIn = await checkUploadToken(opts.server, token!);
        if (!signedIn.ok) return refuse(signedIn.message);
      }
      const { rows, pathOf } = await readInbox([folder], district, !opts.json);
      const uploads = new Map<string, UploadOutcome>();
      if (opts.server) {
        for (const r of rows) {
          if (r.result !== '汇总' && r.result !== '重复项目') continue;
          uploads.set(r.file, await uploadFile(opts.server, token!, pathOf.get(r.file)!, district));
        }
      }
      const list = rows.map((r) => ({ ...r, ...(opts.server ? { upload: uploads.get(r.file) ?? null } : {}) }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ files: list }, null, 2)}\n`);
      } else {
        const head = ['文件', '单位', '结果', '类型', '项目数', '错误', '提醒', '原因', ...(opts.server ? ['上传'] : [])];
        // Whole names and reasons: a reason says what to change, so none is cut short (cli/table.ts).
        const { colWidths, fit } = fittedColumns([28, 26, 10, 12, 8, 6, 6, 50, ...(opts.server ? [36] : [])]);
        const table = new Table({ head, colWidths, style: { head: [], border: [] } });
        for (const r of list) {
          const u = uploads.get(r.file);
          table.push(fit([r.file, r.unit, r.result, KIND_LABEL[r.kind], String(r.projects), String(r.errors), String(r.warnings), r.reason, ...(opts.server ? [u ? u.message : '—'] : [])]));
        }
        console.log(table.toString());
        const count = (s: string) => rows.filter((r) => r.result === s).length;
        console.log(`共 ${rows.length} 个文件：汇总 ${count('汇总')}，已替换 ${count('已替换')}，重复项目 ${count('重复项目')}，有问题 ${count('有问题')}，拒收 ${count('拒收')}，忽略 ${count('忽略')}`);
        if (opts.server) {
          const ok = [...uploads.values()].filter((u) => u.ok && !u.older).length;
          const older = [...uploads.values()].filter((u) => u.older).length;
          console.log(`代为上传 ${uploads.size} 个文件：成功 ${ok}${older ? `，跳过 ${older}（服务器上已有更新的版本）` : ''}，失败 ${uploads.size - ok - older}`);
        }
      }
      if ([...uploads.values()].some((u) => !u.ok)) process.exitCode = EXIT.failed;
    });
}
