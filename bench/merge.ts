/**
 * `npm run bench`: what users run, as whole processes, on the workbooks units send (bench/realistic.ts) — the
 * `redsite merge` command over 1,000 files next to the fflate floor and a plain exceljs load-only loop over the same
 * folder, a single `redsite score`, and the peak RSS of a 10,000-project master. Each step is timed from process start
 * to exit, several runs taking turns (floor, exceljs, merge; floor, …), medians; ratios are against the floor measured
 * in the same rounds. Writes bench/results.md.
 * Not a test: no assertion, just figures.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realisticCorpus } from './realistic';
import { parseWorkbook } from '../core/node/workbook/parse';
import { writeMaster, type MergeEntry } from '../core/node/workbook/merge';

const FILES = Number(process.env.BENCH_FILES ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const root = path.join(__dirname, '..', '..');
const bin = path.join(root, 'bin', 'redsite.js');

interface Timing {
  median: number;
  min: number;
  max: number;
  /** CPU time (user + system) of the process and the workers it started, median, ms. */
  cpu: number;
}

let ticks: number | undefined;
/**
 * CPU time of this process's finished children (and theirs), ms, from /proc (Linux): on a shared machine the wall
 * clock says how busy the others were, the CPU time what the work cost. NaN where /proc is not there.
 */
function childrenCpuMs(): number {
  try {
    ticks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the name: state is field 3, cutime and cstime are fields 16 and 17.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticks;
  } catch {
    return Number.NaN;
  }
}

/** A command: node's arguments, and the environment it runs in when not this process's. */
type Command = string[] | { args: string[]; env: NodeJS.ProcessEnv };

