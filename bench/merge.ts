/**
 * `npm run bench`: reading 1,000 filled unit workbooks (3 projects each) and writing the master, measured three ways in
 * one run — the zip-read floor (fflate inflate only), a naive baseline (exceljs full load + non-streaming write) and
 * redsite (XML cell reader + streaming writeMaster) — plus peak RSS of a 10,000-project master in a child process.
 * Prints ratios, writes bench/results.md. Not a test: no assertion, just figures.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { buildTemplate } from '../core/workbook/build';
import { generate, variant, PROJECTS } from './fixtures';
import { parseWorkbook } from '../core/workbook/parse';
import { writeMaster, MASTER_COLUMNS, type MergeEntry } from '../core/workbook/merge';
import { assembleUnit, type Grid } from '../core/workbook/assemble';
import { rawFromExcelJs } from '../core/workbook/cells';
import { FORM, FORM_COLUMNS, GRID, SHEETS } from '../core/workbook/contract';
import { currentRubric } from '../core/rubric';
import { ParsePool } from '../core/workbook/pool';
import { withLimits } from '../core/limits';
import { parseUntrusted } from '../core/workbook/guard';

const FILES = Number(process.env.BENCH_FILES ?? 1000);
const rubric = currentRubric();

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, value };
}

function fileStream(file: string) {
  const out = fs.createWriteStream(file);
  return { out, done: new Promise<void>((r) => out.on('finish', () => r())) };
}

async function naive(files: string[], outFile: string): Promise<number> {
  const entries: MergeEntry[] = [];
  for (const f of files) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(fs.readFileSync(f) as unknown as ArrayBuffer);
    const grid = (name: string): Grid => ({ name, cell: (a) => rawFromExcelJs(wb.getWorksheet(name)!.getCell(a)) });
    const metaWs = wb.getWorksheet(SHEETS.meta)!;
    const meta: Record<string, string> = {};
    for (let r = 1; r <= 10; r++) if (metaWs.getCell(`A${r}`).value) meta[String(metaWs.getCell(`A${r}`).value)] = String(metaWs.getCell(`B${r}`).value);
    const last = GRID.firstRow + rubric.criteria.length - 1;
    const r = assembleUnit({
      meta, reporter: {}, source: 'xlsx',
      form: { grid: grid(SHEETS.form), top: FORM.firstRow, left: 1, bottom: FORM.firstRow + PROJECTS - 1, right: FORM_COLUMNS.length },
      answers: { grid: grid(SHEETS.answers), top: GRID.firstRow, left: GRID.firstProjectCol, bottom: last, right: GRID.firstProjectCol + PROJECTS - 1 },
      notes: { grid: grid(SHEETS.notes), top: GRID.firstRow, left: GRID.firstProjectCol, bottom: last, right: GRID.firstProjectCol + PROJECTS - 1 },
    });
    if (r.submission) entries.push({ submission: r.submission, sourceFile: path.basename(f) });
  }
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('附件2汇总');
  ws.addRow([...MASTER_COLUMNS]);
  for (const e of entries) for (const p of e.submission.projects) ws.addRow([p.seq, p.enterprise, p.projectName, p.leader, p.phone, `${p.startDate}—${p.endDate}`, p.district, e.submission.reporter.unit]);
  const detail = wb.addWorksheet('细则明细');
  for (const e of entries) for (const p of e.submission.projects) detail.addRow(rubric.criteria.map((c) => p.answers[c.id] ?? ''));
  fs.writeFileSync(outFile, Buffer.from(await wb.xlsx.writeBuffer()));
  return entries.length;
}

async function redsite(files: string[], outFile: string): Promise<number> {
  const entries: MergeEntry[] = [];
  for (const f of files) {
    const r = await parseWorkbook(fs.readFileSync(f));
    if (r.submission) entries.push({ submission: r.submission, sourceFile: path.basename(f) });
  }
  const { out, done } = fileStream(outFile);
  await writeMaster(entries, out);
  await done;
  return entries.length;
}

async function guarded(files: string[], outFile: string): Promise<number> {
  const pool = new ParsePool(withLimits());
  const entries: MergeEntry[] = [];
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const f = files[next++]!;
      const r = await parseUntrusted(fs.readFileSync(f), { pool });
      if (r.submission) entries.push({ submission: r.submission, sourceFile: path.basename(f) });
    }
  };
  await Promise.all([worker(), worker()]);
  await pool.close();
  const { out, done } = fileStream(outFile);
  await writeMaster(entries, out);
  await done;
  return entries.length;
}

async function floor(files: string[]): Promise<number> {
  let bytes = 0;
  for (const f of files) for (const part of Object.values(unzipSync(fs.readFileSync(f)))) bytes += part.length;
  return bytes;
}

/** Child mode: writes a 10,000-project master and reports its own peak RSS. */
async function bigMaster(): Promise<void> {
  const template = await variant(await buildTemplate({ projects: PROJECTS }), 1);
  const base = (await parseWorkbook(template)).submission!;
  const entries: MergeEntry[] = Array.from({ length: 10_000 / PROJECTS + 1 }, (_, i) => ({
    submission: { ...base, submissionId: globalThis.crypto.randomUUID(), reporter: { ...base.reporter, unit: `单位${i}` } },
  }));
  const { out, done } = fileStream(path.join(os.tmpdir(), `redsite-bench-10k-${process.pid}.xlsx`));
  const t = await time(() => writeMaster(entries, out));
  await done;
  process.stdout.write(JSON.stringify({ ms: t.ms, projects: t.value.projects, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--big-master') return bigMaster();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bench-'));
  console.log(`生成 ${FILES} 个申报工作簿（每个 ${PROJECTS} 个项目）…`);
  const gen = await time(() => generate(dir, FILES));
  const files = gen.value;
  const f = await time(() => floor(files));
  const n = await time(() => naive(files, path.join(dir, 'naive.xlsx')));
  const r = await time(() => redsite(files, path.join(dir, 'redsite.xlsx')));
  const g = await time(() => guarded(files, path.join(dir, 'guarded.xlsx')));
  const big = JSON.parse(execFileSync(process.execPath, [__filename, '--big-master'], { encoding: 'utf8' })) as { ms: number; projects: number; maxRssMb: number };
  const rows: Array<[string, number, string]> = [
    ['zip-read floor (fflate inflate only)', f.ms, '1.00'],
    ['naive: exceljs full load + non-streaming write', n.ms, (n.ms / f.ms).toFixed(2)],
    ['redsite merge: XML cell reader + streaming writeMaster', r.ms, (r.ms / f.ms).toFixed(2)],
    ['redsite merge, guarded (zip checks + 2 parser workers)', g.ms, (g.ms / f.ms).toFixed(2)],
  ];
  const table = [
    `| step (${FILES} files × ${PROJECTS} projects, ${os.cpus().length} cores) | ms | × floor |`,
    '|---|---:|---:|',
    ...rows.map(([name, ms, ratio]) => `| ${name} | ${ms.toFixed(0)} | ${ratio} |`),
  ].join('\n');
  const summary = [
    `- redsite vs naive: **${(n.ms / r.ms).toFixed(2)}× faster** (target ≥ 2×); guarded: ${(n.ms / g.ms).toFixed(2)}×`,
    `- redsite vs floor: **${(r.ms / f.ms).toFixed(2)}×** (target ≤ 3×)`,
    `- 10,000-project master (streaming, child process): ${big.projects} projects in ${big.ms.toFixed(0)} ms, peak RSS **${big.maxRssMb.toFixed(0)} MB** (target < 300 MB)`,
    `- submissions read: naive ${n.value}, redsite ${r.value}, guarded ${g.value} (of ${FILES}); generating the files took ${gen.ms.toFixed(0)} ms (not measured above)`,
  ].join('\n');
  console.log(`\n${table}\n\n${summary}`);
  const md = `# Benchmark results\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${os.cpus()[0]?.model ?? 'CPU'} × ${os.cpus().length}).\n\n${table}\n\n${summary}\n`;
  fs.writeFileSync(path.join(__dirname, '..', '..', 'bench', 'results.md'), md);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
