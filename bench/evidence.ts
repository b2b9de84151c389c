/**
 * `npm run bench:evidence`: 佐证材料 on a real server process (loopback). Uploads 20 phone-sized photos (~3 MB,
 * 4032 × 3024, EXIF with GPS) in one request and again as 20 requests (4 at a time), then builds a 观摩 pack of 50
 * shortlisted projects (4 photos each) read by a fast client and by a slow one that leaves early. Reports wall time
 * and the server's resident memory (sampled from /proc every 20 ms, and the kernel's high-water mark).
 */
import { serveBench } from './serve';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { currentRubric } from '../core/rubric';
import { SUBMISSION_SCHEMA_ID } from '../core/schema';

const PROJECTS = Number(process.env.BENCH_PROJECTS ?? 50);
const PHOTOS = 20;
const MB = 1024 * 1024;


const status = (pid: number, key: 'VmRSS' | 'VmHWM') => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;

/** Runs `task` while sampling the server's RSS; returns its result, the wall time and the peak RSS seen. */
async function measured<T>(pid: number, task: () => Promise<T>): Promise<{ value: T; ms: number; before: number; peak: number; after: number }> {
  const before = status(pid, 'VmRSS');
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, status(pid, 'VmRSS'))), 20);
  const t = performance.now();
  const value = await task();
  const ms = performance.now() - t;
  clearInterval(timer);
  const after = status(pid, 'VmRSS');
  return { value, ms, before, peak: Math.max(peak, after), after };
}

