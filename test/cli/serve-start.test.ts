/**
 * Starting the service as the secretariat does, with the real `redsite` command: the data folder is locked while a
 * server runs (restore and a second server are refused, also after a crash the lock is gone), a failed first start
 * does not use up the one-time token, the deadline is checked at start and read as Beijing time, and a restore is
 * followed by workbooks of the restored data.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BIN, redsite, serve } from '../helpers/cli';
import { openSqlite } from '../../server/db';
import { lockDataDir } from '../../server/data-lock';
import { until } from '../helpers/until';
import ExcelJS from 'exceljs';
import { validProject, validSubmission } from '../helpers/fixtures';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const portOf = (url: string) => new URL(url).port;

test('restore is refused while a server uses the data folder (and a second server too); allowed once it stops, or after it crashed', async () => {
  const data = tmp('redsite-lock-');
  const dir = tmp('redsite-lock-backup-');
  const server = await serve(data);
  try {
    const file = path.join(dir, 'b.sqlite');
    expect((await redsite(['backup', file, '--data', data])).code).toBe(0);
    const refused = await redsite(['restore', file, '--data', data, '--force']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`服务正在使用这个数据目录（进程 ${server.child.pid}）：请先停止服务再恢复`);
    // The server's database was not touched: it still answers with its own data.
    expect((await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${server.token!}` } })).status).toBe(200);
    const second = await redsite(['serve', '--port', '0', '--data', data, '--log', 'silent']);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`服务正在使用这个数据目录（进程 ${server.child.pid}）：请先停止那个服务，或用 --data 指定另一个数据目录`);
    expect(await server.stop()).toBe(0);
    const restored = await redsite(['restore', file, '--data', data, '--force']);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);

    // A crash leaves no lasting lock: the operating system drops it with the process.
    const again = await serve(data);
    again.child.kill('SIGKILL');
    await new Promise((r) => again.child.once('exit', r));
    expect((await redsite(['restore', file, '--data', data, '--force'])).code).toBe(0);
  } finally {
    server.child.kill('SIGKILL');
  }
});

test('a first start that cannot listen keeps the one-time token for the next start; bad ports are refused in Chinese', async () => {
  const busy = await serve(tmp('redsite-busy-'));
  const data = path.join(tmp('redsite-first-'), 'data');
  try {
    const port = portOf(busy.url);
    const failed = await redsite(['serve', '--port', port, '--data', data, '--log', 'silent']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`端口 ${port} 已被占用：请换一个端口（--port）或停止占用它的程序`);
    expect(failed.stdout + failed.stderr).not.toMatch(/EADDRINUSE|rs_/);
  } finally {
    await busy.stop();
  }
  // The next start is still a first start: it creates the 秘书处 account and prints its token, which works.
  const server = await serve(data, { firstStart: true });
  try {
    expect(server.out()).toContain('令牌只显示这一次');
    expect((await (await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${server.token!}` } })).json())).toMatchObject({ role: 'secretariat' });
  } finally {
    await server.stop();
  }
  for (const port of ['99999', 'abc', '-1']) {
    const fresh = path.join(tmp('redsite-port-'), 'data');
    const r = await redsite(['serve', '--port', port, '--data', fresh]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`端口 --port（或环境变量 REDSITE_PORT）为“${port}”：端口须为 0 到 65535 的整数`);
    expect(fs.existsSync(fresh)).toBe(false);
  }
  expect((await redsite(['serve', '--data', path.join(tmp('redsite-port-'), 'data')], { env: { REDSITE_PORT: '3000x' } })).stderr).toContain('REDSITE_PORT）为“3000x”');
});

test('--deadline: refused at start when invalid (option and format named); “2024-06-01 18:00” is Beijing time in any time zone, and uploads work', async () => {
  for (const [args, env] of [[['--deadline', 'next friday'], {}], [['--deadline', '2024-02-30 18:00'], {}], [[], { REDSITE_DEADLINE: '2024/06/31' }]] as const) {
    const data = path.join(tmp('redsite-deadline-'), 'data');
    const r = await redsite(['serve', '--port', '0', '--data', data, ...args], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^错误：报送截止时间 --deadline（或环境变量 REDSITE_DEADLINE）为“.*”：截止时间请填写日期和时间，如“2024-05-24 23:59”.*（北京时间/);
    expect(fs.existsSync(data)).toBe(false);
  }
  // What `serve --help` says of --deadline: test/cli/messages.test.ts.

  const server = await serve(tmp('redsite-deadline-'), { args: ['--deadline', '2024-06-01 18:00'], env: { TZ: 'America/New_York' } });
  try {
    expect(server.out()).toContain('报送截止：2024-06-01 18:00（北京时间）');
    const auth = { authorization: `Bearer ${server.token!}` };
    expect(await (await fetch(`${server.url}/api/v1/settings`, { headers: auth })).json()).toEqual({ deadline: '2024-06-01T18:00:00+08:00' });
    const up = await fetch(`${server.url}/api/v1/submissions`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(validSubmission()) });
    expect(up.status).toBe(201);
  } finally {
    await server.stop();
  }
});

test('a data folder is released at a clean stop: its pid file goes, the lock file stays free', async () => {
  const data = tmp('redsite-release-');
  const server = await serve(data);
  await until(() => fs.existsSync(path.join(data, 'redsite.pid')));
  expect(fs.readFileSync(path.join(data, 'redsite.pid'), 'utf8').trim()).toBe(String(server.child.pid));
  expect(await server.stop()).toBe(0);
  expect(fs.existsSync(path.join(data, 'redsite.pid'))).toBe(false);
  const next = await serve(data);
  expect(await next.stop()).toBe(0);
});

/**
 * A real pipe, as the shell's `|` makes (`npm start | head -1`): a FIFO. (spawn's own 'pipe' is a socket pair, to
 * which a write after the reader has gone does not fail the same way.) Both ends open; the reader does not block.
 */
