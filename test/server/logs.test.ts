/** `redsite serve --log info` writes a line per request; no line carries a token or a cookie, whatever the outcome. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validSubmission } from '../helpers/fixtures';
import { serve } from '../helpers/cli';
import { until } from '../helpers/until';


test('request logs at level info never contain tokens or cookies', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-logs-'));
  const server = await serve(data, { args: ['--log', 'info'] });
  const { url } = server;
  const token = server.token!;
  const out = server.out;
  try {
    const banner = out();
    const auth = { authorization: `Bearer ${token}`, cookie: 'session=cookie-secret-4711' };
    const created = await fetch(`${url}/api/v1/users`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: '东河区', role: 'district', district: '东河区' }) });
    const districtToken = ((await created.json()) as { token: string }).token;
    const calls: Array<[string, string, Record<string, string>, string?]> = [
      ['GET', '/api/v1/me', auth],
      ['POST', '/api/v1/submissions', { ...auth, 'content-type': 'application/json' }, JSON.stringify(validSubmission())],
      ['GET', '/api/v1/submissions', { authorization: `Bearer ${districtToken}` }],
      ['GET', '/api/v1/master.xlsx', { authorization: `Bearer ${districtToken}` }], // 403: logged at warn
      ['GET', '/api/v1/me', { authorization: 'Bearer rs_wrong-guess-0815' }], // 401: a wrong token is a secret too
      ['GET', '/api/v1/nothing-here', auth], // 404
    ];
    for (const [method, p, headers, body] of calls) await (await fetch(`${url}${p}`, { method, headers, body })).arrayBuffer();
    // Every request has been logged once its response finished; wait for the last line to be written.
    await until(() => (out().slice(banner.length).match(/"req":/g) ?? []).length >= calls.length + 1);
    const lines = out().slice(banner.length).split('\n').filter((l) => l.startsWith('{'));
    const requestLines = lines.filter((l) => l.includes('"req":'));
    expect(requestLines.length).toBeGreaterThanOrEqual(calls.length + 1);
    for (const secret of [token, districtToken, 'rs_wrong-guess-0815', 'cookie-secret-4711', 'Bearer']) {
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
    }
    const logged = requestLines.map((l) => JSON.parse(l) as { req: { headers: Record<string, string> } });
    expect(logged.every((l) => l.req.headers.authorization === '[已隐藏]')).toBe(true);
    expect(logged.filter((l) => l.req.headers.cookie).every((l) => l.req.headers.cookie === '[已隐藏]')).toBe(true);
  } finally {
    await server.stop();
  }
});
