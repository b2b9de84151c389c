/** Operating the service from the command line: accounts, HTTPS certificates, and an xlsx roster import. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { makeCerts } from '../../cli/commands/serve';
import { testServer } from '../helpers/server';
import { validProject, validSubmission } from '../helpers/fixtures';
import { redsite } from '../helpers/cli';
import { openDatabase } from '../../server/db';
import { beijingTime } from '../../core/time';

/** A data folder as a first `redsite serve` leaves it: the commands that manage it refuse a folder without one. */
function dataFolder(prefix: string): string {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  openDatabase(data).close();
  return data;
}



test('redsite user add | list | revoke, and the token works against the server', async () => {
  const data = dataFolder('redsite-users-');
  const add = await redsite(['user', 'add', '--name', '东河区委组织部', '--role', 'district', '--district', '东河区', '--days', '30', '--data', data]);
  expect(add.code).toBe(0);
  expect(add.stdout).toContain('已创建旗县区账号');
  const token = /令牌（只显示这一次）：(rs_\S+)/.exec(add.stdout)![1]!;
  const bad = await redsite(['user', 'add', '--name', '某单位', '--role', 'unit', '--data', data]);
  expect(bad.code).toBe(1);
  // Each message names the option to add or change.
  expect(bad.stderr).toBe('错误：旗县区账号和填报单位账号必须指定旗县区（--district）；请填写单位名称：填报单位账号必须指定单位（--unit）\n');
  const unknown = await redsite(['user', 'add', '--name', '某区', '--role', 'district', '--district', '东河', '--data', data]);
  expect(unknown.stderr).toBe('错误：旗县区须是以下之一：昆都仑区、青山区、东河区、九原区、石拐区、白云鄂博矿区、土默特右旗、固阳县、达尔罕茂明安联合旗、稀土高新区、市直单位（--district）\n');
  expect((await redsite(['user', 'add', '--name', '某区', '--role', 'district', '--district', '东河区', '--days', 'abc', '--data', data])).stderr).toBe('错误：有效天数须为 1 到 3650 的整数（--days）\n');
  expect((await redsite(['user', 'add', '--name', '某区', '--role', 'admin', '--data', data])).stderr).toBe('错误：角色只能是 secretariat（秘书处）、district（旗县区）或 unit（填报单位）（--role）\n');
  // One active account per unit, as on the dashboard: the second is refused, naming the first and how to re-issue.
  expect((await redsite(['user', 'add', '--name', '一建', '--role', 'unit', '--district', '东河区', '--unit', '包头市第一建筑工程有限公司', '--data', data])).code).toBe(0);
  const twice = await redsite(['user', 'add', '--name', '一建', '--role', 'unit', '--district', '东河区', '--unit', '包头市第一建筑工程有限责任公司', '--data', data]);
  expect([twice.code, twice.stderr]).toEqual([1, expect.stringMatching(/已有账号 #2（.*视为同一单位）.*运行 redsite user reissue 2/)]);
  const list = await redsite(['user', 'list', '--data', data]);
  expect(list.stdout).toContain('东河区委组织部');
  expect(list.stdout).toContain('有效');
  const s = await testServer({ dataDir: data });
  try {
    expect((await s.call('GET', '/api/v1/me', { token })).body).toMatchObject({ role: 'district', district: '东河区' });
    const id = /#(\d+)/.exec(add.stdout)![1]!;
    expect((await redsite(['user', 'revoke', id, '--data', data])).stdout).toContain('已停用');
    expect((await s.call('GET', '/api/v1/me', { token })).status).toBe(401);
    // A lost token is replaced on the server machine too: the new one works, the account is active again.
    const again = await redsite(['user', 'reissue', id, '--data', data]);
    expect(again.stdout).toContain('重新签发令牌，旧令牌已失效');
    const fresh = /令牌（只显示这一次）：(rs_\S+)/.exec(again.stdout)![1]!;
    expect((await s.call('GET', '/api/v1/me', { token: fresh })).status).toBe(200);
    expect((await redsite(['user', 'reissue', '999', '--data', data])).code).toBe(1);
    expect((await redsite(['user', 'revoke', '999', '--data', data])).code).toBe(1);
  } finally {
    await s.close();
  }
});

test('redsite certs + HTTPS: the server answers over TLS with a localhost certificate', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-https-'));
  const paths = await makeCerts(data, 30);
  const s = await testServer({ dataDir: data, https: { key: fs.readFileSync(paths.key), cert: fs.readFileSync(paths.cert) } });
  try {
    expect(s.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const body = await new Promise<string>((resolve, reject) => {
      https.get(`${s.url}/healthz`, { ca: fs.readFileSync(paths.cert) }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(JSON.parse(body)).toMatchObject({ ok: true, storage: { ok: true } });
  } finally {
    await s.close();
  }
  const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-certs-'));
  const cli = await redsite(['certs', '--data', certs]);
  expect(cli.stdout).toContain('已生成证书');
  // `redsite certs` makes it for 825 days (selfsigned 5 ignored the days asked for and made it for one year), for
  // localhost and 127.0.0.1, and says until when.
  const made = new X509Certificate(fs.readFileSync(path.join(certs, 'certs', 'localhost.crt')));
  const days = (Date.parse(made.validTo) - Date.parse(made.validFrom)) / (24 * 3600_000);
  expect(Math.round(days)).toBe(825);
  expect(made.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
  expect(cli.stdout).toContain(`（有效期至 ${beijingTime(new Date(made.validTo).toISOString()).slice(0, 10)}）`);
  const nocert = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-nocert-'));
  expect(await redsite(['serve', '--https', '--port', '0', '--data', nocert])).toEqual({ code: 1, stdout: '', stderr: `错误：--https 需要证书，找不到 ${path.join(nocert, 'certs', 'localhost.key')}：请先运行 redsite certs --data ${nocert}\n` });
});

test('redsite certs does not replace the certificate clients already trust: refused with the files, their expiry and --force; --force replaces them', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-certs-again-'));
  expect((await redsite(['certs', '--data', data])).code).toBe(0);
  const cert = path.join(data, 'certs', 'localhost.crt');
  const key = path.join(data, 'certs', 'localhost.key');
  const first = { cert: fs.readFileSync(cert), key: fs.readFileSync(key) };
  const until = beijingTime(new Date(new X509Certificate(first.cert).validTo).toISOString()).slice(0, 10);

  const again = await redsite(['certs', '--data', data]);
  expect(again).toEqual({
    code: 1, stdout: '',
    stderr: `错误：数据目录中已有 https 证书：${cert}、${key}（证书有效期至 ${until}），没有替换。已把这张证书加入受信任根证书的电脑会继续信任它，不必重新生成；`
      + `确需换一张新证书（如即将过期、私钥泄露）时加 --force：redsite certs --data ${data} --force。替换后，每台已安装旧证书的电脑都要把新证书重新加入受信任的根证书，`
      + '否则 Excel 加载项和浏览器会提示连接不安全；正在运行的服务要重启（redsite serve --https）才会用上新证书\n',
  });
  expect(fs.readFileSync(cert).equals(first.cert)).toBe(true);
  expect(fs.readFileSync(key).equals(first.key)).toBe(true);
  // A key left alone (its certificate deleted) is not written over either.
  fs.rmSync(cert);
  const keyOnly = await redsite(['certs', '--data', data]);
  expect(keyOnly.code).toBe(1);
  expect(keyOnly.stderr).toContain(`错误：数据目录中已有 https 证书：${key}（只有私钥，没有证书），没有替换。`);
  expect(fs.readFileSync(key).equals(first.key)).toBe(true);

  const forced = await redsite(['certs', '--data', data, '--force']);
  expect([forced.code, forced.stderr]).toEqual([0, '']);
  expect(forced.stdout).toContain(`已替换证书：${cert}`);
  expect(forced.stdout).toContain('请把证书加入系统或浏览器的受信任根证书（每台已安装旧证书的电脑都要重新加入），然后运行 redsite serve --https（正在运行的服务请重启）');
  expect(fs.readFileSync(key).equals(first.key)).toBe(false);
  expect(new X509Certificate(fs.readFileSync(cert)).checkPrivateKey(createPrivateKey(fs.readFileSync(key)))).toBe(true);
});

test('roster import from xlsx', async () => {
  const s = await testServer();
  try {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('名单');
    ws.addRow(['单位名称', '旗县区', '联系人', '电话']);
    ws.addRow(['包钢建设', '昆区', '孙', 4725123456]);
    ws.addRow(['固阳城投', '固阳县', '钱', '13912345678']);
    const r = await s.call<{ imported: number; items: Array<{ district: string; missing: Array<{ unit: string; phone: string }> }> }>('POST', '/api/v1/roster', { token: s.admin, file: { bytes: Buffer.from(await wb.xlsx.writeBuffer()), name: '名单.xlsx' } });
    expect(r.body.imported).toBe(2);
    expect(r.body.items.find((d) => d.district === '昆都仑区')!.missing).toEqual([{ unit: '包钢建设', contact: '孙', phone: '04725123456' }]);
  } finally {
    await s.close();
  }
});

test('redsite roster import | list: 应报 = roster ∪ unit accounts, the same figures the server shows', async () => {
  const data = dataFolder('redsite-roster-');
  const csv = path.join(data, '名单.csv');
  fs.writeFileSync(csv, '\ufeff单位名称,旗县区,联系人,电话\n包头市第一建筑工程有限公司,东河区,李红,13912345678\n东河城建,东河区,周,0472-4123456\n青山建工,青山区,赵,13912345678\n');
  const imp = await redsite(['roster', 'import', csv, '--data', data]);
  expect(imp.stdout).toContain('已导入 3 个单位');
  // A unit with an account but not on the roster is expected too.
  expect((await redsite(['user', 'add', '--name', '九原路桥', '--role', 'unit', '--district', '九原区', '--unit', '九原路桥', '--data', data])).code).toBe(0);
  const bad = path.join(data, 'bad.csv');
  fs.writeFileSync(bad, '单位名称,旗县区\n甲,赛罕区\n');
  const refused = await redsite(['roster', 'import', bad, '--data', data]);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('bad.csv!B2');
  expect(refused.stderr).toContain('赛罕区');
  expect((await redsite(['roster', 'import', csv, '--district', '东河区', '--data', data])).stderr).toContain('文件中有 1 个其他旗县区的单位（如“青山建工”，青山区，名单.csv!B4）');

  const added = await redsite(['user', 'add', '--name', '一建', '--role', 'unit', '--district', '东河区', '--unit', '包头市第一建筑工程有限公司', '--data', data]);
  const unit = /令牌（只显示这一次）：(rs_\S+)/.exec(added.stdout)![1]!;
  const admin = /令牌（只显示这一次）：(rs_\S+)/.exec((await redsite(['user', 'add', '--name', '秘书处', '--role', 'secretariat', '--data', data])).stdout)![1]!;
  const s = await testServer({ dataDir: data });
  try {
    expect((await s.call('POST', '/api/v1/submissions', { token: unit, json: validSubmission() })).status).toBe(201);
    const list = await redsite(['roster', 'list', '--data', data]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/东河区\s*│?\s*2\s*│?\s*1\s*│?\s*0\s*│?\s*0\s*│?\s*1/);
    expect(list.stdout).toContain('九原路桥');
    expect(list.stdout).toContain('名单、账号');
    const json = JSON.parse((await redsite(['roster', 'list', '--json', '--data', data])).stdout);
    const server = (await s.call<{ items: unknown[] }>('GET', '/api/v1/roster', { token: admin })).body.items;
    expect(json).toEqual(server);
    const stats = (await s.call<{ items: Array<{ district: string; expected: number; submitted: number }> }>('GET', '/api/v1/districts', { token: admin })).body.items;
    for (const d of json as Array<{ district: string; expected: number; submitted: number }>) expect(stats.find((x) => x.district === d.district)).toMatchObject({ expected: d.expected, submitted: d.submitted });
    expect(json.find((d: { district: string }) => d.district === '九原区')).toMatchObject({ expected: 1, submitted: 0 });
    // A unit neither on the roster nor with an account that submitted: named in the text output, not only counted.
    const stray = validSubmission({ reporter: { unit: '石拐鑫达建设', district: '石拐区', contact: '钱', phone: '13912345678' }, projects: [validProject(1, { district: '石拐区' })] });
    expect((await s.call('POST', '/api/v1/submissions', { token: admin, json: stray })).status).toBe(201);
    const withStray = (await redsite(['roster', 'list', '--data', data])).stdout;
    expect(withStray).toContain('名单外已报（不在报送名单上');
    expect(withStray).toMatch(/石拐区\s*│?\s*石拐鑫达建设\s*│?\s*已提交/);
  } finally {
    await s.close();
  }
});

test('a 旗县区 that is not one, in a roster file or --district: the message names every 旗县区 to write, and the one a short name meant', async () => {
  const data = dataFolder('redsite-roster-district-');
  const names = '昆都仑区、青山区、东河区、九原区、石拐区、白云鄂博矿区、土默特右旗、固阳县、达尔罕茂明安联合旗、稀土高新区、市直单位';
  const file = path.join(data, '名单.csv');
  fs.writeFileSync(file, '单位名称,旗县区\n甲建设,九原\n乙建设,赛罕区\n丙建设,土默特右\n');
  const r = await redsite(['roster', 'import', file, '--data', data]);
  expect(r.code).toBe(1);
  expect(r.stderr.split('\n').filter((l) => l.includes('旗县区“'))).toEqual([
    `错误 名单.csv!B2 旗县区“九原”不是包头市的旗县区名称：请写以下之一：${names}（是不是“九原区”？）`,
    `错误 名单.csv!B3 旗县区“赛罕区”不是包头市的旗县区名称：请写以下之一：${names}`,
    `错误 名单.csv!B4 旗县区“土默特右”不是包头市的旗县区名称：请写以下之一：${names}（是不是“土默特右旗”？）`,
  ]);
  for (const args of [['roster', 'list'], ['roster', 'import', file], ['import', file]]) {
    const opt = await redsite([...args, '--district', '九原', ...(args[0] === 'roster' ? ['--data', data] : [])]);
    expect([args, opt.code, opt.stderr.split('\n')[0]]).toEqual([args, 1, `错误：旗县区（--district）“九原”不是包头市的旗县区名称：请写以下之一：${names}（是不是“九原区”？）`]);
  }
  const s = await testServer();
  try {
    const url = await s.call<{ error: string }>('GET', `/api/v1/districts/${encodeURIComponent('九原')}/workbook.xlsx`, { token: s.admin });
    expect([url.status, url.body.error]).toEqual([404, `旗县区“九原”不是包头市的旗县区名称：请写以下之一：${names}（是不是“九原区”？）`]);
  } finally {
    await s.close();
  }
});

test('redsite showcase with nothing qualifying says so, after the selection rule', async () => {
  const data = dataFolder('redsite-showcase-');
  expect((await redsite(['user', 'add', '--name', '秘书处', '--role', 'secretariat', '--data', data])).code).toBe(0);
  const r = await redsite(['showcase', '--data', data]);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^选取规则：.*\n没有符合条件的项目：/);
  fs.rmSync(data, { recursive: true, force: true });
});
