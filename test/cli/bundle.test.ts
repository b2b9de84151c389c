/**
 * The `redsite` command runs as one bundle (dist/cli/redsite.js, scripts/build-cli.js) compiled with a V8 code cache
 * (bin/redsite.js): the command loads none of the separate modules under dist/, answers exactly what the in-process
 * reader answers, and uses a code cache only when it was made from that very bundle.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import Module from 'node:module';
import vm from 'node:vm';
import zlib from 'node:zlib';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fillWorkbook, projectFields, REPORTER } from '../helpers/workbook';
import { randomAnswers, seeded } from '../helpers/fixtures';
import { buildTemplate } from '../../core/node/workbook/build';
import { parseWorkbook } from '../../core/node/workbook/parse';
import { parseLocal } from '../../core/node/workbook/local';
import iconv from 'iconv-lite';
import { Document, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';
import { scoreJson } from '../../cli/commands/score';
import { BIN, redsite } from '../helpers/cli';

const ROOT = path.join(__dirname, '../..');
const BUNDLE = path.join(ROOT, 'dist/cli/redsite.js');

let dir: string;
let workbook: string;
let bytes: Buffer;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redsite-bundle-'));
  const template = await buildTemplate({ projects: 3 });
  bytes = await fillWorkbook(template, REPORTER, [
    { fields: projectFields(1), answers: randomAnswers(seeded(11)) },
    { fields: projectFields(2), answers: randomAnswers(seeded(12)) },
  ]);
  workbook = path.join(dir, '申报工作簿.xlsx');
  fs.writeFileSync(workbook, bytes);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test('bin/redsite.js runs the bundle: score reads dist/cli/redsite.js and loads no separate module of dist/ but the cache loader', async () => {
  // A preload that records, when the command ends, the files it read and the modules it loaded through require().
  const record = path.join(dir, 'record.json');
  const preload = path.join(dir, 'record.js');
  fs.writeFileSync(
    preload,
    `const fs = require('node:fs'); const read = []; const orig = fs.readFileSync;
     fs.readFileSync = function (file, ...rest) { read.push(String(file)); return orig.call(this, file, ...rest); };
     process.on('exit', () => fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ read, modules: Object.keys(require.cache) })));`,
  );
  const r = await redsite(['score', '--json', workbook], { env: { NODE_OPTIONS: `--require ${preload}` } });
  expect(r.code).toBe(0);
  expect(JSON.parse(r.stdout).kind).toBe('unit');
  const { read, modules } = JSON.parse(fs.readFileSync(record, 'utf8')) as { read: string[]; modules: string[] };
  expect(read).toContain(BUNDLE);
  const ours = modules.filter((m) => m.startsWith(path.join(ROOT, 'dist') + path.sep));
  expect(ours).toEqual([path.join(ROOT, 'dist/core/node/code-cache.js')]);
  // Nor the database's native module: the --data check names the database file from server/db/file-name.ts alone.
  expect(modules.filter((m) => m.split(path.sep).includes('better-sqlite3'))).toEqual([]);
  expect(modules).toContain(BIN);
});

test('score --json from the bundle equals the in-process reader: a filled template, a GBK 附件2 table, a Word 回执', async () => {
  const r = await redsite(['score', '--json', workbook]);
  expect(r.code).toBe(0);
  const expected = scoreJson(await parseWorkbook(bytes, { fileName: workbook }));
  expect(expected.projects).toHaveLength(2);
  expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(expected)));
  // The version comes from package.json wherever the code lives.
  // A GBK 附件2 table: iconv-lite is bundled, its code-page tables are read from node_modules.
  const csv = iconv.encode(`序号,企业名称,项目情况,负责人,联系电话,开竣工日期,旗县区\n1,${REPORTER.unit},北梁棚户区改造安置房1号楼,李红,13912345678,2024.03-2025.10,东河区\n`, 'gbk');
  fs.writeFileSync(path.join(dir, '回执.csv'), csv);
  const plain = await redsite(['score', '--json', path.join(dir, '回执.csv')]);
  expect(plain.code).toBe(0);
  const parsed = JSON.parse(plain.stdout) as ReturnType<typeof scoreJson>;
  expect(parsed.kind).toBe('plain');
  expect(parsed.projects[0]).toMatchObject({ enterprise: REPORTER.unit, district: '东河区' });
  expect(parsed).toEqual(JSON.parse(JSON.stringify(scoreJson(await parseLocal(csv, { fileName: path.join(dir, '回执.csv') })))));
  // A Word 回执: mammoth loads from node_modules, htmlparser2 (an ES module) is bundled.
  const head = ['序号', '企业名称', '项目情况（包括地址、建设规模等）', '负责人', '联系电话', '开竣工日期'];
  const cell = (t: string) => new TableCell({ children: [new Paragraph(t)] });
  const docx = await Packer.toBuffer(new Document({ sections: [{ children: [
    new Paragraph('填报单位：丁建筑有限公司'),
    new Table({ rows: [new TableRow({ children: head.map(cell) }), new TableRow({ children: ['1', '丁建筑有限公司', '丁项目；地址：包头市东河区南门外大街；规模：1万平方米', '丁一', '13912345678', '2024.3-2024.12'].map(cell) })] }),
  ] }] }));
  fs.writeFileSync(path.join(dir, '回执.docx'), docx);
  const word = await redsite(['score', '--json', path.join(dir, '回执.docx')]);
  expect(word.code).toBe(0);
  expect(JSON.parse(word.stdout).projects[0]).toMatchObject({ enterprise: '丁建筑有限公司', projectName: '丁项目' });
  // (jest cannot load htmlparser2 in process: the same command from the separate modules under dist/ instead.)
  const modules = execFileSync(process.execPath, ['-e', 'require(process.argv[1]).main(process.argv)', path.join(ROOT, 'dist/cli/index.js'), 'score', '--json', path.join(dir, '回执.docx')], { encoding: 'utf8' });
  expect(JSON.parse(word.stdout)).toEqual(JSON.parse(modules));
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  expect((await redsite(['--version'])).stdout.trim()).toBe(pkg.version);
});

/** A copy of the installation (bin, bundle, package.json, node_modules) whose code cache a test may change; its bin. */
function installCopy(name: string): string {
  const inst = path.join(dir, name);
  fs.mkdirSync(path.join(inst, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(inst, 'dist/cli'), { recursive: true });
  fs.mkdirSync(path.join(inst, 'dist/core/node'), { recursive: true });
  fs.copyFileSync(BIN, path.join(inst, 'bin/redsite.js'));
  fs.copyFileSync(path.join(ROOT, 'dist/core/node/code-cache.js'), path.join(inst, 'dist/core/node/code-cache.js'));
  fs.copyFileSync(BUNDLE, path.join(inst, 'dist/cli/redsite.js'));
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(inst, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(inst, 'node_modules'));
  return path.join(inst, 'bin/redsite.js');
}

test('the code cache is written when missing, used only for its own bundle, and rewritten when it does not match', async () => {
  const bin = installCopy('inst');
  const inst = path.dirname(path.dirname(bin));
  const cache = path.join(inst, 'dist/cli/redsite.js.cache');
  // The header bin/redsite.js (core/node/code-cache.ts) puts before V8's data: 'RSC1', the bundle's byte length and CRC-32.
  const bytes = fs.readFileSync(BUNDLE);
  const header = Buffer.alloc(12);
  header.write('RSC1', 0, 'latin1');
  header.writeUInt32BE(bytes.length, 4);
  header.writeUInt32BE(zlib.crc32(bytes), 8);
  const other = Buffer.from(header);
  other.writeUInt32BE(zlib.crc32(Buffer.from('another bundle')), 8);
  const expected = (await redsite(['score', '--json', workbook])).stdout;
  const source = fs.readFileSync(BUNDLE, 'utf8');
  const v8Accepts = (cachedData: Buffer) => !new vm.Script(Module.wrap(source), { filename: BUNDLE, cachedData }).cachedDataRejected;
  const run = async () => execFileSync(process.execPath, [bin, 'score', '--json', workbook], { encoding: 'utf8' });

  expect(fs.existsSync(cache)).toBe(false);
  expect(await run()).toBe(expected);
  const written = fs.readFileSync(cache);
  expect(written.subarray(0, 12).equals(header)).toBe(true);
  expect(written.length).toBeGreaterThan(100_000);
  expect(v8Accepts(written.subarray(12))).toBe(true);
  expect(v8Accepts(crypto.randomBytes(written.length - 12))).toBe(false);
  expect(fs.readdirSync(path.dirname(cache)).sort()).toEqual(['redsite.js', 'redsite.js.cache']);

  // Used as it is: a matching cache is not written again.
  const before = fs.statSync(cache).mtimeMs;
  fs.utimesSync(cache, new Date(2000, 0, 1), new Date(2000, 0, 1));
  expect(await run()).toBe(expected);
  expect(fs.statSync(cache).mtimeMs).toBeLessThan(before);

  // Our header, but data V8 refuses: the command still answers the same, and the cache is made anew.
  fs.writeFileSync(cache, Buffer.concat([header, crypto.randomBytes(written.length - 12)]));
  expect(await run()).toBe(expected);
  expect(fs.readFileSync(cache).subarray(0, 12).equals(header)).toBe(true);
  expect(v8Accepts(fs.readFileSync(cache).subarray(12))).toBe(true);

  // A cache made from another bundle (another header, V8 data fit for this one): not handed to V8, which would
  // accept it, but replaced.
  fs.writeFileSync(cache, Buffer.concat([other, written.subarray(12)]));
  expect(await run()).toBe(expected);
  expect(fs.readFileSync(cache).subarray(0, 12).equals(header)).toBe(true);
}, 120_000);

test('score, a one-shot command, runs without the optimizing compiler once its code cache is in use, and the cache stays valid', () => {
  const bin = installCopy('one-shot');
  // --trace-opt makes V8 print every function it optimizes (to stdout, with the command's own output).
  const run = (args: string[]) => execFileSync(process.execPath, ['--trace-opt', bin, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const optimized = (out: string) => out.split('compiling method').length - 1;
  const caches = () => fs.readdirSync(path.join(path.dirname(bin), '../dist/cli')).filter((f) => f.endsWith('.cache'));

  // No cache yet for these flags: this run keeps the compiler (the cache it writes must be made under the default
  // flags), and V8 optimizes the tokenizer as it reads the file.
  expect(caches()).toEqual([]);
  const first = run(['score', '--json', workbook]);
  expect(first).toContain('"kind": "unit"');
  expect(optimized(first)).toBeGreaterThan(0);
  expect(caches()).toHaveLength(1);
  const cacheFile = path.join(path.dirname(bin), '../dist/cli', caches()[0]!);
  fs.utimesSync(cacheFile, new Date(2000, 0, 1), new Date(2000, 0, 1));
  const written = fs.statSync(cacheFile).mtimeMs;

  // With the cache accepted: nothing is optimized, the answer is the same, and the cache is neither refused nor rewritten.
  const second = run(['score', '--json', workbook]);
  expect(second).toContain('"kind": "unit"');
  expect(optimized(second)).toBe(0);
  expect(JSON.parse(second.slice(second.indexOf('{\n'), second.lastIndexOf('}') + 1))).toEqual(JSON.parse(first.slice(first.indexOf('{\n'), first.lastIndexOf('}') + 1)));
  expect(fs.statSync(cacheFile).mtimeMs).toBe(written);

  // A command that is not one-shot keeps the compiler.
  expect(optimized(run(['template', '-o', path.join(dir, 'one-shot', 'template.xlsx')]))).toBeGreaterThan(0);
}, 120_000);
