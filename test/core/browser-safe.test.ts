/**
 * The browser-safe part of core stays browser-safe: the lint rule refuses the Node part (core/node/), Node's modules
 * and Node-only libraries in the task pane, the dashboard and core outside core/node/; and the real browser bundles,
 * built the way the build builds them, contain nothing from core/node/ or from a Node-only library.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const root = path.join(__dirname, '..', '..');
const run = promisify(execFile);

/**
 * Lints each probe as if it were that file of the repository, in one eslint process (the repository's own config);
 * returns the ids of the rules each probe breaks.
 */
async function lintAs(probes: ReadonlyArray<readonly [file: string, code: string]>): Promise<string[][]> {
  const script = `
    const { ESLint } = require('eslint');
    const probes = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
    const eslint = new ESLint({ cwd: process.cwd() });
    Promise.all(probes.map(([file, code]) => eslint.lintText(code, { filePath: file })))
      .then((results) => process.stdout.write(JSON.stringify(results.map(([r]) => r.messages.map((m) => m.ruleId ?? 'parse')))));`;
  const running = run(process.execPath, ['-e', script], { cwd: root });
  running.child.stdin!.end(JSON.stringify(probes.map(([file, code]) => [path.join(root, file), code])));
  return JSON.parse((await running).stdout) as string[][];
}

const RULE = '@typescript-eslint/no-restricted-imports';

const REFUSED: Array<[string, string]> = [
  ['addin/src/probe.ts', "import { buildTemplate } from '../../core/node/workbook/build';\nexport const x = buildTemplate;\n"],
  ['addin/src/probe.ts', "import ExcelJS from 'exceljs';\nexport const x = ExcelJS;\n"],
  ['server/dashboard/probe.ts', "import fs from 'node:fs';\nexport const x = fs;\n"],
  ['server/dashboard/probe.ts', "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n"],
  ['core/workbook/probe.ts', "import { openXlsx } from '../node/workbook/xlsx-cells';\nexport const x = openXlsx;\n"],
  ['core/workbook/probe.ts', "import type { MergeEntry } from '../node/workbook/merge';\nexport type X = MergeEntry;\n"],
  ['core/probe.ts', "import yauzl from 'yauzl';\nexport const x = yauzl;\n"],
];
const ALLOWED: Array<[string, string]> = [
  ['addin/src/probe.ts', "import { colLetter } from '../../core/ooxml/address';\nimport type ExcelJS from 'exceljs';\nexport const x: ExcelJS.Cell | string = colLetter(3);\n"],
  ['core/node/workbook/probe.ts', "import fs from 'node:fs';\nimport ExcelJS from 'exceljs';\nexport const x = [fs, ExcelJS];\n"],
];

test('the lint rule refuses core/node/, Node modules and Node-only libraries in browser code, and allows the rest', async () => {
  const results = await lintAs([...REFUSED, ...ALLOWED]);
  REFUSED.forEach(([file, code], i) => expect([file, code, results[i]]).toEqual([file, code, [RULE]]));
  ALLOWED.forEach(([file, code], i) => expect([file, code, results[REFUSED.length + i]]).toEqual([file, code, []]));
});

test.each([
  ['task pane', 'addin/src/taskpane.ts'],
  ['dashboard', 'server/dashboard/main.ts'],
])('the %s bundle holds nothing of core/node/ or of a Node-only library', async (_name, entry) => {
  const out = await build({ entryPoints: [path.join(root, entry)], bundle: true, write: false, metafile: true, platform: 'browser', format: 'iife', logLevel: 'silent' });
  const inputs = Object.keys(out.metafile.inputs);
  expect(inputs.some((i) => i.startsWith('core/'))).toBe(true);
  expect(inputs.filter((i) => i.startsWith('core/node/') || /node_modules\/(exceljs|yauzl|mammoth|sharp|better-sqlite3|express|iconv-lite|csv-parse)\//.test(i))).toEqual([]);
});
