/**
 * `npm run bench:list`: lists and figures at 10,000 stored submissions (BENCH_SUBMISSIONS), on a real server process.
 * Seeds a database directly (storeSubmission, 300 units in every 旗县区, 3 projects with random answers each), then
 * times GET /submissions, /districts and /roster (median of RUNS, 9 unless BENCH_RUNS says), three lists at once, and /healthz while they run.
 * With BENCH_BEFORE=<another checkout, built> the same requests run against that checkout's server on a copy of the
 * data (e.g. the main branch, which parsed every stored body), for a before/after table. Loopback only.
 */
import { serveBench } from './serve';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../server/db';
import { createUser } from '../server/auth';
import { storeSubmission } from '../server/submissions';
import { validateSubmission } from '../core/issues';
import { ANSWER_OPTIONS, currentRubric } from '../core/rubric';
import { DISTRICTS } from '../core/districts';
import { SUBMISSION_SCHEMA_ID, type Submission } from '../core/schema';
import { rng } from './fixtures';

const N = Number(process.env.BENCH_SUBMISSIONS ?? 10_000);
/** Requests timed per row after one warm-up: a single request over loopback varies by tens of milliseconds. */
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const rubric = currentRubric();

function submission(i: number, rand: () => number): Submission {
  const district = DISTRICTS[i % DISTRICTS.length]!;
  const unit = `包头市第${(i % 300) + 1}建筑工程有限公司`;
  const projects = [1, 2, 3].map((seq) => ({
    seq, enterprise: unit, projectName: `${district}安置房${i}-${seq}号楼`, address: `包头市${district}北梁新区南二区`, scale: '建筑面积 3.2 万平方米',
    leader: '王建国', phone: '0472-7100945', startDate: '2023-04-01', endDate: '2025-10-31', district,
    answers: Object.fromEntries(rubric.criteria.map((c) => [c.id, ANSWER_OPTIONS[Math.floor(rand() * ANSWER_OPTIONS.length)]!])),
    notes: Object.fromEntries(rubric.criteria.slice(0, 20).map((c) => [c.id, `佐证说明：${c.id} 现场照片与台账，详见附件 ${i}`])),
  }));
  const input = {
    schema: SUBMISSION_SCHEMA_ID, submissionId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, rubric: { edition: rubric.edition, hash: rubric.hash },
    reporter: { unit, district, contact: '李红', phone: '13912345678' }, projects, source: 'import',
  };
  return validateSubmission(input, rubric).submission!;
}

function seed(dir: string): string {
  const db = openDatabase(dir);
  db.pragma('synchronous = OFF');
  const { token } = createUser(db, { name: '联盟秘书处', role: 'secretariat' });
  const rand = rng(1);
  const actor = { id: 1, name: '联盟秘书处', role: 'secretariat' as const };
  const limits = { versionsKept: 20, unitStoredBytes: Number.MAX_SAFE_INTEGER };
  for (let i = 0; i < N; i++) storeSubmission(db, { submission: submission(i, rand), issues: [], actor, deadline: '2099-01-01T00:00:00Z', limits });
  db.close();
  return token;
}


async function timed(url: string, token: string): Promise<{ ms: number; bytes: number; status: number }> {
  const t = performance.now();
  const r = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const bytes = (await r.arrayBuffer()).byteLength;
  return { ms: performance.now() - t, bytes, status: r.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(label: string, bin: string, data: string, token: string): Promise<string[]> {
  const { child, url } = await serveBench(data, { bin, firstStart: false, env: { REDSITE_RATE_PER_MINUTE: '100000' } });
  const rows: string[] = [];
  try {
    for (const p of ['/api/v1/submissions', '/api/v1/submissions?limit=1000&offset=9000', '/api/v1/submissions?q=安置房77', '/api/v1/districts', '/api/v1/roster']) {
      await timed(url + p, token); // warm-up (first read of the pages)
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await timed(url + p, token));
      if (runs.some((r) => r.status !== 200)) throw new Error(`${p}: ${runs.map((r) => r.status).join(',')}`);
      console.error(`${label} GET ${p}: ${runs.map((r) => r.ms.toFixed(0)).join(' / ')} ms`);
      rows.push(`| ${label} | GET ${p} | ${median(runs.map((r) => r.ms)).toFixed(0)} ms | ${(runs[0]!.bytes / 1024).toFixed(0)} KB |`);
    }
    const lists = [0, 1, 2].map(() => timed(`${url}/api/v1/submissions`, token));
    const health = await timed(`${url}/healthz`, token);
    const three = await Promise.all(lists);
    rows.push(`| ${label} | 3 × GET /api/v1/submissions at once (slowest) | ${Math.max(...three.map((r) => r.ms)).toFixed(0)} ms | |`);
    rows.push(`| ${label} | GET /healthz sent with them | ${health.ms.toFixed(0)} ms | |`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
  return rows;
}

async function main(): Promise<void> {
  // BENCH_DATA=<folder>: seed it once and keep it (later runs reuse it; its token is in <folder>/bench-token).
  const keep = process.env.BENCH_DATA;
  const dir = keep ?? fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bench-list-'));
  const tokenFile = path.join(dir, 'bench-token');
  const t = performance.now();
  const token = keep && fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8') : seed(dir);
  if (keep) fs.writeFileSync(tokenFile, token);
  const seconds = ((performance.now() - t) / 1000).toFixed(0);
  const size = fs.statSync(path.join(dir, 'redsite.sqlite')).size + (fs.existsSync(path.join(dir, 'redsite.sqlite-wal')) ? fs.statSync(path.join(dir, 'redsite.sqlite-wal')).size : 0);
  console.log(`${N} submissions seeded in ${seconds} s, database ${(size / 1024 / 1024).toFixed(0)} MB (${os.cpus().length} cores, ${os.cpus()[0]?.model ?? ''})\n`);
  console.log(`| server | request | time (median of ${RUNS}) | response |`);
  console.log('|---|---|---:|---:|');
  const rows: string[] = [];
  const before = process.env.BENCH_BEFORE;
  if (before) {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bench-list-before-'));
    for (const f of fs.readdirSync(dir)) if (f.startsWith('redsite.sqlite')) fs.copyFileSync(path.join(dir, f), path.join(copy, f));
    rows.push(...(await measure('before', path.join(before, 'bin', 'redsite.js'), copy, token)));
    fs.rmSync(copy, { recursive: true, force: true });
  }
  rows.push(...(await measure('after', path.join(__dirname, '..', '..', 'bin', 'redsite.js'), dir, token)));
  for (const r of rows) console.log(r);
  if (!keep) fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