/** A phone-like photo: 4032 × 3024, gradient plus sensor noise, EXIF capture time and GPS; about 3 MB. */
async function phonePhoto(seed: number): Promise<Buffer> {
  const width = 4032;
  const height = 3024;
  const raw = Buffer.alloc(width * height * 3);
  let s = seed >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      const n = (s >>> 24) % 20;
      const i = (y * width + x) * 3;
      raw[i] = ((x * 255) / width + n) & 255;
      raw[i + 1] = ((y * 255) / height + n + seed * 9) & 255;
      raw[i + 2] = (((x + y) * 128) / width + n) & 255;
    }
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 86 })
    .withExif({ IFD0: { Make: 'Bench', Model: 'Phone' }, IFD2: { DateTimeOriginal: '2024:05:20 10:31:00' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '40/1 39/1 0/1', GPSLongitudeRef: 'E', GPSLongitude: '109/1 50/1 0/1' } })
    .toBuffer();
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bench-evidence-'));
  console.log(`生成 ${PHOTOS * 2} 张手机尺寸照片…`);
  const photos: Buffer[] = [];
  for (let i = 0; i < PHOTOS * 2; i++) photos.push(await phonePhoto(i + 1));
  const avg = photos.reduce((n, p) => n + p.length, 0) / photos.length;
  const { child, url, token } = await serveBench(path.join(dir, 'data'), { env: { REDSITE_RATE_PER_MINUTE: '100000', REDSITE_EVIDENCE_UNIT_MB: '2000' } });
  const pid = child.pid!;
  const auth = { authorization: `Bearer ${token}` };
  const rubric = currentRubric();
  const met = Object.fromEntries(rubric.criteria.map((c) => [c.id, '达到']));
  const submit = async (unit: string, district: string) => {
    const sub = {
      schema: SUBMISSION_SCHEMA_ID, submissionId: randomUUID(), rubric: { edition: rubric.edition, hash: rubric.hash },
      reporter: { unit, district, contact: '李红', phone: '13912345678' },
      projects: [{ seq: 1, enterprise: unit, projectName: `${unit}安置房项目`, address: '包头市', scale: '3 万平方米', leader: '王', phone: '0472-7100945', startDate: '2023-04-01', endDate: '2025-10-31', district, answers: met, notes: {} }],
      source: 'import',
    };
    const res = await fetch(`${url}/api/v1/submissions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(sub) });
    if (res.status !== 201) throw new Error(`submit ${res.status}`);
    return sub.submissionId;
  };
  const attach = async (id: string, criterion: string, files: Buffer[]) => {
    const form = new FormData();
    form.append('project', '1');
    form.append('criterion', criterion);
    files.forEach((f, i) => form.append('files', new Blob([new Uint8Array(f)]), `IMG_${i}.jpg`));
    const res = await fetch(`${url}/api/v1/submissions/${id}/evidence`, { method: 'POST', headers: auth, body: form });
    if (res.status !== 201) throw new Error(`attach ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  const derived = () => fs.readdirSync(path.join(dir, 'data', 'evidence', 'derived')).filter((f) => f.includes('.clean.')).length;
  const cleanReady = async (n: number) => {
    const t = performance.now();
    while (derived() < n) await new Promise((r) => setTimeout(r, 100));
    return performance.now() - t;
  };

  const idle = status(pid, 'VmRSS');
  const unitA = await submit('照片测试一公司', '东河区');
  const one = await measured(pid, () => attach(unitA, 'A01-1', photos.slice(0, PHOTOS)));
  const oneClean = await cleanReady(PHOTOS);
  const unitB = await submit('照片测试二公司', '东河区');
  let next = PHOTOS;
  const many = await measured(pid, () =>
    Promise.all(Array.from({ length: 4 }, async () => {
      while (next < PHOTOS * 2) await attach(unitB, 'A01-1', [photos[next++]!]);
    })),
  );
  const manyClean = await cleanReady(PHOTOS * 2);

  console.log(`准备 ${PROJECTS} 个入选项目（每个 4 张照片）…`);
  const districts = ['东河区', '昆都仑区', '青山区', '九原区', '石拐区'];
  for (let p = 0; p < PROJECTS; p++) {
    const id = await submit(`观摩测试单位${p + 1}`, districts[p % districts.length]!);
    await attach(id, 'A01-1', [photos[p % photos.length]!, photos[(p + 7) % photos.length]!]);
    await attach(id, 'A06-1', [photos[(p + 13) % photos.length]!, photos[(p + 29) % photos.length]!]);
    await fetch(`${url}/api/v1/submissions/${id}/approve`, { method: 'POST', headers: auth });
  }
  const packRss = status(pid, 'VmRSS');
  const fast = await measured(pid, async () => {
    const res = await fetch(`${url}/api/v1/showcase/pack.zip?limit=${PROJECTS}`, { headers: auth });
    if (!res.ok || !res.body) throw new Error(`pack ${res.status}`);
    let bytes = 0;
    let tail = Buffer.alloc(0);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      tail = Buffer.concat([tail, Buffer.from(chunk)]).subarray(-22);
    }
    // End of central directory: signature and the number of entries.
    if (tail.readUInt32LE(0) !== 0x06054b50) throw new Error('zip end record missing');
    return { bytes, entries: tail.readUInt16LE(10) };
  });
  const slow = await measured(pid, async () => {
    const controller = new AbortController();
    const res = await fetch(`${url}/api/v1/showcase/pack.zip?limit=${PROJECTS}`, { headers: auth, signal: controller.signal });
    const reader = res.body!.getReader();
    let bytes = 0;
    const until = performance.now() + 8000;
    while (performance.now() < until) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.length;
      await new Promise((r) => setTimeout(r, 25)); // a slow link: the server must wait, not buffer
    }
    controller.abort();
    return { bytes };
  });
  await new Promise((r) => setTimeout(r, 500));
  const health = (await (await fetch(`${url}/healthz`)).json()) as { ok: boolean };
  const hwm = status(pid, 'VmHWM');
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });

  const mb = (n: number) => `${(n / MB).toFixed(0)} MB`;
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    `| measure (loopback, ${os.cpus().length} cores; server RSS sampled every 20 ms) | value |`,
    '|---|---:|',
    `| server RSS idle | ${mb(idle)} |`,
    `| 20 photos (${(avg / MB).toFixed(1)} MB each, 4032 × 3024) in one request: time to 201 | ${s(one.ms)} |`,
    `| … server RSS before / peak / after | ${mb(one.before)} / ${mb(one.peak)} / ${mb(one.after)} |`,
    `| … GPS-free copies ready after the 201 (background) | ${s(oneClean)} |`,
    `| 20 other photos as 20 requests, 4 at a time: time | ${s(many.ms)} |`,
    `| … server RSS before / peak / after | ${mb(many.before)} / ${mb(many.peak)} / ${mb(many.after)} |`,
    `| … GPS-free copies ready after the last 201 | ${s(manyClean)} |`,
    `| 观摩 pack, ${PROJECTS} projects × 4 photos (${fast.value.entries} entries, ${mb(fast.value.bytes)}), fast client: time | ${s(fast.ms)} |`,
    `| … server RSS before / peak / after | ${mb(packRss)} / ${mb(fast.peak)} / ${mb(fast.after)} |`,
    `| same pack, slow client (25 ms pause per chunk) leaving after 8 s (${mb(slow.value.bytes)} read): server RSS peak / after | ${mb(slow.peak)} / ${mb(slow.after)} |`,
    `| server RSS high-water mark over the whole run | ${mb(hwm)} |`,
    `| /healthz after the run | ${health.ok ? 'ok' : 'NOT ok'} |`,
  ];
  console.log(lines.join('\n'));
  // bench/results-evidence.md keeps the runs reported; each run also lands in bench/out/ (not committed).
  const outDir = path.join(__dirname, '..', '..', 'bench', 'out');
  fs.mkdirSync(outDir, { recursive: true });
  const allocator = process.env.MALLOC_TRIM_THRESHOLD_ ? `MALLOC_TRIM_THRESHOLD_=${process.env.MALLOC_TRIM_THRESHOLD_}` : 'default allocator settings';
  fs.writeFileSync(path.join(outDir, 'evidence.md'), `# Evidence benchmark\n\n${new Date().toISOString()} (Node ${process.version}, ${allocator}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end).\n\n${lines.join('\n')}\n`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
