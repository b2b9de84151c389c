/**
 * `npm run bench:server`: a bounded loopback load on a real server process — 50 concurrent clients upload 1,000
 * workbooks as units send them (bench/realistic.ts: the default template partly filled, half re-saved by LibreOffice,
 * each with its own workbook id and unit; xlsx, multipart) — then checks that exactly 1,000 submissions are stored.
 * Two runs, each on a fresh server: the uploads alone (what the targets name: 50 concurrent uploads), and the uploads
 * while the secretariat exports the master again and again (one request 0.5 s after the last answer). Prints
 * throughput, p50/p99 latency, the export times, and the CPU of the server process and of this bench's clients
 * (they share the same cores: each client's multipart body is encoded and its connection opened before the clock
 * starts, so the clock times the server, not the load generator warming up). Loopback only; stops by itself.
 */
import { serveBench, childrenOf } from './serve';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { realisticCorpus } from './realistic';
import { parseWorkbook } from '../core/node/workbook/parse';
import { unitKey } from '../core/identity';

const UPLOADS = Number(process.env.BENCH_UPLOADS ?? 1000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
/**
 * Who uploads: 'units' (default) — each file by its own 填报单位's account, as a campaign's units send their own
 * workbooks; 'districts' — each file by the account of its 旗县区 (代为上传), so eleven accounts with unequal loads share
 * the workers (the fair queue serves the accounts in turn, so the busiest 旗县区 waits longest); 'one' — every file by
 * the secretariat's one account, which the server's fair share holds to all parse workers but one.
 */
const ACCOUNTS = process.env.BENCH_ACCOUNTS === 'one' ? 'one' : process.env.BENCH_ACCOUNTS === 'districts' ? 'districts' : 'units';

/** utime, stime, cutime and cstime of a process, seconds, from /proc on Linux (clock ticks of 1/100 s). */
function procTimes(pid: number): [number, number, number, number] {
  // Fields after the command name (which may hold spaces): utime, stime, cutime, cstime are the 12th to 15th.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return [Number(f[11]) / 100, Number(f[12]) / 100, Number(f[13]) / 100, Number(f[14]) / 100];
}

/**
 * CPU seconds (user + system) used so far by the server process (its main thread, V8's helper threads and libuv's
 * threads) and by its workers (the parse workers alive now, and those that have exited); undefined without /proc.
 */
function serverCpuSeconds(pid: number | undefined): { server: number; workers: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const [user, system, reapedUser, reapedSystem] = procTimes(pid);
    let workers = reapedUser + reapedSystem;
    for (const child of childrenOf(pid)) {
      try {
        workers += procTimes(child).reduce((a, b) => a + b, 0);
      } catch {
        // It exited meanwhile: its time is in the server's cutime at the next reading.
      }
    }
    return { server: user + system, workers };
  } catch {
    return undefined;
  }
}

/**
 * One request on a kept-alive connection of `agent`: its status once the whole answer has been read. The clients use
 * node:http, not fetch: they share the server's two cores, and fetch (undici) spent ~2 ms of CPU per upload on its
 * own machinery, which a unit's browser on its own computer does not take from the server.
 */
function send(agent: http.Agent, url: string, headers: Record<string, string>, body?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: body ? 'POST' : 'GET', agent, headers: body ? { ...headers, 'content-length': String(body.byteLength) } : headers }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const verdict = (met: boolean) => (met ? '达标 met' : '**未达标 not met**');
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

interface Scenario {
  accounts: number;
  seconds: number;
  latencies: number[];
  statuses: Map<number, number>;
  exports: number[];
  finalExport: number;
  masterBytes: number;
  stored: number;
  listed: number;
  /** CPU seconds over the uploads: the server process, and its workers. */
  cpu: { server: number; workers: number } | undefined;
  /** CPU seconds of this bench process (the 50 clients) over the same span. */
  clientCpu: number;
}

