/** The application as a whole over real HTTP: health, sign-in, the public documents, the audit log, a restart. */
import { eastRiverAccounts, perTestServers } from '../helpers/server';
import { validSubmission } from '../helpers/fixtures';


const start = perTestServers();

test('healthz, me, openapi, rubric, template', async () => {
  const s = await start();
  const { unit } = await eastRiverAccounts(s);
  expect((await s.call('GET', '/healthz')).body).toMatchObject({ ok: true, storage: { ok: true } });
  expect((await s.call('GET', '/api/v1/me', { token: unit })).body).toMatchObject({ role: 'unit', roleLabel: '填报单位', district: '东河区', unit: '包头市第一建筑工程有限公司' });
  const doc = (await s.call<{ openapi: string; components: { schemas: Record<string, unknown> } }>('GET', '/api/v1/openapi.json')).body;
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['Submission', 'Issue', 'Error']));
  expect(((await s.call('GET', '/api/v1/rubric')).body as { hash: string }).hash).toMatch(/^[0-9a-f]{64}$/);
  const t = await s.call('GET', '/api/v1/template.xlsx?projects=3');
  expect(t.status).toBe(200);
  expect((t.body as unknown as Buffer).subarray(0, 2).toString()).toBe('PK');
  expect((await s.call('GET', '/api/v1/template.xlsx?projects=99')).body).toMatchObject({ code: 'BAD_REQUEST', error: expect.stringContaining('1 到 50') });
});


test('the audit log cannot be edited, even through the database', async () => {
  const s = await start();
  expect(() => s.db.prepare("UPDATE audit SET action = 'x'").run()).toThrow('审计日志不可修改');
  expect(() => s.db.prepare('DELETE FROM audit').run()).toThrow('审计日志不可删除');
});


test('restart: everything is still there', async () => {
  const s = await start();
  const { unit } = await eastRiverAccounts(s);
  const admin = s.admin;
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: validSubmission() })).status).toBe(201);
  const list = async () => (await s.call<{ items: unknown[] }>('GET', '/api/v1/submissions', { token: admin })).body.items;
  const before = await list();
  await s.close();
  const again = await start({ dataDir: s.dataDir });
  expect(again.secretariatToken).toBeUndefined();
  const after = (await again.call<{ items: unknown[] }>('GET', '/api/v1/submissions', { token: admin })).body.items;
  expect(after).toEqual(before);
  expect(after).toHaveLength(1);
  expect((await again.call('GET', '/api/v1/me', { token: unit })).status).toBe(200);
});

