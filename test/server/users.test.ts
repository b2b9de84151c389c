/**
 * Creating accounts over real HTTP: one unit, one active account — single creation (POST /users) and bulk creation
 * (POST /users/bulk) apply the same rule, by the unit key of submissions (有限公司 = 有限责任公司); the form's schema
 * says only what is wrong; a bulk unit list checks its phones.
 */
import ExcelJS from 'exceljs';
import { perTestServers, type TestServer } from '../helpers/server';

const start = perTestServers();

interface User { id: number; name: string; role: string; district?: string; unit?: string; revokedAt: string | null }
type Created = { user: User; token: string; error?: string; code?: string };
type Bulk = { created: Array<{ user: User; unit: string }>; skipped: Array<{ unit: string; reason: string }>; error?: string; issues?: Array<{ sheet: string; cell: string; field: string; message: string }> };

const users = async (s: TestServer) => (await s.call<{ items: User[] }>('GET', '/api/v1/users', { token: s.admin })).body.items;
const unitAccount = (unit: string, district = '东河区') => ({ role: 'unit', district, unit });
const csv = (lines: string[]) => ({ bytes: Buffer.from(['单位名称,旗县区,联系人,电话', ...lines].join('\n')), name: '单位名单.csv' });

test('a unit that has an account gets no second one: 409 naming it and “重新签发”, nothing created', async () => {
  const s = await start();
  const district = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  const first = await s.call<Created>('POST', '/api/v1/users', { token: district, json: unitAccount('包头市建工集团有限公司') });
  expect(first.status).toBe(201);
  // A blank 账号名称 becomes the unit's name.
  expect(first.body.user).toMatchObject({ name: '包头市建工集团有限公司', role: 'unit', district: '东河区', unit: '包头市建工集团有限公司' });
  const id = first.body.user.id;
  const before = await users(s);

  const again = await s.call<Created>('POST', '/api/v1/users', { token: district, json: unitAccount('包头市建工集团有限公司') });
  expect([again.status, again.body.code, again.body.token]).toEqual([409, 'CONFLICT', undefined]);
  expect(again.body.error).toBe(`“包头市建工集团有限公司”（东河区）已有账号 #${id}：一个单位只设一个账号，令牌遗失请在账号列表中该账号一行点“重新签发”（旧令牌随即失效）。没有创建新账号`);
  // The same unit spelled 有限责任公司, with spaces and full-width letters: the same unit key, the same refusal.
  const variant = await s.call<Created>('POST', '/api/v1/users', { token: s.admin, json: { ...unitAccount('包头市建工集团 有限责任公司'), name: '建工集团' } });
  expect(variant.status).toBe(409);
  expect(variant.body.error).toContain(`已有账号 #${id}（“包头市建工集团有限公司”，与“包头市建工集团 有限责任公司”视为同一单位）`);
  expect(await users(s)).toEqual(before);

  // The same name in another 旗县区 is another unit.
  expect((await s.call('POST', '/api/v1/users', { token: s.admin, json: unitAccount('包头市建工集团有限公司', '青山区') })).status).toBe(201);
  // A revoked account no longer stands for the unit: a new one may be created (re-issuing would revive the old one).
  expect((await s.call('POST', `/api/v1/users/${id}/revoke`, { token: district })).status).toBe(200);
  expect((await s.call('POST', '/api/v1/users', { token: district, json: unitAccount('包头市建工集团有限责任公司') })).status).toBe(201);
  // 旗县区 accounts are not limited: several officers of one 旗县区 may each have one.
  for (const name of ['东河区审核员甲', '东河区审核员乙']) expect((await s.call('POST', '/api/v1/users', { token: s.admin, json: { name, role: 'district', district: '东河区' } })).status).toBe(201);
});

test('two requests at once (a double click) create one account; the other is refused', async () => {
  const s = await start();
  const both = await Promise.all([1, 2].map(() => s.call<Created>('POST', '/api/v1/users', { token: s.admin, json: unitAccount('包头市建工集团有限公司') })));
  expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
  expect((await users(s)).filter((u) => u.role === 'unit')).toHaveLength(1);
});

test('bulk and single creation share the rule, in both directions and within one list', async () => {
  const s = await start();
  const single = await s.call<Created>('POST', '/api/v1/users', { token: s.admin, json: unitAccount('包头市建工集团有限公司') });
  const bulk = await s.call<Bulk>('POST', '/api/v1/users/bulk', { token: s.admin, file: csv(['包头市建工集团有限责任公司,东河区,李红,13912345678', '东河城建,东河区,周,0472-4123456', '东河城建 ,东河区,周,0472-4123456']) });
  expect(bulk.status).toBe(201);
  expect(bulk.body.created.map((c) => c.unit)).toEqual(['东河城建']);
  expect(bulk.body.skipped).toEqual([
    { unit: '包头市建工集团有限责任公司', district: '东河区', reason: `已有账号 #${single.body.user.id}（“包头市建工集团有限公司”，与“包头市建工集团有限责任公司”视为同一单位）：一个单位只设一个账号，令牌遗失请在账号列表中该账号一行点“重新签发”（旧令牌随即失效）` },
    { unit: '东河城建', district: '东河区', reason: '名单中重复出现' },
  ]);
  // An account made from a unit list stands for its unit as well.
  const after = await s.call<Created>('POST', '/api/v1/users', { token: s.admin, json: unitAccount('东河城建') });
  expect(after.status).toBe(409);
  expect(after.body.error).toContain(`已有账号 #${bulk.body.created[0]!.user.id}`);
  expect((await users(s)).filter((u) => u.role === 'unit').map((u) => u.unit)).toEqual(['包头市建工集团有限公司', '东河城建']);
});

