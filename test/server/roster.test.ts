/** server/roster.ts over real HTTP: importing a roster, 应报/已报 per 旗县区, the not-submitted list, 概览 and list filters. */
import ExcelJS from 'exceljs';
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

test('未报送名单.xlsx: the units still 未报送, scoped like the roster, read back with exceljs', async () => {
  const s = await start();
  const { unit, district } = await eastRiverAccounts(s);
  expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: validSubmission() })).status).toBe(201);
  // A unit name that looks like a formula stays the exact text, in a text-formatted cell.
  const csv = '单位名称,旗县区,联系人,电话\n包头市第一建筑工程有限公司,东河区,李红,13912345678\n东河城建,东河区,周,0472-4123456\n"=HYPERLINK(""http://x"",""点我"")",东河区,吴,13812345678\n青山建工,青山区,赵,13912345678\n';
  expect((await s.call('POST', '/api/v1/roster', { token: s.admin, file: { bytes: Buffer.from(csv), name: '名单.csv' } })).status).toBe(200);
  const read = async (token: string, q = '') => {
    const r = await s.call('GET', `/api/v1/roster/missing.xlsx${q}`, { token });
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(r.body as unknown as ArrayBuffer);
    const ws = wb.getWorksheet('未报送名单')!;
    const rows: unknown[][] = [];
    ws.eachRow((row, n) => {
      if (n >= 3) rows.push((row.values as unknown[]).slice(1));
    });
    return { rows, ws, name: decodeURIComponent(/filename\*=UTF-8''([^;]+)/.exec(r.headers.get('content-disposition')!)![1]!) };
  };
  const mine = await read(district);
  expect(mine.name).toBe('红色工地未报送名单（东河区）.xlsx');
  expect(mine.rows).toEqual([
    ['旗县区', '单位名称', '联系人', '电话', '状态'],
    ['东河区', '东河城建', '周', '0472-4123456', '未报送'],
    ['东河区', '=HYPERLINK("http://x","点我")', '吴', '13812345678', '未报送'],
    // Has an account, not on the roster: expected too.
    ['东河区', '包头市第二建筑工程有限公司', '', '', '未报送'],
  ]);
  expect(mine.ws.getCell('B5').type).toBe(ExcelJS.ValueType.String);
  expect(mine.ws.getCell('B5').numFmt).toBe('@');
  // A 旗县区 asking for another one still gets its own; the 秘书处 gets all, or one 旗县区.
  expect((await read(district, `?district=${encodeURIComponent('青山区')}`)).rows).toEqual(mine.rows);
  const all = await read(s.admin);
  expect(all.name).toBe('红色工地未报送名单（全市）.xlsx');
  expect(all.rows.map((r) => r[1])).toEqual(['单位名称', '青山建工', '东河城建', '=HYPERLINK("http://x","点我")', '包头市第二建筑工程有限公司']); // 旗县区 in the usual order
  expect((await read(s.admin, `?district=${encodeURIComponent('青山区')}`)).rows.map((r) => r[1])).toEqual(['单位名称', '青山建工']);
  expect((await s.call('GET', '/api/v1/roster/missing.xlsx', { token: unit })).status).toBe(403);
});

test('应报/已报 follow every change at once, though the figures are kept between views: accounts, 停用, 重新签发, roster, upload, review', async () => {
  const s = await start();
  const figures = async () => {
    const roster = (await s.call<{ items: Array<{ district: string; expected: number; submitted: number; returned: number }> }>('GET', '/api/v1/roster?district=昆都仑区', { token: s.admin })).body.items;
    const stats = (await s.call<{ items: Array<{ district: string; expected: number; submitted: number; returned: number }> }>('GET', '/api/v1/districts', { token: s.admin })).body.items;
    const mine = roster.find((d) => d.district === '昆都仑区');
    const overview = stats.find((d) => d.district === '昆都仑区')!;
    // The 报送名单 and the 概览 give the same figures.
    expect(mine ? [mine.expected, mine.submitted, mine.returned] : [0, 0, 0]).toEqual([overview.expected, overview.submitted, overview.returned]);
    return [overview.expected, overview.submitted, overview.returned];
  };
  expect(await figures()).toEqual([0, 0, 0]);
  // A 填报单位 account makes its unit 应报.
  const created = await s.call<{ user: { id: number }; token: string }>('POST', '/api/v1/users', { token: s.admin, json: { name: '昆区建工填报员', role: 'unit', district: '昆都仑区', unit: '昆区建工' } });
  expect(created.status).toBe(201);
  expect(await figures()).toEqual([1, 0, 0]);
  // 停用: no longer 应报; 重新签发 makes the account active again.
  expect((await s.call('POST', `/api/v1/users/${created.body.user.id}/revoke`, { token: s.admin })).status).toBe(200);
  expect(await figures()).toEqual([0, 0, 0]);
  const reissued = await s.call<{ token: string }>('POST', `/api/v1/users/${created.body.user.id}/reissue`, { token: s.admin });
  expect(reissued.status).toBe(200);
  expect(await figures()).toEqual([1, 0, 0]);
  // A roster import adds a unit.
  const csv = '单位名称,旗县区,联系人,电话\n昆区二建,昆都仑区,周,0472-4123456\n';
  expect((await s.call('POST', '/api/v1/roster', { token: s.admin, file: { bytes: Buffer.from(csv), name: '名单.csv' } })).status).toBe(200);
  expect(await figures()).toEqual([2, 0, 0]);
  // The unit uploads, and is returned.
  const sub = validSubmission({ reporter: { unit: '昆区建工', district: '昆都仑区', contact: '赵', phone: '13912345678' }, projects: [validProject(1, { district: '昆都仑区' })] });
  expect((await s.call('POST', '/api/v1/submissions', { token: reissued.body.token, json: sub })).status).toBe(201);
  expect(await figures()).toEqual([2, 1, 0]);
  expect((await s.call('POST', `/api/v1/submissions/${sub.submissionId}/return`, { token: s.admin, json: { reason: '项目地址不完整', version: 1 } })).status).toBe(200);
  expect(await figures()).toEqual([2, 1, 1]);
});
