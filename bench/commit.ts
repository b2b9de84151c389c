/**
 * `npm run bench:commit`: what the power-loss promise costs per acknowledged write. Stores 500 submissions (each
 * with a 40 KB original) through storeSubmission on a real database file, with synchronous = NORMAL (the WAL synced
 * only at checkpoints) and FULL (synced at every commit, what the server uses), twice each, alternating.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../server/db';
import { storeSubmission } from '../server/submissions';
import { validateSubmission } from '../core/issues';
import { currentRubric } from '../core/rubric';
import { SUBMISSION_SCHEMA_ID, type Submission } from '../core/schema';

const N = Number(process.env.BENCH_COMMITS ?? 500);
const rubric = currentRubric();

function submission(): Submission {
  const project = {
    seq: 1, enterprise: '包头市第一建筑工程有限公司', projectName: '北梁棚户区改造安置房1号楼', address: '包头市东河区北梁新区南二区',
    scale: '建筑面积 3.2 万平方米', leader: '王建国', phone: '0472-7100945', startDate: '2023-04-01', endDate: '2025-10-31', district: '东河区', answers: {}, notes: {},
  };
  const input = {
    schema: SUBMISSION_SCHEMA_ID, submissionId: crypto.randomUUID(), rubric: { edition: rubric.edition, hash: rubric.hash },
    reporter: { unit: '包头市第一建筑工程有限公司', district: '东河区', contact: '李红', phone: '13912345678' }, projects: [project], source: 'import',
  };
  return validateSubmission(input, rubric).submission!;
}

function run(mode: 'NORMAL' | 'FULL'): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bench-commit-'));
  const db = openDatabase(dir);
  db.pragma(`synchronous = ${mode}`);
  const inputs = Array.from({ length: N }, () => ({ submission: submission(), file: { bytes: crypto.randomBytes(40_000), name: '申报.xlsx' } }));
  const t = performance.now();
  for (const x of inputs) storeSubmission(db, { ...x, issues: [], actor: { id: 1, name: '联盟秘书处', role: 'secretariat' }, deadline: '2099-01-01T00:00:00Z' });
  const ms = (performance.now() - t) / N;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return ms;
}

const results: Record<string, number[]> = { NORMAL: [], FULL: [] };
for (const mode of ['NORMAL', 'FULL', 'NORMAL', 'FULL'] as const) results[mode]!.push(run(mode));
const fmt = (xs: number[]) => `${xs.map((x) => x.toFixed(2)).join(' / ')} ms (${(1000 / Math.min(...xs)).toFixed(0)} commits/s at best)`;
console.log(`| synchronous (${N} submissions, 40 KB original each, ${os.tmpdir()}) | time per commit, two runs |`);
console.log('|---|---:|');
console.log(`| NORMAL (before) | ${fmt(results.NORMAL!)} |`);
console.log(`| FULL (now) | ${fmt(results.FULL!)} |`);
