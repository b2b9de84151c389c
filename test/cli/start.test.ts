/** The README's start command: `npm start` (= redsite serve) on a fresh data folder serves health, dashboard and API, with its parse workers running. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serve } from '../helpers/cli';
import { until } from '../helpers/until';


test('redsite serve: first start prints the one-time token and the URL; SIGTERM stops it cleanly', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-start-'));
  const server = await serve(data);
  const { url } = server;
  const token = server.token!;
  expect(server.out()).toContain('令牌只显示这一次');
  expect((await (await fetch(`${url}/healthz`)).json())).toMatchObject({ ok: true, storage: { ok: true } });
  expect(await (await fetch(`${url}/`)).text()).toContain('“红色工地”创建申报看板');
  expect((await (await fetch(`${url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).json())).toMatchObject({ role: 'secretariat' });
  expect(fs.existsSync(path.join(data, 'redsite.sqlite'))).toBe(true);
  // The parse workers start with it (kept warm for the first uploads): two child processes before any upload.
  const children = () => fs.readFileSync(`/proc/${server.child.pid}/task/${server.child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  await until(() => children().length >= 2);
  expect(children()).toHaveLength(2);
  expect(await server.stop()).toBe(0);
});
