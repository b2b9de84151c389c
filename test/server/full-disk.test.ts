/**
 * A full disk is a clear, bounded failure. Twice, through a real server: (1) the database at its size limit
 * (SQLite max_page_count on the server's own connection → SQLITE_FULL); (2) a real file system out of space
 * (ENOSPC): the data folder on a small tmpfs mounted in an unprivileged mount namespace, filled with a ballast file.
 * Both show: uploads answer 507 in Chinese, reads and exports of what is stored keep working, /healthz answers and
 * reports it, nothing acknowledged is lost or damaged (integrity_check), and uploads succeed again once space returns,
 * without a restart.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { testServer } from '../helpers/server';
import { validProject, validSubmission, randomAnswers, seeded } from '../helpers/fixtures';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { buildTemplate } from '../../core/node/workbook/build';
import { openSqlite } from '../../server/db';
import { BIN, serve, type ServeProcess } from '../helpers/cli';

const FULL = '服务器存储空间不足，请联系秘书处';
const UNITS = ['包头市第一建筑工程有限公司', '包头市第二建筑工程有限公司', '包头市第三建筑工程有限公司', '包头市第四建筑工程有限公司', '包头市第五建筑工程有限公司'];

type Call = <T = Record<string, unknown>>(method: string, url: string, opts?: { token?: string; json?: unknown; file?: { bytes: Uint8Array; name: string; extra?: Record<string, string> } }) => Promise<{ status: number; body: T }>;

/** An add-in upload (Submission JSON + the workbook kept as the original BLOB) for unit i. */
async function addinUpload(i: number) {
  const sub = validSubmission({ source: 'addin', reporter: { unit: UNITS[i]!, district: '东河区', contact: '李红', phone: '13912345678' }, projects: [validProject(1, { answers: randomAnswers(seeded(i)) })] });
  return { sub, bytes: await buildTemplate({ projects: 1 }) };
}

async function masterUnits(call: Call, token: string): Promise<string[]> {
  const r = await call<Buffer>('GET', '/api/v1/master.xlsx', { token });
  expect(r.status).toBe(200);
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(r.body as unknown as ArrayBuffer);
  const units = new Set<string>();
  wb.getWorksheet('附件2汇总')!.eachRow((row) => (row.values as unknown[]).forEach((v) => typeof v === 'string' && UNITS.includes(v) && units.add(v)));
  return [...units].sort();
}

/** What was acknowledged is still there, byte for byte: latest content hash and the original file. */
async function expectKept(call: Call, token: string, acked: Map<string, { hash: string; bytes: Buffer }>): Promise<void> {
  for (const [id, want] of acked) {
    const detail = await call<{ versions: Array<{ contentHash: string }> }>('GET', `/api/v1/submissions/${id}`, { token });
    expect(detail.status).toBe(200);
    expect(detail.body.versions.at(-1)!.contentHash).toBe(want.hash);
    const original = await call<Buffer>('GET', `/api/v1/submissions/${id}/original`, { token });
    expect(original.status).toBe(200);
    expect(Buffer.compare(original.body, want.bytes)).toBe(0);
  }
}

async function uploadAll(call: Call, token: string, from: number, to: number, acked: Map<string, { hash: string; bytes: Buffer }>): Promise<void> {
  for (let i = from; i < to; i++) {
    const { sub, bytes } = await addinUpload(i);
    const r = await call<{ id: string }>('POST', '/api/v1/submissions', { token, file: { bytes, name: `${UNITS[i]}.xlsx`, extra: { submission: JSON.stringify(sub) } } });
    expect(r.status).toBe(201);
    const detail = await call<{ versions: Array<{ contentHash: string }> }>('GET', `/api/v1/submissions/${r.body.id}`, { token });
    acked.set(r.body.id, { hash: detail.body.versions.at(-1)!.contentHash, bytes });
  }
}

/** Uploads that must be refused: the add-in's JSON + file, and a plain .xlsx (parsed first, then refused on write). */
async function expectRefused(call: Call, token: string, i: number): Promise<void> {
  const { sub, bytes } = await addinUpload(i);
  const addin = await call<{ error: string; code: string }>('POST', '/api/v1/submissions', { token, file: { bytes, name: 'a.xlsx', extra: { submission: JSON.stringify(sub) } } });
  expect(addin.status).toBe(507);
  expect(addin.body.code).toBe('STORAGE_FULL');
  expect(addin.body.error.startsWith(FULL)).toBe(true);
  const xlsx = await fillWorkbook(await buildTemplate({ projects: 1 }), { ...REPORTER, unit: UNITS[i]! }, [{ fields: projectFields(1), answers: randomAnswers(seeded(100 + i)) }]);
  const plain = await call<{ error: string }>('POST', '/api/v1/submissions', { token, file: { bytes: xlsx, name: '申报.xlsx' } });
  expect(plain.status).toBe(507);
  expect(plain.body.error.startsWith(FULL)).toBe(true);
}

