/** server/roster.ts over real HTTP: importing a roster, 应报/已报 per 旗县区, the not-submitted list, 概览 and list filters. */
import { eastRiverAccounts, perTestServers } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';


const start = perTestServers();

test('roster import, districts, not-submitted list, filters', async () => {
  const s = await start();
  const { unit, district } = await eastRiverAccounts(s);
  // 一建: two submissions (one approved), 青山建工 one (stored by the 秘书处).
  const first = validSubmission();
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: first })).status).toBe(201);
  expect((await s.call('POST', `/api/v1/submissions/${first.submissionId}/approve`, { token: district })).status).toBe(200);
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: validSubmission({ projects: [validProject(1), validProject(2)] }) })).status).toBe(201);
  const qs = validSubmission({ reporter: { unit: '青山建工', district: '青山区', contact: '赵', phone: '13912345678' }, projects: [validProject(1, { district: '青山区' })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: s.admin, json: qs })).status).toBe(201);
  const csv = '单位名称,旗县区,联系人,电话\n包头市第一建筑工程有限公司,东河区,李红,13912345678\n东河城建,东河区,周,0472-4123456\n青山建工,青山区,赵,13912345678\n';
  const imp = await s.call('POST', '/api/v1/roster', { token: s.admin, file: { bytes: Buffer.from(csv), name: '名单.csv' } });
  expect(imp.body).toMatchObject({ imported: 3 });
  const roster = (await s.call<{ items: Array<{ district: string; expected: number; submitted: number; approved: number; missing: Array<{ unit: string }> }> }>('GET', '/api/v1/roster', { token: district })).body.items;
  // 应报 = the roster's two 东河区 units plus the unit that only has an account (第二建筑).
  expect(roster).toEqual([expect.objectContaining({ district: '东河区', expected: 3, submitted: 1, approved: 0, missing: [{ unit: '东河城建', contact: '周', phone: '0472-4123456' }, { unit: '包头市第二建筑工程有限公司', contact: '', phone: '' }] })]);
  const stats = (await s.call<{ items: Array<{ district: string; submitted: number; projects: number }> }>('GET', '/api/v1/districts', { token: s.admin })).body.items;
  expect(stats.find((d) => d.district === '青山区')).toMatchObject({ submitted: 1, projects: 1 });
  const badRoster = await s.call<{ issues: Array<{ cell: string; message: string }> }>('POST', '/api/v1/roster', { token: s.admin, file: { bytes: Buffer.from('单位名称,旗县区\n甲,赛罕区\n'), name: 'x.csv' } });
  expect(badRoster.status).toBe(422);
  expect(badRoster.body.issues[0]).toMatchObject({ cell: 'B2', message: expect.stringContaining('赛罕区') });

  const list = async (q: string, token = s.admin) => (await s.call<{ items: Array<{ unit: string }> }>('GET', `/api/v1/submissions${q}`, { token })).body.items.map((i) => i.unit).sort();
  expect(await list('?district=青山区')).toEqual(['青山建工']);
  expect(await list('?state=已审核')).toEqual(['包头市第一建筑工程有限公司']);
  expect(await list('?q=北梁')).toHaveLength(3);
  expect(await list('', district)).toEqual(['包头市第一建筑工程有限公司', '包头市第一建筑工程有限公司']);
});


test('a district importing a unit of another 旗县区: 403 naming the unit, with one issue per row at its 旗县区 cell; nothing imported', async () => {
  const s = await start();
  const { district } = await eastRiverAccounts(s);
  const csv = '单位名称,旗县区,联系人,电话\n东河城建,东河区,周,0472-4123456\n昆都仑钢构,昆都仑区,孙,13912345678\n';
  const r = await s.call<{ error: string; issues: Array<{ sheet: string; cell: string; field: string; message: string }> }>('POST', '/api/v1/roster', { token: district, file: { bytes: Buffer.from(csv), name: '东河名单.csv' } });
  expect(r.status).toBe(403);
  expect(r.body.error).toContain('（如“昆都仑钢构”，昆都仑区，东河名单.csv!B3）');
  expect(r.body.issues).toEqual([{ severity: 'error', sheet: '东河名单.csv', cell: 'B3', field: 'district', message: expect.stringContaining('“昆都仑钢构”属于昆都仑区，不是本旗县区（东河区）的单位') }]);
  const roster = (await s.call<{ items: Array<{ units: unknown[] }> }>('GET', '/api/v1/roster', { token: district })).body.items;
  expect(roster.flatMap((d) => d.units).map((u) => (u as { unit: string }).unit)).not.toContain('东河城建');
});
