/**
 * PUT /api/v1/settings as a script calls it: the deadline is an ISO time with its offset, and every refusal is
 * Chinese, says which format it wants and changes nothing (no 修改设置 in the audit log).
 */
import { perTestServers } from '../helpers/server';

const start = perTestServers();

test('a deadline not in ISO form, or none, is refused in Chinese with the format; a good one is saved and audited', async () => {
  const s = await start();
  const changes = async () => (await s.call<{ items: Array<{ action: string }> }>('GET', '/api/v1/audit', { token: s.admin })).body.items.filter((e) => e.action === '修改设置').length;
  const before = (await s.call<{ deadline: string }>('GET', '/api/v1/settings', { token: s.admin })).body.deadline;
  for (const deadline of ['2024-06-10 18:00', '2024/6/10 18:00', '2024-06-10T18:00:00', '2024-02-30T18:00:00+08:00', 20240610]) {
    const r = await s.call('PUT', '/api/v1/settings', { token: s.admin, json: { deadline } });
    expect([deadline, r.status, r.body.error]).toEqual([deadline, 422, '截止时间格式须为 2024-05-24T23:59:00+08:00']);
  }
  for (const json of [{}, { deadlin: '2024-06-10T18:00:00+08:00' }]) {
    const r = await s.call('PUT', '/api/v1/settings', { token: s.admin, json });
    expect([json, r.status, r.body.error]).toEqual([json, 422, '请提供截止时间 deadline，格式如 2024-05-24T23:59:00+08:00（这是唯一可修改的设置）']);
  }
  expect((await s.call<{ deadline: string }>('GET', '/api/v1/settings', { token: s.admin })).body.deadline).toBe(before);
  expect(await changes()).toBe(0);

  const ok = await s.call('PUT', '/api/v1/settings', { token: s.admin, json: { deadline: '2024-06-10T18:00:00+08:00' } });
  expect(ok).toMatchObject({ status: 200, body: { deadline: '2024-06-10T18:00:00+08:00' } });
  expect(await changes()).toBe(1);
});
