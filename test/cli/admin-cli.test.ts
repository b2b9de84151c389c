/** Operating the service from the command line: accounts, HTTPS certificates, and an xlsx roster import. */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { makeCerts } from '../../cli/commands/serve';
import { testServer } from '../helpers/server';

const exec = promisify(execFile);
const bin = path.join(__dirname, '../../bin/redsite.js');
jest.setTimeout(60_000);

async function redsite(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    return { code: 0, ...(await exec(process.execPath, [bin, ...args], { encoding: 'utf8' })) };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('redsite user add | list | revoke, and the token works against the server', async () => {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-users-'));
  const add = await redsite('user', 'add', '--name', '东河区委组织部', '--role', 'district', '--district', '东河区', '--days', '30', '--data', data);
  expect(add.code).toBe(0);
  expect(add.stdout).toContain('已创建旗县区账号');
  const token = /令牌（只显示这一次）：(rs_\S+)/.exec(add.stdout)![1]!;
  const bad = await redsite('user', 'add', '--name', '某单位', '--role', 'unit', '--data', data);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('必须指定旗县区');
  const list = await redsite('user', 'list', '--data', data);
  expect(list.stdout).toContain('东河区委组织部');
  expect(list.stdout).toContain('有效');
  const s = await testServer({ dataDir: data });
  try {
    expect((await s.call('GET', '/api/v1/me', { token })).body).toMatchObject({ role: 'district', district: '东河区' });
    const id = /#(\d+)/.exec(add.stdout)![1]!;
    expect((await redsite('user', 'revoke', id, '--data', data)).stdout).toContain('已停用');
    expect((await s.call('GET', '/api/v1/me', { token })).status).toBe(401);
    expect((await redsite('user', 'revoke', '999', '--data', data)).code).toBe(1);
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
  const cli = await redsite('certs', '--data', fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-certs-')));
  expect(cli.stdout).toContain('已生成证书');
  expect((await redsite('serve', '--https', '--port', '0', '--data', fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-nocert-')))).stderr).toContain('请先运行 redsite certs');
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
