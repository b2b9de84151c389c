/** Creating accounts over real HTTP: the form's schema says only what is wrong. */
import { perTestServers } from '../helpers/server';

const start = perTestServers();

interface User { id: number; name: string; role: string; district?: string; unit?: string; revokedAt: string | null }
type Created = { user: User; token: string; error?: string; code?: string };

test('the schema says only what is wrong: a blank unit name once, never “请填写账号名称” for a field that may be blank', async () => {
  const s = await start();
  const blank = await s.call<{ error: string }>('POST', '/api/v1/users', { token: s.admin, json: { role: 'unit', district: '东河区', unit: ' ', name: '' } });
  expect([blank.status, blank.body.error]).toEqual([422, '请填写单位名称：填报单位账号必须指定单位']);
  const officer = await s.call<Created>('POST', '/api/v1/users', { token: s.admin, json: { role: 'district', district: '青山区', name: '' } });
  expect([officer.status, officer.body.user.name]).toEqual([201, '青山区管理员']);
});
