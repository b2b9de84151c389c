/**
 * The audit log's 对象 in words (server/audit.ts auditTargetLabels): accounts, the roster, settings and submissions are
 * named for people, the raw id stays for scripts, and a name appears only where the viewer may read it.
 */
import { eastRiverAccounts, perTestServers } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { auditTargetLabels } from '../../server/audit';

const start = perTestServers();

type Entry = { action: string; target: string | null; targetLabel: string | null };

test('GET /api/v1/audit names each target in Chinese and keeps the raw id', async () => {
  const s = await start();
  const { unit, district } = await eastRiverAccounts(s);
  const sub = validSubmission();
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: sub })).status).toBe(201);
  expect((await s.call('POST', `/api/v1/submissions/${sub.submissionId}/return`, { token: district, json: { reason: '请补充照片' } })).status).toBe(200);
  const csv = '单位名称,旗县区,联系人,电话\n包头市第一建筑工程有限公司,东河区,李红,13912345678\n';
  expect((await s.call('POST', '/api/v1/roster', { token: s.admin, file: { bytes: Buffer.from(csv), name: '名单.csv' } })).status).toBe(200);
  expect((await s.call('PUT', '/api/v1/settings', { token: s.admin, json: { deadline: '2024-06-10T18:00:00+08:00' } })).status).toBe(200);

  const items = (await s.call<{ items: Entry[] }>('GET', '/api/v1/audit', { token: s.admin })).body.items;
  const of = (action: string) => items.filter((e) => e.action === action);
  const created = of('创建账号');
  expect(created.map((e) => e.target)).toEqual(expect.arrayContaining([expect.stringMatching(/^user:\d+$/)]));
  const unitAccount = created.find((e) => e.targetLabel?.includes('一建填报员'))!;
  expect(unitAccount.targetLabel).toBe(`账号 #${unitAccount.target!.slice(5)} 一建填报员（东河区）`);
  expect(created.map((e) => e.targetLabel)).toEqual(expect.arrayContaining([expect.stringMatching(/^账号 #\d+ 东河区委组织部（东河区）$/)]));
  // The first account, made at start: the 秘书处 has no district, so its role says what it is.
  expect(of('初始化：创建秘书处账号')[0]!.targetLabel).toMatch(/^账号 #1 .+（秘书处）$/);
  expect(of('导入报送名单')[0]).toMatchObject({ target: 'roster', targetLabel: '报送名单' });
  expect(of('修改设置')[0]).toMatchObject({ target: 'settings', targetLabel: '设置' });
  const aboutSubmission = items.filter((e) => e.target === sub.submissionId);
  expect(aboutSubmission.map((e) => e.action)).toEqual(expect.arrayContaining(['退回修改']));
  expect(aboutSubmission.length).toBeGreaterThanOrEqual(2);
  for (const e of aboutSubmission) expect(e.targetLabel).toBe('申报：包头市第一建筑工程有限公司（东河区）');
  // No entry shows a machine id to people.
  for (const e of items) expect(e.targetLabel ?? '').not.toMatch(/user:|[0-9a-f]{8}-[0-9a-f]{4}/);
});

test('a viewer sees names only where policy lets them read: another district gets the kind of object, not the name', async () => {
  const s = await start();
  const { unit } = await eastRiverAccounts(s);
  const sub = validSubmission();
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: sub })).status).toBe(201);
  const qs = validSubmission({ reporter: { unit: '青山建工', district: '青山区', contact: '赵', phone: '13912345678' }, projects: [validProject(1, { district: '青山区' })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: s.admin, json: qs })).status).toBe(201);
  const users = s.db.prepare("SELECT id, name FROM users WHERE role = 'unit' ORDER BY id").all() as Array<{ id: number; name: string }>;
  const targets = [`user:${users[0]!.id}`, sub.submissionId, qs.submissionId, 'roster', 'user:999999', null];
  const eastDistrict = { id: 900, name: '东河区委组织部', role: 'district' as const, district: '东河区' };
  const qingshan = { id: 901, name: '青山区委组织部', role: 'district' as const, district: '青山区' };
  const east = auditTargetLabels(s.db, eastDistrict, targets);
  expect(east.get(`user:${users[0]!.id}`)).toBe(`账号 #${users[0]!.id} ${users[0]!.name}（东河区）`);
  expect(east.get(sub.submissionId)).toBe('申报：包头市第一建筑工程有限公司（东河区）');
  expect(east.get(qs.submissionId)).toBe('申报');
  expect(east.get('roster')).toBe('报送名单');
  expect(east.get('user:999999')).toBe('账号 #999999');
  const other = auditTargetLabels(s.db, qingshan, targets);
  expect(other.get(`user:${users[0]!.id}`)).toBe(`账号 #${users[0]!.id}`);
  expect(other.get(sub.submissionId)).toBe('申报');
  expect(other.get(qs.submissionId)).toBe('申报：青山建工（青山区）');
});