/** Runs a whole process once: wall-clock milliseconds from spawn to exit, and its CPU time. */
function runOnce(command: Command): { ms: number; cpu: number } {
  const { args, env } = Array.isArray(command) ? { args: command, env: process.env } : command;
  const c = childrenCpuMs();
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, env });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 2000)}`);
  return { ms, cpu: childrenCpuMs() - c };
}

/**
 * Runs each command `runs` times, taking turns (one run of each, then the next round): this machine's speed drifts
 * over minutes, and a ratio of two commands timed a minute apart measured the drift as much as the code.
 */
function timeInTurns<K extends string>(commands: Record<K, Command>, runs = RUNS): Record<K, Timing> {
  const keys = Object.keys(commands) as K[];
  const got = new Map(keys.map((k) => [k, { ms: [] as number[], cpu: [] as number[] }]));
  for (let i = 0; i < runs; i++) {
    for (const k of keys) {
      const { ms, cpu } = runOnce(commands[k]);
      got.get(k)!.ms.push(ms);
      got.get(k)!.cpu.push(cpu);
    }
  }
  const timing = ({ ms, cpu }: { ms: number[]; cpu: number[] }): Timing => {
    ms.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    return { median: ms[Math.floor(ms.length / 2)]!, min: ms[0]!, max: ms[ms.length - 1]!, cpu: cpu[Math.floor(cpu.length / 2)]! };
  };
  return Object.fromEntries(keys.map((k) => [k, timing(got.get(k)!)])) as Record<K, Timing>;
}

/** Child mode: writes a 10,000-project master from parsed workbooks and reports its own time and peak RSS. */
async function bigMaster(): Promise<void> {
  const base = (await parseWorkbook(fs.readFileSync(process.argv[3]!))).submission!;
  const n = Math.ceil(10_000 / base.projects.length);
  const entries: MergeEntry[] = Array.from({ length: n }, (_, i) => ({
    submission: { ...base, submissionId: globalThis.crypto.randomUUID(), reporter: { ...base.reporter, unit: `单位${i}` } },
  }));
  const file = path.join(os.tmpdir(), `redsite-bench-10k-${process.pid}.xlsx`);
  const out = fs.createWriteStream(file);
  const done = new Promise<void>((r) => out.on('finish', () => r()));
  const t = process.hrtime.bigint();
  const c = process.cpuUsage();
  const report = await writeMaster(entries, out);
  await done;
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const used = process.cpuUsage(c);
  const cpuMs = (used.user + used.system) / 1000;
  fs.rmSync(file, { force: true });
  process.stdout.write(JSON.stringify({ ms, cpuMs, projects: report.projects, maxRssMb: process.resourceUsage().maxRSS / 1024 }));
}

/** Start of the hand-written part of bench/results.md, kept when the figures above it are measured again. */
const NOTES = '<!-- notes: kept by npm run bench -->';

const fmt = (t: Timing) => `${t.median.toFixed(0)} (${t.min.toFixed(0)}–${t.max.toFixed(0)}) | ${t.cpu.toFixed(0)}`;

async function main(): Promise<void> {
  if (process.argv[2] === '--big-master') return bigMaster();
  console.log(`准备 ${FILES} 个真实形态的申报工作簿（默认模板 10 列，填 1–5 个项目，一半经 LibreOffice 另存）…`);
  const corpus = await realisticCorpus(FILES);
  const load0 = os.loadavg()[0]!;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bench-'));
  try {
    const { floor, exceljs, merge } = timeInTurns({
      floor: [path.join(__dirname, 'floor.js'), corpus.dir],
      exceljs: [path.join(__dirname, 'exceljs-load.js'), corpus.dir],
      merge: [bin, 'merge', corpus.dir, '--out', path.join(work, 'master.xlsx')],
    });
    const one = corpus.files[1]!;
    // Starting node alone: the part of the score figure no code of ours can remove.
    const scoreArgs = [bin, 'score', one, '--json'];
    const { score, nodeStart } = timeInTurns({ score: scoreArgs, nodeStart: ['-e', '0'] }, Math.max(RUNS, 10));
    // Node reads the file NODE_EXTRA_CA_CERTS names (a proxy's or a company's certificates) when it starts, before
    // any code of ours: here ~90 ms per start. Where it is set, both are timed again without it, as on a machine that
    // does not set it.
    const { NODE_EXTRA_CA_CERTS: certs, ...withoutCerts } = process.env;
    const clean = certs
      ? timeInTurns({ score: { args: scoreArgs, env: withoutCerts }, nodeStart: { args: ['-e', '0'], env: withoutCerts } }, Math.max(RUNS, 10))
      : undefined;
    const big = JSON.parse(execFileSync(process.execPath, [__filename, '--big-master', one], { encoding: 'utf8' })) as { ms: number; cpuMs: number; projects: number; maxRssMb: number };

    const ratio = merge.median / floor.median;
    const speedup = exceljs.median / merge.median;
    const table = [
      `| whole process (${FILES} files, ${corpus.libreOffice} re-saved by LibreOffice; ${RUNS} runs) | wall ms: median (min–max) | CPU ms (with workers) | × floor (wall) | × floor (CPU) |`,
      '|---|---:|---:|---:|---:|',
      `| floor: fflate inflates every part of every file | ${fmt(floor)} | 1.00 | 1.00 |`,
      `| baseline: exceljs load-only loop | ${fmt(exceljs)} | ${(exceljs.median / floor.median).toFixed(2)} | ${(exceljs.cpu / floor.cpu).toFixed(2)} |`,
      `| **redsite merge** (guard + parse + master) | ${fmt(merge)} | ${ratio.toFixed(2)} | ${(merge.cpu / floor.cpu).toFixed(2)} |`,
      `| single \`redsite score --json\` (${Math.max(RUNS, 10)} runs) | ${fmt(score)} | | |`,
      `| start-up floor: \`node -e 0\` (${Math.max(RUNS, 10)} runs) | ${fmt(nodeStart)} | | |`,
      ...(clean
        ? [
            `| single \`redsite score --json\` without NODE_EXTRA_CA_CERTS (${Math.max(RUNS, 10)} runs) | ${fmt(clean.score)} | | |`,
            `| \`node -e 0\` without NODE_EXTRA_CA_CERTS (${Math.max(RUNS, 10)} runs) | ${fmt(clean.nodeStart)} | | |`,
          ]
        : []),
    ].join('\n');
    const verdict = (ok: boolean) => (ok ? '达标 met' : '**未达标 not met**');
    const summary = [
      `- merge vs floor: **${ratio.toFixed(2)}×** (target ≤ 3×) — ${verdict(ratio <= 3)}`,
      `- merge vs exceljs load-only: **${speedup.toFixed(2)}× faster** (target ≥ 2×) — ${verdict(speedup >= 2)}`,
      `- single \`redsite score\` (whole process, ${Math.max(RUNS, 10)} runs): median **${score.median.toFixed(0)} ms** wall, ${score.cpu.toFixed(0)} ms CPU (target < 150 ms) — ${verdict(score.median < 150)}; starting node alone (\`node -e 0\`) takes ${nodeStart.median.toFixed(0)} ms wall, ${nodeStart.cpu.toFixed(0)} ms CPU`,
      ...(clean
        ? [
            `- the same without NODE_EXTRA_CA_CERTS (set here to \`${certs}\`; node parses that file at every start): median **${clean.score.median.toFixed(0)} ms** wall, ${clean.score.cpu.toFixed(0)} ms CPU — ${verdict(clean.score.median < 150)}; \`node -e 0\` ${clean.nodeStart.median.toFixed(0)} ms wall, ${clean.nodeStart.cpu.toFixed(0)} ms CPU`,
          ]
        : []),
      `- 10,000-project master (streaming writer, child process): ${big.projects} projects in **${big.ms.toFixed(0)} ms** wall (${big.cpuMs.toFixed(0)} ms CPU of the main thread), peak RSS **${big.maxRssMb.toFixed(0)} MB** (targets < 2 s, < 300 MB) — ${verdict(big.ms < 2000 && big.maxRssMb < 300)}`,
    ].join('\n');
    console.log(`\n${table}\n\n${summary}`);
    const cpu = os.cpus()[0]?.model ?? 'CPU';
    const md = `# Benchmark results\n\nMeasured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${cpu} × ${os.cpus().length}, load average ${load0.toFixed(1)} at the start and ${os.loadavg()[0]!.toFixed(1)} at the end).\n\nInputs: bench/realistic.ts — the default template as distributed, 1–5 projects filled with some blanks, half re-saved by LibreOffice, each file with its own workbook id and unit.\n\n${table}\n\n${summary}\n`;
    // What people wrote below the marker (before/after, analysis) stays; the measured part above it is replaced.
    const file = path.join(root, 'bench', 'results.md');
    const previous = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    const notes = previous.includes(NOTES) ? previous.slice(previous.indexOf(NOTES)) : '';
    fs.writeFileSync(file, notes ? `${md}\n${notes}` : md);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