function shellPipe(dir: string): { readFd: number; writeFd: number } {
  const fifo = path.join(dir, 'stdout.fifo');
  execFileSync('mkfifo', [fifo]);
  const readFd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  return { readFd, writeFd: fs.openSync(fifo, fs.constants.O_WRONLY) };
}

/** A port free a moment ago: for a server whose banner (which names the port) nobody can read. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

test('stdout a pipe whose reader has gone (`npm start | head -1`): the server starts, logs, and stops at SIGTERM with exit code 0, the folder released and the database closed', async () => {
  for (const readerGone of ['after the first line', 'before the start'] as const) {
    const dir = tmp('redsite-epipe-');
    const data = path.join(dir, 'data');
    const port = await freePort();
    const { readFd, writeFd } = shellPipe(dir);
    let reader: net.Socket | undefined;
    if (readerGone === 'before the start') fs.closeSync(readFd);
    // The default log level: every request is a line on stdout too.
    const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data', data], { stdio: ['ignore', writeFd, 'pipe'] });
    fs.closeSync(writeFd);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (code, signal) => r([code, signal])));
    if (readerGone === 'after the first line') {
      reader = new net.Socket({ fd: readFd, readable: true, writable: false });
      const first = await new Promise<string>((r) => reader!.once('data', (d: Buffer) => r(d.toString().split('\n')[0]!)));
      expect(first).toBe(`redsite 服务已启动：http://127.0.0.1:${port}/`);
      reader.destroy();
    }
    // Answering (and logging each request to the closed pipe) while nobody reads.
    let health: { ok: boolean } | undefined;
    for (const stop = Date.now() + 300_000; !health && Date.now() < stop; ) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.json() as Promise<{ ok: boolean }>, () => undefined);
      if (!health) await new Promise((r) => setTimeout(r, 50));
    }
    expect([readerGone, health?.ok]).toEqual([readerGone, true]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    expect([readerGone, await exited, stderr]).toEqual([readerGone, [0, null], '']);
    // Stopped cleanly: the database closed (its WAL checkpointed away), intact; the folder free for the next server.
    expect(fs.readdirSync(data).filter((f) => f.startsWith('redsite.')).sort()).toEqual(['redsite.lock', 'redsite.sqlite']);
    const db = openSqlite(path.join(data, 'redsite.sqlite'), { readonly: true, fileMustExist: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    lockDataDir(data).release();
  }
});

test('after `redsite restore --force` the next start downloads the restored data in the master workbook, not a cached one of the data it replaced', async () => {
  const data = tmp('redsite-restore-export-');
  const file = path.join(tmp('redsite-restore-export-backup-'), 'b.sqlite');
  const unitOf = (name: string) => validSubmission({ reporter: { unit: name, district: '东河区', contact: '李红', phone: '13912345678' }, projects: [validProject(1, { enterprise: name })] });
  const masterUnits = async (server: { url: string }, token: string) => {
    const res = await fetch(`${server.url}/api/v1/master.xlsx`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await res.arrayBuffer());
    const names: string[] = [];
    wb.getWorksheet('附件2汇总')!.eachRow((row, n) => void (n > 1 && names.push(String(row.getCell(2).value))));
    return { etag: res.headers.get('etag'), names };
  };
  const post = async (server: { url: string }, token: string, body: unknown) =>
    (await fetch(`${server.url}/api/v1/submissions`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })).status;

  const first = await serve(data);
  const token = first.token!;
  let before: { etag: string | null; names: string[] };
  try {
    expect(await post(first, token, unitOf('甲建设有限公司'))).toBe(201);
    expect((await redsite(['backup', file, '--data', data])).code).toBe(0);
    expect(await post(first, token, unitOf('乙建设有限公司'))).toBe(201);
    before = await masterUnits(first, token);
    expect(before.names.sort()).toEqual(['乙建设有限公司', '甲建设有限公司'].sort());
  } finally {
    expect(await first.stop()).toBe(0);
  }
  expect((await redsite(['restore', file, '--data', data, '--force'])).code).toBe(0);
  const second = await serve(data);
  try {
    // As many changes since the backup as before the restore: the data version counts to the same number again, and
    // the ETag still differs (a client holding the old one must not be told 304 for other data).
    expect(await post(second, token, unitOf('丙建设有限公司'))).toBe(201);
    const after = await masterUnits(second, token);
    expect(String(after.etag).replace(/-[0-9a-f]{8}"$/, '"')).toBe(String(before.etag).replace(/-[0-9a-f]{8}"$/, '"'));
    expect(after.etag).not.toBe(before.etag);
    expect(after.names.sort()).toEqual(['甲建设有限公司', '丙建设有限公司'].sort());
  } finally {
    expect(await second.stop()).toBe(0);
  }
});

test('a data folder that a newer redsite has upgraded is refused by this version (serve and the admin commands), saying what to do', async () => {
  const data = tmp('redsite-newer-');
  const server = await serve(data);
  expect(await server.stop()).toBe(0);
  const file = path.join(data, 'redsite.sqlite');
  const db = openSqlite(file);
  const known = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v;
  db.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(known + 1, new Date().toISOString());
  db.close();
  const said = `数据库 ${file} 已由较新版本的 redsite 建立或升级（数据库版本 ${known + 1}，这个版本的 redsite 只认识到 ${known}），不能用这个版本打开：请改用升级后的 redsite；如确需退回这个版本，请先停止服务，再用升级前的备份恢复（redsite restore 备份文件 --data 数据目录 --force）`;
  // (An older build would start and serve it: then this says 'started' instead of hanging.)
  const start = await serve(data, { firstStart: false }).then(async (s) => (await s.stop(), 'started'), (e: Error) => e.message);
  expect(start).toBe(`redsite serve exited: 错误：${said}\n`);
  for (const args of [['user', 'list', '--data', data], ['roster', 'list', '--data', data]]) {
    const r = await redsite(args);
    expect([r.code, r.stderr.trim(), r.stdout]).toEqual([1, `错误：${said}`, '']);
  }
  // Nothing was started or left behind: the folder is free for the newer version.
  expect(fs.existsSync(path.join(data, 'redsite.pid'))).toBe(false);
});

test('limits from the environment: a value that is not a positive number is refused at start, naming the variable; a good one is used', async () => {
  const cases: Array<[string, string, string]> = [
    ['REDSITE_UPLOAD_MB', 'abc', '环境变量 REDSITE_UPLOAD_MB（上传文件大小上限）为“abc”：须为大于 0 的数，单位 MB，如 20（不设置时为 20 MB）'],
    ['REDSITE_UPLOAD_MB', '-5', '环境变量 REDSITE_UPLOAD_MB（上传文件大小上限）为“-5”'],
    ['REDSITE_EVIDENCE_MB', '20MB', '环境变量 REDSITE_EVIDENCE_MB（单个佐证文件大小上限）为“20MB”'],
    ['REDSITE_EVIDENCE_UNIT_MB', '0', '环境变量 REDSITE_EVIDENCE_UNIT_MB（每个单位的佐证合计上限）为“0”'],
    ['REDSITE_UNIT_MB', 'x', '环境变量 REDSITE_UNIT_MB（每个单位的申报存储上限）为“x”：须为大于 0 的数，单位 MB，如 20（不设置时为 100 MB）'],
    ['REDSITE_RATE_PER_MINUTE', '1.5', '环境变量 REDSITE_RATE_PER_MINUTE（每分钟请求数）为“1.5”：须为大于 0 的整数（不设置时为 600）'],
    ['REDSITE_VERSIONS_KEPT', '0', '环境变量 REDSITE_VERSIONS_KEPT（每份申报保留的版本数）为“0”：须为大于 0 的整数（不设置时为 20）'],
  ];
  for (const [name, value, said] of cases) {
    const data = path.join(tmp('redsite-env-'), 'data');
    const r = await redsite(['serve', '--port', '0', '--data', data, '--log', 'silent'], { env: { [name]: value } });
    expect([r.code, r.stdout]).toEqual([1, '']);
    expect(r.stderr).toContain(`错误：${said}`);
    expect(fs.existsSync(data)).toBe(false);
  }
  // 1.5 MB uploads: /healthz wants room for two of them.
  const server = await serve(tmp('redsite-env-'), { env: { REDSITE_UPLOAD_MB: '1.5', REDSITE_VERSIONS_KEPT: '3' } });
  try {
    expect(((await (await fetch(`${server.url}/healthz`)).json()) as { storage: { needBytes: number } }).storage.needBytes).toBe(3 * 1024 * 1024);
  } finally {
    await server.stop();
  }
});

test('--host 0.0.0.0 (局域网): the banner names the addresses other computers use, and the dashboard answers at them', async () => {
  const server = await serve(tmp('redsite-lan-'), { args: ['--host', '0.0.0.0'] });
  try {
    const port = portOf(server.url);
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
    const lan = Object.values(os.networkInterfaces()).flatMap((a) => a ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => `http://${a.address}:${port}/`);
    const line = /\n {2}局域网内其他电脑：(.*)\n/.exec(server.out())![1]!;
    if (lan.length) {
      expect(line).toBe(`${lan.join('、')}（发给各旗县区和单位的登录地址；在这台电脑上创建账号时也请用它打开看板）`);
      for (const u of lan) expect((await fetch(u)).status).toBe(200);
    } else {
      expect(line).toBe('没有找到这台电脑的局域网地址，请用 ip addr 或 ipconfig 查看');
    }
  } finally {
    await server.stop();
  }
  // Only this computer (the default): no such line.
  const local = await serve(tmp('redsite-lan-'));
  try {
    expect(local.out()).not.toContain('局域网');
  } finally {
    await local.stop();
  }
});

test('--deadline after the deadline was set on the dashboard: the banner shows the dashboard’s and says the option does not apply', async () => {
  const data = tmp('redsite-deadline-set-');
  const first = await serve(data);
  const token = first.token!;
  try {
    const put = await fetch(`${first.url}/api/v1/settings`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ deadline: '2024-06-10T18:00:00+08:00' }) });
    expect(put.status).toBe(200);
  } finally {
    await first.stop();
  }
  const again = await serve(data, { args: ['--deadline', '2024-07-01 12:00'] });
  try {
    await until(() => again.out().includes('报送截止'));
    expect(again.out()).toContain('  报送截止：2024-06-10 18:00（北京时间；这是看板“设置与日志”中设定的，--deadline（或 REDSITE_DEADLINE）的 2024-07-01 12:00 不起作用，要改请在看板中修改）\n');
  } finally {
    await again.stop();
  }
  // The same deadline as the dashboard's: nothing to explain.
  const same = await serve(data, { args: ['--deadline', '2024-06-10 18:00'] });
  try {
    await until(() => same.out().includes('报送截止'));
    expect(same.out()).toContain('  报送截止：2024-06-10 18:00（北京时间）\n');
  } finally {
    await same.stop();
  }
});
