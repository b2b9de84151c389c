/**
 * What a person sees when a command is given something wrong: one Chinese line that says what to fix, never
 * commander's or Node's English, and no command that only reads creates an empty database in the wrong folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redsite, serve } from '../helpers/cli';
import { DEADLINE_INPUT_HINT } from '../../server/model';

const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
const ENGLISH = /error:|Error|ENOENT|EEXIST|Invalid|expected|default:|not specified/;

test('missing required options and bad values: Chinese, naming the option', async () => {
  const cwd = tmp('redsite-msg-');
  const cases: Array<[string[], string]> = [
    [['merge', 'mail'], '错误：缺少必填选项 “-o, --out <file>”'],
    [['annotate', 'x.xlsx'], '错误：缺少必填选项 “-o, --out <file>”'],
    [['user', 'add', '--role', 'secretariat'], '错误：缺少必填选项 “--name <名称>”'],
    [['user', 'add', '--name', '秘书处'], '错误：缺少必填选项 “--role <role>”'],
    [['template', '--out', '/nonexist/x.xlsx'], '错误：输出文件的文件夹 /nonexist 不存在：请先创建它，或换一个位置（--out）'],
    [['import', '.', '--server', '127.0.0.1:4102', '--token', 'rs_x'], '地址须以 http:// 或 https:// 开头'],
    [['restore', 'nofile.sqlite', '--data', 'new'], `错误：找不到备份文件 ${path.join(cwd, 'nofile.sqlite')}：请检查路径和文件名`],
    // A missing argument by what it is, and the help of the command that needs it.
    [['backup'], '错误：缺少参数：备份文件（<file>）\n（运行 redsite backup --help 查看用法）'],
    [['user', 'reissue'], '错误：缺少参数：账号编号（见 redsite user list）（<id>）\n（运行 redsite user reissue --help 查看用法）'],
    [['roster', 'import', '--district', '东河区'], '错误：缺少参数：名单文件（<file>）\n（运行 redsite roster import --help 查看用法）'],
    [['serve', '--prot', '3000'], '错误：未知选项 “--prot”\n（是不是要用 --port？）\n（运行 redsite serve --help 查看用法）'],
  ];
  for (const [args, message] of cases) {
    const r = await redsite(args, { cwd });
    expect([args, r.code]).toEqual([args, 1]);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(ENGLISH);
  }
  expect(fs.readdirSync(cwd)).toEqual([]);
});

test('commands on the data folder refuse a folder without redsite data instead of creating one; only serve creates it', async () => {
  const cwd = tmp('redsite-nodata-');
  const file = path.join(cwd, 'a-file');
  fs.writeFileSync(file, '');
  const missing = `这里没有 redsite 数据：找不到 ${path.join(cwd, 'data', 'redsite.sqlite')}，请用 --data 指向服务的数据目录`;
  for (const args of [['backup', 'b.sqlite'], ['roster', 'list'], ['user', 'list'], ['user', 'revoke', '1'], ['showcase'], ['user', 'add', '--name', '秘书处', '--role', 'secretariat']]) {
    const r = await redsite(args, { cwd });
    expect([args, r.code, r.stderr]).toEqual([args, 1, `错误：${missing}\n`]);
  }
  expect(fs.readdirSync(cwd)).toEqual(['a-file']);
  for (const args of [['user', 'list', '--data', file], ['serve', '--port', '0', '--data', file]]) {
    const r = await redsite(args, { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`错误：--data 指向的 ${file} 是一个文件，不是文件夹：请用 --data 指向服务的数据目录\n`);
  }
});

test('backup into a missing folder, user add --days abc: Chinese, nothing written', async () => {
  const data = tmp('redsite-msg-data-');
  const server = await serve(data);
  const cwd = tmp('redsite-msg-bk-');
  try {
    const bk = await redsite(['backup', 'bk/b1.sqlite', '--data', data], { cwd });
    expect(bk.code).toBe(1);
    expect(bk.stderr).toBe(`错误：备份文件的文件夹 ${path.join(cwd, 'bk')} 不存在：请先创建它，或换一个位置\n`);
    expect(fs.readdirSync(cwd)).toEqual([]);
    const days = await redsite(['user', 'add', '--name', '东河区', '--role', 'district', '--district', '东河区', '--days', 'abc', '--data', data]);
    expect(days.code).toBe(1);
    expect(days.stderr).toBe('错误：有效天数须为 1 到 3650 的整数（--days）\n');
  } finally {
    await server.stop();
  }
});

test('help pages show defaults in Chinese', async () => {
  for (const command of ['serve', 'template', 'backup', 'restore', 'showcase', 'manifest']) {
    const help = (await redsite([command, '--help'])).stdout;
    expect(help).not.toMatch(/\(default|\(choices|\(env/);
  }
  expect((await redsite(['serve', '--help'])).stdout).toContain('（默认：127.0.0.1）');
  expect((await redsite(['template', '--help'])).stdout).toContain('（默认：红色工地申报工作簿.xlsx）');
});

test('serve --help: every form --deadline takes, in the words of the dashboard\'s hint, none split across lines', async () => {
  const help = (await redsite(['serve', '--help'])).stdout;
  expect(help).toContain('--deadline <time>  报送截止时间，北京时间，写法见下；不写则为 2024-05-24 23:59');
  expect(help).toContain(`\n--deadline 的写法（与看板“设置与日志”相同）：\n  ${DEADLINE_INPUT_HINT}\n`);
  // The one text (server/model.ts) names what core/time.ts fromBeijingInput reads.
  for (const form of ['“2024-05-24 23:59”', '“2024/5/24 23:59”', '“2024年5月24日23:59”', '只写日期（如 2024-05-24）表示当天 23:59']) expect(DEADLINE_INPUT_HINT).toContain(form);
});