test('database at its size limit (max_page_count → SQLITE_FULL): 507, reads/exports/healthz work, nothing lost, recovers without restart', async () => {
  const s = await testServer();
  try {
    const acked = new Map<string, { hash: string; bytes: Buffer }>();
    await uploadAll(s.call, s.admin, 0, 3, acked);
    expect((await s.call<{ ok: boolean }>('GET', '/healthz')).body.ok).toBe(true);

    // The server's own connection may not grow the database any further.
    const limit = Number(s.db.pragma('max_page_count', { simple: true }));
    s.db.pragma(`max_page_count = ${Number(s.db.pragma('page_count', { simple: true }))}`);
    const health = await s.call<{ ok: boolean; message: string; storage: { ok: boolean; databaseRoomBytes: number } }>('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ ok: false, message: FULL, storage: { ok: false } });

    await expectRefused(s.call, s.admin, 3);
    expect((await s.call<{ storage: { refusedAt?: string } }>('GET', '/healthz')).body.storage.refusedAt).toEqual(expect.any(String));
    const list = await s.call<{ items: Array<{ id: string }> }>('GET', '/api/v1/submissions', { token: s.admin });
    expect(list.body.items.map((i) => i.id).sort()).toEqual([...acked.keys()].sort());
    await expectKept(s.call, s.admin, acked);
    expect(await masterUnits(s.call, s.admin)).toEqual(UNITS.slice(0, 3).sort());
    expect((await s.call('GET', `/api/v1/districts/${encodeURIComponent('东河区')}/workbook.xlsx`, { token: s.admin })).status).toBe(200);
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');

    // Space returns: the same server accepts uploads again.
    s.db.pragma(`max_page_count = ${limit}`);
    expect((await s.call<{ ok: boolean }>('GET', '/healthz')).body.ok).toBe(true);
    await uploadAll(s.call, s.admin, 3, 5, acked);
    await expectKept(s.call, s.admin, acked);
    expect(await masterUnits(s.call, s.admin)).toEqual([...UNITS].sort());
    expect(s.db.pragma('integrity_check', { simple: true })).toBe('ok');
  } finally {
    await s.close();
  }
});

/** Unprivileged user + mount namespaces (no root needed) where the kernel allows them. */
const canMount = spawnSync('unshare', ['-rm', 'true']).status === 0;
if (!canMount) console.warn('full-disk.test: unshare -rm is not permitted here; the ENOSPC test is skipped (the SQLITE_FULL test above still runs)');

function serveOnTmpfs(data: string, sizeMb: number): Promise<ServeProcess> {
  // The server runs inside the namespace; the test reaches the tmpfs through /proc/<pid>/root (same mounts as the server).
  const script = 'mount -t tmpfs -o size="$1"m tmpfs "$2" && exec "$3" "$4" serve --port 0 --data "$2" --log silent';
  return serve(data, { firstStart: true, command: ['unshare', '-rm', 'sh', '-c', script, 'sh', String(sizeMb), data, process.execPath, BIN], env: { REDSITE_UPLOAD_MB: '1', REDSITE_RATE_PER_MINUTE: '100000' } });
}

/** Writes a ballast file until the file system refuses (ENOSPC); returns its size. */
function fill(file: string): number {
  const fd = fs.openSync(file, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 9]) {
      const chunk = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          written += fs.writeSync(fd, chunk);
        } catch (e) {
          if ((e as { code?: string }).code !== 'ENOSPC') throw e;
          break;
        }
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

(canMount ? test : test.skip)('file system full (ENOSPC on a small tmpfs): 507, reads/exports/healthz work, nothing lost, recovers without restart', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-enospc-'));
  const server = await serveOnTmpfs(data, 12);
  const token = server.token!;
  const root = `/proc/${server.child.pid}/root${data}`; // the server's view of its data folder
  const call: Call = async (method, url, o = {}) => {
    const headers: Record<string, string> = o.token ? { authorization: `Bearer ${o.token}` } : {};
    let body: FormData | undefined;
    if (o.file) {
      body = new FormData();
      body.append('file', new Blob([new Uint8Array(o.file.bytes)]), o.file.name);
      for (const [k, v] of Object.entries(o.file.extra ?? {})) body.append(k, v);
    }
    const res = await fetch(`${server.url}${url}`, { method, headers, body });
    const parsed = (res.headers.get('content-type') ?? '').includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: parsed };
  };
  const exited = new Promise((r) => server.child.once('exit', r));
  try {
    expect(fs.statfsSync(root).blocks * fs.statfsSync(root).bsize).toBeLessThanOrEqual(12 * 1024 * 1024);
    const acked = new Map<string, { hash: string; bytes: Buffer }>();
    await uploadAll(call, token, 0, 3, acked);
    expect((await call<{ ok: boolean }>('GET', '/healthz')).body.ok).toBe(true);

    const ballast = path.join(root, 'ballast');
    expect(fill(ballast)).toBeGreaterThan(0);
    const health = await call<{ ok: boolean; message: string; storage: { diskFreeBytes: number } }>('GET', '/healthz');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ ok: false, message: FULL });
    expect(health.body.storage.diskFreeBytes).toBeLessThan(64 * 1024);

    await expectRefused(call, token, 3);
    await expectKept(call, token, acked);
    // No cached export exists and none can be written: the workbook is built in memory.
    expect(await masterUnits(call, token)).toEqual(UNITS.slice(0, 3).sort());
    expect(fs.readdirSync(path.join(root, 'exports')).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // The database as it is on the full disk (copied out while idle) passes integrity_check and holds every upload.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-enospc-copy-'));
    for (const f of ['redsite.sqlite', 'redsite.sqlite-wal']) fs.copyFileSync(path.join(root, f), path.join(copy, f));
    const db = openSqlite(path.join(copy, 'redsite.sqlite'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect((db.prepare('SELECT id FROM submissions ORDER BY id').all() as Array<{ id: string }>).map((r) => r.id)).toEqual([...acked.keys()].sort());
    db.close();

    // Space returns: the same process accepts uploads again.
    fs.rmSync(ballast);
    expect((await call<{ ok: boolean }>('GET', '/healthz')).body.ok).toBe(true);
    await uploadAll(call, token, 3, 5, acked);
    await expectKept(call, token, acked);
    expect(await masterUnits(call, token)).toEqual([...UNITS].sort());
  } finally {
    server.child.kill('SIGTERM');
    await exited;
  }
});
