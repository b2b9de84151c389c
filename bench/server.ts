/**
 * `npm run bench:server`: a bounded loopback load on a real server process — 50 concurrent clients upload 1,000
 * workbooks as units send them (bench/realistic.ts: the default template partly filled, half re-saved by LibreOffice,
 * each with its own workbook id and unit; xlsx, multipart) while the master is exported — then checks that exactly
 * 1,000 submissions are stored. Prints throughput, p50/p99 latency and the export time under load. Loopback only;
 * stops by itself.
 */
import { serveBench } from './serve';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { realisticCorpus } from './realistic';
import { parseWorkbook } from '../core/node/workbook/parse';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 1000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
/**
 * Who uploads: 'districts' (default) — each file by the account of its 旗县区 (代为上传), so the uploads come from
 * several accounts as in a campaign; 'one' — every file by the secretariat's one account, which the server's fair
 * share holds to all parse workers but one.
 */
const ACCOUNTS = process.env.BENCH_ACCOUNTS === 'one' ? 'one' : 'districts';


/** CPU seconds (user + system) the server process has used so far, from /proc on Linux (else undefined). */
function serverCpuSeconds(pid: number | undefined): number | undefined {
  try {
    // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th, in clock ticks.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return undefined;
  }
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bench-server-'));
  console.log(`准备 ${UPLOADS} 个真实形态的申报工作簿…`);
  const corpus = await realisticCorpus(UPLOADS);
  const files = corpus.files;
  // BENCH_NODE_ARGS: options for the server's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
  // The default API rate limit (600/min per client) would throttle one machine sending 1,000 uploads.
  const { child, url, token } = await serveBench(path.join(dir, 'data'), { env: { REDSITE_RATE_PER_MINUTE: String(UPLOADS * 10) }, nodeArgs: process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [] });
  const auth = { authorization: `Bearer ${token}` };
  // Each file's account, decided before the clock starts.
  const tokenOf = new Map<string, string>();
  if (ACCOUNTS === 'districts') {
    const byDistrict = new Map<string, string>();
    for (const file of files) {
      const district = (await parseWorkbook(fs.readFileSync(file))).submission?.reporter.district;
      if (!district) throw new Error(`${file}: no 旗县区`);
      if (!byDistrict.has(district)) {
        const res = await fetch(`${url}/api/v1/users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: `${district}管理员`, role: 'district', district }) });
        if (res.status !== 201) throw new Error(`account for ${district}: ${res.status} ${await res.text()}`);
        byDistrict.set(district, ((await res.json()) as { token: string }).token);
      }
      tokenOf.set(file, byDistrict.get(district)!);
    }
  }
  const accounts = ACCOUNTS === 'districts' ? new Set(tokenOf.values()).size : 1;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const client = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const form = new FormData();
      form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
      const t = performance.now();
      const res = await fetch(`${url}/api/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${tokenOf.get(file) ?? token}` }, body: form });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
  };
  const t0 = performance.now();
  const uploads = Promise.all(Array.from({ length: CLIENTS }, client));
  // Master exports while uploads continue.
  const exports: number[] = [];
  const exporter = (async () => {
    while (next < files.length * 0.9) {
      await new Promise((r) => setTimeout(r, 500));
      const t = performance.now();
      const res = await fetch(`${url}/api/v1/master.xlsx`, { headers: auth });
      await res.arrayBuffer();
      if (res.ok) exports.push(performance.now() - t);
    }
  })();
  await uploads;
  const seconds = (performance.now() - t0) / 1000;
  await exporter;
  const tFinal = performance.now();
  const master = await fetch(`${url}/api/v1/master.xlsx`, { headers: auth });
  const masterBytes = (await master.arrayBuffer()).byteLength;
  const finalExport = performance.now() - tFinal;
  // Every stored submission, a page at a time.
  const ids = new Set<string>();
  let listed = 0;
  for (let offset = 0, total = 1; offset < total; ) {
    const page = (await (await fetch(`${url}/api/v1/submissions?limit=1000&offset=${offset}`, { headers: auth })).json()) as { items: Array<{ id: string }>; total: number };
    for (const i of page.items) ids.add(i.id);
    listed += page.items.length;
    total = page.total;
    offset += page.items.length || total;
  }
  const stored = ids.size;
  const cpu = serverCpuSeconds(child.pid);
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
  const sorted = [...latencies].sort((a, b) => a - b);
  const lines = [
    `| measure (${UPLOADS} realistic uploads, ${corpus.libreOffice} re-saved by LibreOffice, ${CLIENTS} clients, loopback, ${os.cpus().length} cores) | value |`,
    '|---|---:|',
    `| uploading accounts | ${ACCOUNTS === 'districts' ? `${accounts} 旗县区 accounts (代为上传), each file by its own 旗县区` : "1 (the secretariat's; BENCH_ACCOUNTS=one)"} |`,
    `| throughput | ${(UPLOADS / seconds).toFixed(1)} uploads/s |`,
    `| upload latency p50 | ${pct(sorted, 50).toFixed(0)} ms |`,
    `| upload latency p99 | ${pct(sorted, 99).toFixed(0)} ms |`,
    `| master export during uploads (median of ${exports.length}) | ${exports.length ? [...exports].sort((a, b) => a - b)[Math.floor(exports.length / 2)]!.toFixed(0) : '—'} ms |`,
    `| master export after uploads (${stored} submissions, ${(masterBytes / 1024).toFixed(0)} KB) | ${finalExport.toFixed(0)} ms |`,
    `| server process CPU (main thread and its libuv threads, not the parse workers) | ${cpu === undefined ? '—' : `${cpu.toFixed(1)} s, ${((cpu * 1000) / UPLOADS).toFixed(1)} ms per upload`} |`,
    `| responses | ${[...statuses].map(([s, n]) => `${s}×${n}`).join(', ')} |`,
    `| stored submissions | ${stored} of ${UPLOADS} (lost ${UPLOADS - stored}, duplicated ${listed - stored}) |`,
  ];
  console.log(lines.join('\n'));
  // The figures of this run replace the top of the file; the notes below the marker are kept.
  const file = path.join(__dirname, '..', '..', 'bench', 'results-server.md');
  const MARKER = '<!-- notes: kept by npm run bench:server -->';
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const notes = old.includes(MARKER) ? old.slice(old.indexOf(MARKER)) : `${MARKER}\n`;
  fs.writeFileSync(file, `# Server benchmark\n\nMeasured by \`npm run bench:server\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)} at the end).\n\n${lines.join('\n')}\n\n${notes}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
