/**
 * `npm run bench:hostile`: reproduces every numbered case of issue 13 against a real `redsite serve` process on
 * 127.0.0.1 and prints, per case, the status, response bytes, time and the server's RSS before/after; then the RSS
 * after 200 hostile uploads and 60 s idle, and the latency of a valid upload from another account while two
 * worst-case files are in flight. RSS counts the server process and its worker processes. Writes
 * bench/results-hostile.md. Loopback only; stops by itself. Figures, not assertions (the tests assert).
 */
import { serveBench, childrenOf } from './serve';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { buildTemplate } from '../core/node/workbook/build';
import { variant } from './fixtures';
import { SUBMISSION_SCHEMA_ID } from '../core/schema';
import { currentRubric } from '../core/rubric';
import { withLimits } from '../core/limits';
import { bigCsv, bigGridWorkbook, duplicateSheet, echoAmplifier, hugeSharedStrings, lyingPicture, movedSheet, phoneticAndEmpty, redefinedAnswers } from './hostile-files';

const IDLE_MS = Number(process.env.BENCH_IDLE_MS ?? 60_000);
const HOSTILE_UPLOADS = Number(process.env.BENCH_HOSTILE_UPLOADS ?? 200);

interface Server {
  child: ChildProcess;
  url: string;
  token: string;
  log: () => string;
}


function ownRss(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
  } catch {
    return 0; // exited meanwhile
  }
}

/** Resident memory of the server and its worker processes, MB. */
function rssMb(pid: number): number {
  return Math.round([pid, ...childrenOf(pid)].reduce((n, p) => n + ownRss(p), 0) / 1024 / 1024);
}

/**
 * The server at rest: its warm parse workers started (they read the template 30 times first) and the memory of it all
 * steady for a second. The starting RSS is measured then: measured before the warm workers exist, it left out two
 * processes the server keeps for good, and the after-idle figure (which has them) looked 2× the start.
 */
async function atRest(pid: number, workers: number): Promise<void> {
  const stop = Date.now() + 60_000;
  let last = -1;
  let steady = 0;
  while (Date.now() < stop && steady < 4) {
    await new Promise((r) => setTimeout(r, 250));
    const now = rssMb(pid);
    steady = childrenOf(pid).length >= workers && Math.abs(now - last) <= 1 ? steady + 1 : 0;
    last = now;
  }
}

interface Call {
  method?: string;
  token?: string;
  json?: unknown;
  body?: string;
  file?: { bytes: Uint8Array; name: string };
  field?: string;
}

interface Answer {
  status: number;
  bytes: number;
  ms: number;
  text: string;
  headers: Headers;
}

async function call(s: Server, p: string, c: Call = {}): Promise<Answer> {
  const headers: Record<string, string> = {};
  if (c.token) headers.authorization = `Bearer ${c.token}`;
  let body: FormData | string | undefined;
  if (c.json !== undefined || c.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = c.body ?? JSON.stringify(c.json);
  } else if (c.file) {
    const form = new FormData();
    form.append(c.field ?? 'file', new Blob([new Uint8Array(c.file.bytes)]), c.file.name);
    body = form;
  }
  const t = performance.now();
  const res = await fetch(`${s.url}${p}`, { method: c.method ?? (body ? 'POST' : 'GET'), headers, body });
  const buf = Buffer.from(await res.arrayBuffer());
  const isText = /json|text/.test(res.headers.get('content-type') ?? '');
  return { status: res.status, bytes: buf.length, ms: performance.now() - t, text: isText ? buf.toString('utf8') : '', headers: res.headers };
}