/** One run on a fresh server: the uploads, with master exports meanwhile or not; then what is stored. */
async function scenario(files: readonly string[], exportMeanwhile: boolean): Promise<Scenario> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bench-server-'));
  // BENCH_NODE_ARGS: options for the server's node (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
  // The default API rate limit (600/min per client) would throttle one machine sending 1,000 uploads.
  const { child, url, token } = await serveBench(path.join(dir, 'data'), { env: { REDSITE_RATE_PER_MINUTE: String(UPLOADS * 10) }, nodeArgs: process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [] });
  const auth = { authorization: `Bearer ${token}` };
  // Each file's account, decided before the clock starts.
  const tokenOf = new Map<string, string>();
  const created = new Map<string, string>();
  const account = async (key: string, user: Record<string, string>) => {
    if (!created.has(key)) {
      const res = await fetch(`${url}/api/v1/users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(user) });
      if (res.status !== 201) throw new Error(`account ${key}: ${res.status} ${await res.text()}`);
      created.set(key, ((await res.json()) as { token: string }).token);
    }
    return created.get(key)!;
  };
  if (ACCOUNTS !== 'one') {
    for (const file of files) {
      const reporter = (await parseWorkbook(fs.readFileSync(file))).submission?.reporter;
      if (!reporter?.district || !reporter.unit) throw new Error(`${file}: no 旗县区 or 单位`);
      const { district, unit } = reporter;
      tokenOf.set(file, ACCOUNTS === 'units' ? await account(unitKey(unit, district), { name: unit, role: 'unit', district, unit }) : await account(district, { name: `${district}管理员`, role: 'district', district }));
    }
  }
  const accounts = ACCOUNTS === 'one' ? 1 : created.size;
  // Each upload's multipart body, encoded before the clock starts (by the same FormData encoder fetch uses): the
  // clients share the server's two cores, and encoding ~30 KB per upload in their loop took CPU from the server.
  const bodies = new Map<string, { body: Buffer; type: string }>();
  for (const file of files) {
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(file)]), path.basename(file));
    const encoded = new Response(form);
    bodies.set(file, { type: encoded.headers.get('content-type')!, body: Buffer.from(await encoded.arrayBuffer()) });
  }
  // One kept-alive connection per client, as a browser or the add-in keeps its connection to the server.
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const client = async () => {
    while (next < files.length) {
      const file = files[next++]!;
      const { body, type } = bodies.get(file)!;
      const t = performance.now();
      const status = await send(agent, `${url}/api/v1/submissions`, { authorization: `Bearer ${tokenOf.get(file) ?? token}`, 'content-type': type }, body);
      latencies.push(performance.now() - t);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  // The clients connect before the clock starts, as a browser or the add-in keeps its connection to the server: 50
  // connections opened at once by a process that had not sent a request yet reached the server over half a second
  // (the server's own log: the first 50 uploads began 0–0.5 s after the clock, each answered within 0.6 s), which put
  // a cold start of this bench process into the first uploads' latency.
  await Promise.all(Array.from({ length: CLIENTS }, () => send(agent, `${url}/healthz`, {})));
  const cpu0 = serverCpuSeconds(child.pid);
  const clientCpu0 = process.cpuUsage();
  const t0 = performance.now();
  const uploads = Promise.all(Array.from({ length: CLIENTS }, client));
  // Master exports while uploads continue.
  const exports: number[] = [];
  const exporter = (async () => {
    while (exportMeanwhile && next < files.length * 0.9) {
      await new Promise((r) => setTimeout(r, 500));
      const t = performance.now();
      const res = await fetch(`${url}/api/v1/master.xlsx`, { headers: auth });
      await res.arrayBuffer();
      if (res.ok) exports.push(performance.now() - t);
    }
  })();
  await uploads;
  const seconds = (performance.now() - t0) / 1000;
  const clientUsage = process.cpuUsage(clientCpu0);
  const clientCpu = (clientUsage.user + clientUsage.system) / 1e6;
  // What the uploads (and the exports meanwhile) cost the server's own thread, not the accounts made before the clock.
  const cpu1 = serverCpuSeconds(child.pid);
  const cpu = cpu0 === undefined || cpu1 === undefined ? undefined : { server: cpu1.server - cpu0.server, workers: cpu1.workers - cpu0.workers };
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
  agent.destroy();
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
  return { accounts, seconds, latencies, statuses, exports, finalExport, masterBytes, stored: ids.size, listed, cpu, clientCpu };
}

async function main(): Promise<void> {
  console.log(`准备 ${UPLOADS} 个真实形态的申报工作簿…`);
  const corpus = await realisticCorpus(UPLOADS);
  const runs = [await scenario(corpus.files, false), await scenario(corpus.files, true)];
  const row = (label: string, value: (r: Scenario) => string) => `| ${label} | ${runs.map(value).join(' | ')} |`;
  const sorted = runs.map((r) => [...r.latencies].sort((a, b) => a - b));
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  const lines = [
    `| measure (${UPLOADS} realistic uploads, ${corpus.libreOffice} re-saved by LibreOffice, ${CLIENTS} clients, loopback, ${os.cpus().length} cores) | uploads only | uploads + master export every 0.5 s |`,
    '|---|---:|---:|',
    row('uploading accounts', (r) => (ACCOUNTS === 'units' ? `${r.accounts} 填报单位 accounts, each its own file` : ACCOUNTS === 'districts' ? `${r.accounts} 旗县区 accounts (代为上传; BENCH_ACCOUNTS=districts)` : "1 (the secretariat's; BENCH_ACCOUNTS=one)")),
    row('throughput', (r) => `${(UPLOADS / r.seconds).toFixed(1)} uploads/s`),
    row('upload latency p50', (r) => `${pct(sorted[runs.indexOf(r)]!, 50).toFixed(0)} ms`),
    row('upload latency p99', (r) => `${pct(sorted[runs.indexOf(r)]!, 99).toFixed(0)} ms`),
    row('master export during uploads (median)', (r) => (r.exports.length ? `${median(r.exports).toFixed(0)} ms (${r.exports.length} exports)` : '—')),
    row('master export after uploads', (r) => `${r.finalExport.toFixed(0)} ms (${r.stored} submissions, ${(r.masterBytes / 1024).toFixed(0)} KB)`),
    row('server process CPU during the uploads (main thread and its libuv threads, not the workers)', (r) => (r.cpu === undefined ? '—' : `${r.cpu.server.toFixed(1)} s, ${((r.cpu.server * 1000) / UPLOADS).toFixed(1)} ms per upload`)),
    row('parse workers CPU over the same span', (r) => (r.cpu === undefined ? '—' : `${r.cpu.workers.toFixed(1)} s, ${((r.cpu.workers * 1000) / UPLOADS).toFixed(1)} ms per upload`)),
    row('bench clients CPU over the same span (they share the two cores)', (r) => `${r.clientCpu.toFixed(1)} s, ${((r.clientCpu * 1000) / UPLOADS).toFixed(1)} ms per upload`),
    row(`all of it, per upload: the most ${os.cpus().length} cores could carry`, (r) => {
      if (r.cpu === undefined) return '—';
      const perUpload = ((r.cpu.server + r.cpu.workers + r.clientCpu) * 1000) / UPLOADS;
      return `${perUpload.toFixed(1)} ms → ≤ ${((os.cpus().length * 1000) / perUpload).toFixed(0)} uploads/s`;
    }),
    row('responses', (r) => [...r.statuses].map(([s, n]) => `${s}×${n}`).join(', ')),
    row('stored submissions', (r) => `${r.stored} of ${UPLOADS} (lost ${UPLOADS - r.stored}, duplicated ${r.listed - r.stored})`),
  ];
  console.log(lines.join('\n'));
  // The figures of this run replace the top of the file; the notes below the marker are kept.
  const file = path.join(__dirname, '..', '..', 'bench', 'results-server.md');
  const MARKER = '<!-- notes: kept by npm run bench:server -->';
  const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const notes = old.includes(MARKER) ? old.slice(old.indexOf(MARKER)) : `${MARKER}\n`;
  const targets = `Targets (50 concurrent uploads): p99 < 1 s — ${verdict(pct(sorted[0]!, 99) < 1000)}; ≥ 150 uploads/s — ${verdict(UPLOADS / runs[0]!.seconds >= 150)}; 0 lost — ${verdict(runs.every((r) => r.stored === UPLOADS))}.`;
  fs.writeFileSync(file, `# Server benchmark\n\nMeasured by \`npm run bench:server\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, load average ${os.loadavg()[0]!.toFixed(1)} at the end).\n\n${lines.join('\n')}\n\n${targets}\n\n${notes}`);
  console.log(targets);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