test('the schema says only what is wrong: a blank unit name once, never “请填写账号名称” for a field that may be blank', async () => {
  const s = await start();
  const blank = await s.call<{ error: string }>('POST', '/api/v1/users', { token: s.admin, json: { role: 'unit', district: '东河区', unit: ' ', name: '' } });
  expect([blank.status, blank.body.error]).toEqual([422, '请填写单位名称：填报单位账号必须指定单位']);
  const officer = await s.call<Created>('POST', '/api/v1/users', { token: s.admin, json: { role: 'district', district: '青山区', name: '' } });
  expect([officer.status, officer.body.user.name]).toEqual([201, '青山区管理员']);
});

test('a unit list with a phone that is no phone is refused with its place, like its other bad fields; nothing created', async () => {
  const s = await start();
  const bad = await s.call<Bulk>('POST', '/api/v1/users/bulk', { token: s.admin, file: csv(['东河城建,东河区,周,0472-4123456', '东河路桥,东河区,吴,12345', '青山建工,青山区,赵,']) });
  expect([bad.status, bad.body.error]).toEqual([422, '单位名单有 1 处问题，没有创建任何账号']);
  expect(bad.body.issues).toEqual([expect.objectContaining({ sheet: '单位名单.csv', cell: 'D3', field: 'phone', message: expect.stringMatching(/^电话格式不正确：请填写 11 位手机号.*（“12345”）$/) })]);
  expect((await users(s)).filter((u) => u.role === 'unit')).toEqual([]);

  // An .xlsx roster: a number that is no phone, on its sheet and cell; the 报送名单 import reads it the same way.
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('名单');
  ws.addRow(['单位名称', '旗县区', '联系人', '电话']);
  ws.addRow(['包钢建设', '昆区', '孙', 4725123456]); // a landline that lost its leading 0: restored, accepted
  ws.addRow(['固阳城投', '固阳县', '钱', 12345]);
  const file = { bytes: Buffer.from(await wb.xlsx.writeBuffer()), name: '名单.xlsx' };
  for (const url of ['/api/v1/users/bulk', '/api/v1/roster']) {
    const r = await s.call<Bulk>('POST', url, { token: s.admin, file });
    expect([r.status, r.body.issues?.map((i) => `${i.sheet}!${i.cell} ${i.field}`)]).toEqual([422, ['名单!D3 phone']]);
  }
  ws.getRow(3).getCell(4).value = '13912345678';
  const ok = await s.call<Bulk>('POST', '/api/v1/users/bulk', { token: s.admin, file: { bytes: Buffer.from(await wb.xlsx.writeBuffer()), name: '名单.xlsx' } });
  expect([ok.status, ok.body.created.map((c) => c.unit)]).toEqual([201, ['包钢建设', '固阳城投']]);
});

test('账号清单.xlsx: the 登录地址 is the address the browser used, also through a reverse proxy on this machine', async () => {
  const s = await start();
  const loginAddresses = async (headers: Record<string, string>, unit: string) => {
    const r = await s.call<Bulk & { workbook: string }>('POST', '/api/v1/users/bulk', { token: s.admin, headers, file: csv([`${unit},东河区,周,0472-4123456`]) });
    expect(r.status).toBe(201);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(r.body.workbook, 'base64') as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const header = sheet.getRow(3).values as string[];
    return String(sheet.getRow(4).getCell(header.indexOf('登录地址')).value);
  };
  expect(await loginAddresses({}, '东河城建')).toBe(`${s.url}/`);
  // nginx, Caddy and Apache forward the scheme and the host the browser asked for; the proxy itself connects to 127.0.0.1.
  expect(await loginAddresses({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'redsite.example.cn', 'x-forwarded-for': '192.168.1.20' }, '东河路桥')).toBe('https://redsite.example.cn/');
});

test('a district’s unit list with units of another 旗县区: each listed at its row (file!cell), nothing created', async () => {
  const s = await start();
  const district = await s.user({ name: '东河区委组织部', role: 'district', district: '东河区' });
  const r = await s.call<Bulk>('POST', '/api/v1/users/bulk', { token: district, file: csv(['东河城建,东河区,周,0472-4123456', '青山建工,青山区,赵,', '昆区路桥,昆都仑区,钱,']) });
  expect([r.status, r.body.error]).toEqual([403, '只能为本旗县区（东河区）的单位创建账号，名单中有 2 个其他旗县区的单位（如“青山建工”，青山区，单位名单.csv!B3），没有创建任何账号：请删除这些行后重新上传']);
  expect(r.body.issues!.map((i) => [i.sheet, i.cell, i.message])).toEqual([
    ['单位名单.csv', 'B3', '“青山建工”属于青山区，不是本旗县区（东河区）的单位：请删除这一行（由青山区或联盟秘书处导入）'],
    ['单位名单.csv', 'B4', '“昆区路桥”属于昆都仑区，不是本旗县区（东河区）的单位：请删除这一行（由昆都仑区或联盟秘书处导入）'],
  ]);
  expect((await users(s)).filter((u) => u.role === 'unit')).toEqual([]);
});