const errorOf = (a: Answer) => {
  try {
    return (JSON.parse(a.text) as { error?: string }).error ?? '';
  } catch {
    return a.text.slice(0, 80);
  }
};
const fmtBytes = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`);
const cut = (s: string, n = 70) => (s.length > n ? `${s.slice(0, n)}…` : s).replace(/\|/g, '\\|');

/** A unit workbook of the benchmark fixtures with a fresh submission ID (a new submission each time). */
function fresh(file: Uint8Array): Uint8Array {
  const parts = unzipSync(file);
  const xml = strFromU8(parts['xl/sharedStrings.xml']!);
  const id = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/.exec(xml)![0];
  parts['xl/sharedStrings.xml'] = strToU8(xml.replace(id, randomUUID()));
  return zipSync(parts);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bench-hostile-'));
  console.log('生成输入文件…');
  const template = await buildTemplate({ projects: 3 });
  const good = new Uint8Array(await variant(template, 0)); // 昆都仑区, 第1建筑公司
  const s: Server = await serveBench(path.join(dir, 'data'), { log: 'info', env: { REDSITE_RATE_PER_MINUTE: '100000' } });
  const pid = s.child.pid!;
  const admin = s.token;
  const mk = async (body: Record<string, unknown>) => ((await (await fetch(`${s.url}/api/v1/users`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { token: string }).token;
  const attacker = await mk({ name: '第1建筑公司', role: 'unit', district: '昆都仑区', unit: '第1建筑公司' });
  const reviewer = await mk({ name: '昆区组织部', role: 'district', district: '昆都仑区' });
  const other = await mk({ name: '青山区组织部', role: 'district', district: '青山区' });
  await atRest(pid, withLimits().parseWorkers);
  const startRss = rssMb(pid);
  const rows: string[] = [];
  const row = (id: string, input: string, a: Answer, before: number, note: string) => {
    rows.push(`| ${id} | ${cut(input, 60)} | ${a.status} | ${fmtBytes(a.bytes)} | ${a.ms.toFixed(0)} ms | ${before} → ${rssMb(pid)} MB | ${cut(note, 90)} |`);
    console.log(rows.at(-1));
  };
  const upload = (bytes: Uint8Array, token = attacker, name = 'upload.xlsx') => call(s, '/api/v1/submissions', { token, file: { bytes, name } });
  const measure = async (id: string, input: string, run: () => Promise<Answer>, note: (a: Answer) => string = errorOf) => {
    const before = rssMb(pid);
    const a = await run();
    row(id, input, a, before, note(a));
    return a;
  };

  // 1 is read from the log at the end (every call below is logged at level info).
  const echo = echoAmplifier(good, 180);
  await measure('2', `1 MB shared string in 180 ID cells (${fmtBytes(echo.length)} upload)`, () => upload(echo));
  await measure('3', 'rs_answers redefined over 200,000 rows', () => upload(redefinedAnswers(good, "'细则自评'!$E$4:$G$200003")));
  const whole = redefinedAnswers(good, "'细则自评'!$E$4:$XFD$1048576");
  await measure('4', `rs_answers = E4:XFD1048576 (${fmtBytes(whole.length)})`, () => upload(whole));
  await measure('5', 'xl/media/image1.png declares 1,000 B, inflates to 1 GiB', () => upload(lyingPicture(good)));
  await measure('6', 'duplicate entry names (达到 / 未达到)', () => upload(duplicateSheet(good)));
  const moved = movedSheet(good, 250_000);
  await measure('7', `answers sheet at xl/sub/sheet3.xml, 250,000 rows (${fmtBytes(moved.length)})`, () => upload(moved));

  // 8: rosters, while another account keeps asking /me.
  const rosterDuring = async (id: string, label: string, bytes: Uint8Array, name: string) => {
    let slowest = 0;
    let stop = false;
    const probe = (async () => {
      while (!stop) {
        const a = await call(s, '/api/v1/me', { token: other });
        slowest = Math.max(slowest, a.ms);
      }
    })();
    await measure(id, `${label} (${fmtBytes(bytes.length)})`, () => call(s, '/api/v1/roster', { token: admin, file: { bytes, name } }), (a) => `${errorOf(a)}；同时 /me 最慢 ${slowest.toFixed(0)} ms`);
    stop = true;
    await probe;
  };
  await rosterDuring('8', 'roster xlsx 20,000 × 100', bigGridWorkbook(20_000, 100, ['单位名称', '旗县区', '联系人', '电话']), '名单.xlsx');
  await rosterDuring('8', 'roster CSV 20,000 × 60', bigCsv(20_000, 60), '名单.csv');

  // 9: exports go through the same runner (heap cap, time limit, exit handling; a dying worker fails the export).
  for (let i = 0; i < 20; i++) await upload(fresh(good), reviewer);
  await measure('9', 'master.xlsx through the worker runner (20 submissions)', () => call(s, '/api/v1/master.xlsx', { token: admin }), (a) => (a.status === 200 ? '导出成功' : errorOf(a)));

  // 11: property names as districts.
  await measure('11', 'GET /districts/constructor/workbook.xlsx (秘书处)', () => call(s, '/api/v1/districts/constructor/workbook.xlsx', { token: admin }));
  await measure('11', 'GET /districts/__proto__/workbook.xlsx (旗县区)', () => call(s, `/api/v1/districts/${encodeURIComponent('__proto__')}/workbook.xlsx`, { token: reviewer }));
  await measure('11', 'POST /users district "toString"', () => call(s, '/api/v1/users', { token: admin, json: { name: 'x', role: 'district', district: 'toString' } }));
  const rubric = currentRubric();
  const submission = (over: Record<string, unknown> = {}) => ({
    schema: SUBMISSION_SCHEMA_ID, submissionId: randomUUID(), rubric: { edition: rubric.edition, hash: rubric.hash }, source: 'addin',
    reporter: { unit: '第1建筑公司', district: '昆都仑区', contact: '李红', phone: '13912345678' },
    projects: [{ seq: 1, enterprise: '第1建筑公司', projectName: '安置房', address: '某路', scale: '3万平方米', leader: '王', phone: '0472-7100945', startDate: '2023-04-01', endDate: '2025-10-31', district: '昆都仑区', answers: {}, notes: {} }],
    ...over,
  });
  await measure('11', 'JSON submission, reporter.district "constructor"', () => call(s, '/api/v1/submissions', { token: admin, json: submission({ reporter: { unit: '甲', district: 'constructor', contact: '李', phone: '13912345678' } }) }), (a) => cut(a.text.match(/"message":"([^"]+district[^"]*|[^"]*旗县区[^"]*)"/)?.[1] ?? errorOf(a)));

  // 12: deep JSON.
  const deep = JSON.stringify(submission()).replace('"answers":{}', `"answers":{"A01-1":${'['.repeat(50_000)}1${']'.repeat(50_000)}}`);
  await measure('12', 'answer nested 50,000 arrays deep', () => call(s, '/api/v1/submissions', { token: admin, body: deep }));

  // 13: phonetic runs and empty shared-string indices.
  const read13 = await upload(fresh(phoneticAndEmpty(good)), reviewer);
  const id13 = (JSON.parse(read13.text) as { id?: string }).id;
  const detail13 = id13 ? (JSON.parse((await call(s, `/api/v1/submissions/${id13}`, { token: reviewer })).text) as { submission: { projects: Array<{ answers: Record<string, string> }> } }) : undefined;
  row('13', 'inline string with rPh in E4, t="s" with empty <v> in E5', read13, rssMb(pid), `A01-1 = ${detail13?.submission.projects[0]?.answers['A01-1'] ?? '—'}，A01-2 = ${detail13?.submission.projects[0]?.answers['A01-2'] ?? '（空）'}`);

  // 14: blank-looking reasons, IPs, caching, foreign vs unknown ids.
  const own = (JSON.parse((await upload(fresh(good), attacker)).text) as { id: string }).id;
  await measure('14', 'return reason of zero-width characters only', () => call(s, `/api/v1/submissions/${own}/return`, { token: reviewer, json: { reason: '\u200b\u200b\u200d\ufeff' } }));
  await call(s, `/api/v1/submissions/${own}/return`, { token: reviewer, json: { reason: '请补充佐证材料' } });
  await measure('14', "unit reads its own audit trail", () => call(s, `/api/v1/submissions/${own}`, { token: attacker }), (a) => `IP 地址出现 ${(a.text.match(/127\.0\.0\.1/g) ?? []).length} 次；Cache-Control: ${a.headers.get('cache-control')}`);
  const foreign = (JSON.parse((await upload(fresh(new Uint8Array(await variant(template, 1))), admin)).text) as { id: string }).id;
  const f = await measure('14', 'foreign id, read by the unit', () => call(s, `/api/v1/submissions/${foreign}`, { token: attacker }));
  const u = await measure('14', 'unknown id, read by the unit', () => call(s, `/api/v1/submissions/${randomUUID()}`, { token: attacker }));
  rows.push(`| 14 | foreign vs unknown id | ${f.status} / ${u.status} | | | | ${errorOf(f).replace(foreign, 'ID') === errorOf(u).replace(/[0-9a-f-]{36}/, 'ID') ? '同一回答（状态与文字相同，仅编号不同）' : '不同！'} |`);

  // Worst case for a worker: time each candidate alone, then two of the slowest in flight and a valid upload beside them.
  const candidates: Array<[string, Uint8Array]> = [
    ['rs_answers = E4:XFD1048576', whole],
    ['answers sheet with 250,000 rows', moved],
    ['1 MB string in 180 ID cells', echo],
    // Not a unit workbook: read by the plain 附件2 reader (exceljs model) — every cell within the guard's limits.
    ['plain workbook 19,000 rows × 120 numbers', bigGridWorkbook(19_000, 120, ['序号', '企业名称'])],
    ['plain workbook just under the plain-table limit (2,400 × 100)', bigGridWorkbook(2_400, 100, ['序号', '企业名称'])],
    ['unit workbook carrying 40 MB of shared strings', hugeSharedStrings(good, 40)],
  ];
  const timed: Array<[string, Uint8Array, number, number]> = [];
  for (const [label, bytes] of candidates) {
    const a = await upload(bytes);
    timed.push([label, bytes, a.ms, a.status]);
  }
  timed.sort((x, y) => y[2] - x[2]);
  const [worstLabel, worst] = timed[0]!;
  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    const inFlight = [upload(worst), upload(worst)];
    await new Promise((r) => setTimeout(r, 150));
    const valid = await upload(fresh(good), reviewer);
    latencies.push(valid.ms);
    if (valid.status !== 201) console.log('valid upload answered', valid.status, valid.text.slice(0, 200));
    await Promise.all(inFlight);
  }
  const baseline = (await upload(fresh(good), reviewer)).ms;

  // 15: memory after 200 hostile uploads in a row, then idle.
  const hostile = [echo, redefinedAnswers(good, "'细则自评'!$E$4:$G$200003"), whole, lyingPicture(good), duplicateSheet(good), moved, ...candidates.map((c) => c[1])];
  const beforeLoad = rssMb(pid);
  let peak = beforeLoad;
  const statuses = new Map<number, number>();
  for (let i = 0; i < HOSTILE_UPLOADS; i++) {
    const a = await upload(hostile[i % hostile.length]!);
    statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
    peak = Math.max(peak, rssMb(pid));
  }
  const afterLoad = rssMb(pid);
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const afterIdle = rssMb(pid);
  const me = await call(s, '/api/v1/me', { token: other });

  // 1: the log.
  const logLines = s.log().split('\n').filter((l) => l.startsWith('{') && l.includes('"req":'));
  const leaked = logLines.filter((l) => [admin, attacker, reviewer, other].some((t) => l.includes(t)) || /Bearer/.test(l)).length;
  rows.unshift(`| 1 | request log at level info (${logLines.length} request lines) | | | | | ${leaked} 行含令牌；authorization 记为 [已隐藏] |`);

  s.child.kill('SIGTERM');
  await new Promise((r) => s.child.on('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });

  const sorted = [...latencies].sort((a, b) => a - b);
  const lines = [
    `| case | input | status | response | time | server RSS before → after | answer |`,
    '|---|---|---:|---:|---:|---:|---|',
    ...rows,
    '',
    `| worker time of each candidate alone | status | time |`,
    '|---|---:|---:|',
    ...timed.map(([label, bytes, ms, status]) => `| ${label} (${fmtBytes(bytes.length)}) | ${status} | ${ms.toFixed(0)} ms |`),
    '',
    `| measure (${os.cpus().length} cores, loopback) | value |`,
    '|---|---:|',
    `| valid upload, another account, idle server | ${baseline.toFixed(0)} ms |`,
    `| valid upload, another account, while two “${worstLabel}” are in flight (5 runs) | median ${sorted[2]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms |`,
    `| server RSS at start: at rest, before the cases (the server and its warm worker processes, memory steady for 1 s) | ${startRss} MB |`,
    `| ${HOSTILE_UPLOADS} hostile uploads in a row (${[...statuses].map(([k, v]) => `${k}×${v}`).join(', ')}) | ${beforeLoad} → peak ${peak} → ${afterLoad} MB |`,
    `| after ${IDLE_MS / 1000} s idle | ${afterIdle} MB (${(afterIdle / startRss).toFixed(2)}× start) |`,
    `| /me after all that | ${me.status}, ${me.ms.toFixed(0)} ms |`,
  ];
  console.log(lines.join('\n'));
  const out = path.join(__dirname, '..', '..', 'bench', 'results-hostile.md');
  fs.writeFileSync(out, `# Hostile inputs (issue 13)\n\nMeasured by \`npm run bench:hostile\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${os.cpus().length} cores). Case numbers as in the issue; 10 (quotas, list columns) and 16 (test suite) are not server inputs.\n\n${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
