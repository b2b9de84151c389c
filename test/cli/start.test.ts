/** The README's start command: `npm start` (= redsite serve) on a fresh data folder serves health, dashboard and API. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

jest.setTimeout(60_000);

test('redsite serve: first start prints the one-time token and the URL; SIGTERM stops it cleanly', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-start-'));
  const child = spawn(process.execPath, [path.join(__dirname, '../../bin/redsite.js'), 'serve', '--port', '0', '--data', data, '--log', 'silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no URL printed: ${out}`)), 30_000);
    child.stdout.on('data', () => {
      const m = /redsite 服务已启动：(http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m && out.includes('令牌只显示这一次')) {
        clearTimeout(t);
        resolve(m[1]!);
      }
    });
  });
  const token = /\n\s+(rs_[A-Za-z0-9_-]+)\n/.exec(out)![1]!;
  expect((await (await fetch(`${url}/healthz`)).json())).toMatchObject({ ok: true, storage: { ok: true } });
  expect(await (await fetch(`${url}/`)).text()).toContain('“红色工地”创建申报看板');
  expect((await (await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json())).toMatchObject({ role: 'secretariat' });
  expect(fs.existsSync(path.join(data, 'redsite.sqlite'))).toBe(true);
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  expect(await exit).toBe(0);
});
